/// The spiking network of the paper: L hidden blocks (synapses, batch norm, LIF neurons,
/// dropout) and a readout block (synapses, non-firing LIF neurons whose membrane is the output).
///
/// Shape legend: T steps, B batch, I inputs, H hidden width, C classes. Each DCLS layer appends
/// E = (K-1)/2 steps, so a delay network with L hidden layers outputs T + (L+1) E steps.
/// Module indices follow the reference's `nn.Sequential`: per hidden block synapses, batch norm
/// (when used), LIF, dropout; then the readout synapses and LIF.

/// The synapses of one block.
public enum Synapses<R: Real> {
  case dense(DenseSynapse<R>)
  case delay(DelaySynapse<R>)
}

/// The computation mode of a forward pass.
public enum ForwardMode: Sendable {
  /// Batch statistics, dropout, and the variant's training kernel: Gaussian for learned delays,
  /// one integer delay per weight for fixed delays.
  case training
  /// Running statistics, no dropout, and for delay models rounded positions with sigma 0.
  case evaluation
}

public struct Network<R: Real> {
  public let config: NetworkConfig
  /// L + 1 synapse layers; the last is the readout.
  public var synapses: [Synapses<R>]
  /// L batch norms, or none.
  public var norms: [BatchNorm<R>]
  public var neurons: LIFNeurons<R>
  public var readout: ReadoutNeurons<R>
  public var dropout: SharedDropout<R>
  /// Computes fixed-delay training and delay evaluation with the dense K-tap kernel instead of
  /// integer delays. Slower; the tests use it to check the integer path.
  public var alwaysUseKernel = false

  /// Creates a network with zero weights; call `initialise` or load a checkpoint.
  public init(config: NetworkConfig) {
    self.config = config
    let L = config.hiddenLayers
    let stride = config.batchNorm ? 4 : 3
    var synapses: [Synapses<R>] = []
    for layer in 0...L {
      let fanIn = layer == 0 ? config.inputs : config.hidden
      let fanOut = layer == L ? config.outputs : config.hidden
      let index = layer * stride
      switch config.variant {
      case .none:
        synapses.append(.dense(DenseSynapse(inputs: fanIn, outputs: fanOut, moduleIndex: index)))
      case .fixed, .learned:
        synapses.append(.delay(DelaySynapse(inputs: fanIn, outputs: fanOut, count: config.delaysPerSynapse,
                                            taps: config.taps, moduleIndex: index)))
      }
    }
    self.synapses = synapses
    norms = config.batchNorm ? (0..<L).map { BatchNorm(channels: config.hidden, moduleIndex: $0 * stride + 1) } : []
    neurons = LIFNeurons(tau: config.tau, threshold: R(config.threshold), alpha: R(config.surrogateAlpha))
    readout = ReadoutNeurons(tau: config.tau, threshold: R(config.outputThreshold))
    dropout = SharedDropout(probability: config.dropout)
  }

  /// Draws the initial weights and positions from `generator`: Kaiming-uniform weights, uniform
  /// positions (rounded for fixed delays), sigma K div 2 for learned delays and 0 otherwise.
  public mutating func initialise(using generator: inout SeededGenerator) {
    for index in synapses.indices {
      switch synapses[index] {
      case .dense(var layer):
        layer.initialise(using: &generator)
        synapses[index] = .dense(layer)
      case .delay(var layer):
        layer.initialise(using: &generator)
        if config.variant == .fixed {
          layer.roundPositions()
          layer.sigma = 0
        } else {
          layer.sigma = R(config.taps / 2)
        }
        synapses[index] = .delay(layer)
      }
    }
  }

  /// The steps appended by each synapse layer.
  var extraStepsPerLayer: Int { config.variant == .none ? 0 : (config.taps - 1) / 2 }

  /// Returns the output length for an input of `steps` steps.
  public func outputSteps(forInputSteps steps: Int) -> Int {
    steps + (config.hiddenLayers + 1) * extraStepsPerLayer
  }

  /// Sigma of the DCLS layers (0 for the no-delay variant).
  public var sigma: R {
    get {
      if case .delay(let layer) = synapses.last! { return layer.sigma }
      return 0
    }
    set {
      for index in synapses.indices {
        if case .delay(var layer) = synapses[index] {
          layer.sigma = newValue
          synapses[index] = .delay(layer)
        }
      }
    }
  }
}

// MARK: - Forward and backward

enum SynapseCache<R: Real> {
  case dense(input: [R], rows: Int)
  case kernel(DelaySynapseCache<R>)
  case integer(IntegerDelaysCache<R>, IntegerDelays<R>)
}

struct BlockCache<R: Real> {
  var synapse: SynapseCache<R>
  var norm: BatchNormCache<R>?
  var neurons: LIFCache<R>?
  var mask: [R]?
  /// Steps of this block's output.
  var steps: Int
  var width: Int
}

/// One forward pass: the output and what the backward needs.
public struct ForwardPass<R: Real> {
  /// The readout membrane `(T_out, B, C)`.
  public var output: [R]
  /// T_out.
  public var steps: Int
  public var batch: Int
  /// The output of every module by its reference index, when recorded (for the tests).
  public var moduleOutputs: [Int: [R]] = [:]
  var blocks: [BlockCache<R>] = []
}

extension Network {
  /// Returns whether a delay layer computes with one integer delay per weight in `mode`.
  func usesIntegerDelays(_ mode: ForwardMode) -> Bool {
    guard !alwaysUseKernel else { return false }
    switch config.variant {
    case .none: return false
    case .fixed: return true
    case .learned: return mode == .evaluation
    }
  }

  /// Runs the network on `input` `(T, B, I)`. Dropout masks come from `generator` in training.
  public mutating func forward(
    _ input: [R], steps T: Int, batch B: Int, mode: ForwardMode,
    generator: inout SeededGenerator, recordModules: Bool = false
  ) -> ForwardPass<R> {
    precondition(input.count == T * B * config.inputs, "Network.forward: \(input.count) values for (\(T), \(B), \(config.inputs))")
    if mode == .evaluation && usesIntegerDelays(.evaluation) && !recordModules {
      return forwardEvaluationBatchMajor(input, steps: T, batch: B)
    }
    let L = config.hiddenLayers
    let stride = config.batchNorm ? 4 : 3
    var pass = ForwardPass<R>(output: [], steps: T, batch: B)
    var x = input
    var steps = T
    for layer in 0...L {
      let base = layer * stride
      var (y, synapseCache) = forwardSynapses(layer, x, steps: steps, batch: B, mode: mode)
      let width = layer == L ? config.outputs : config.hidden
      steps = y.count / (B * width)
      if recordModules { pass.moduleOutputs[base] = y }
      if layer == L {
        let membrane = readout.forward(y, steps: steps, width: B * width, mode: mode)
        if recordModules { pass.moduleOutputs[base + 1] = membrane }
        pass.blocks.append(BlockCache(synapse: synapseCache, steps: steps, width: width))
        pass.output = membrane
        pass.steps = steps
        break
      }
      var block = BlockCache<R>(synapse: synapseCache, steps: steps, width: width)
      if config.batchNorm {
        switch mode {
        case .training:
          let (normalised, cache) = norms[layer].forwardTraining(y, rows: steps * B)
          y = normalised
          block.norm = cache
        case .evaluation:
          y = norms[layer].forwardEvaluation(y, rows: steps * B)
        }
        if recordModules { pass.moduleOutputs[base + 1] = y }
      }
      let lifIndex = base + (config.batchNorm ? 2 : 1)
      let (spikes, lifCache) = neurons.forward(y, steps: steps, width: B * width, mode: mode)
      block.neurons = lifCache
      if recordModules { pass.moduleOutputs[lifIndex] = spikes }
      x = spikes
      if mode == .training && config.dropout > 0 {
        let mask: [R] = dropout.drawMask(batch: B, width: width, using: &generator)
        x = dropout.apply(spikes, mask: mask, steps: steps)
        block.mask = mask
      }
      if recordModules { pass.moduleOutputs[lifIndex + 1] = x }
      pass.blocks.append(block)
    }
    return pass
  }

  private func forwardSynapses(_ layer: Int, _ x: [R], steps: Int, batch B: Int, mode: ForwardMode)
    -> ([R], SynapseCache<R>)
  {
    switch synapses[layer] {
    case .dense(let dense):
      return (dense.forward(x, rows: steps * B), .dense(input: x, rows: steps * B))
    case .delay(var delay):
      if usesIntegerDelays(mode) {
        let integer = IntegerDelays(delay)
        let (y, cache) = integer.forward(x, steps: steps, batch: B)
        return (y, .integer(cache, integer))
      }
      let shape: KernelShape = config.variant == .learned && mode == .training ? .gaussian : .triangle
      if mode == .evaluation {
        delay.roundPositions()
        delay.sigma = 0
      }
      let (y, cache) = delay.forward(x, steps: steps, batch: B, shape: shape)
      return (y, .kernel(cache))
    }
  }

  /// Adds the gradients of every trained parameter for `outputGradient` `(T_out, B, C)`.
  public mutating func backward(_ pass: ForwardPass<R>, outputGradient: [R]) {
    let L = config.hiddenLayers
    let B = pass.batch
    var gradient = readout.backward(outputGradient, steps: pass.steps, width: B * config.outputs)
    for layer in stride(from: L, through: 0, by: -1) {
      let block = pass.blocks[layer]
      if layer < L {
        if let mask = block.mask {
          gradient = dropout.apply(gradient, mask: mask, steps: block.steps)
        }
        gradient = neurons.backward(gradient, cache: block.neurons!, steps: block.steps, width: B * block.width)
        if let cache = block.norm {
          gradient = norms[layer].backward(gradient, cache: cache, rows: block.steps * B)
        }
      }
      gradient = backwardSynapses(layer, gradient, cache: block.synapse, needsInputGradient: layer > 0)
    }
  }

  private mutating func backwardSynapses(_ layer: Int, _ gradient: [R], cache: SynapseCache<R>, needsInputGradient: Bool) -> [R] {
    switch (synapses[layer], cache) {
    case (.dense(var dense), .dense(let input, let rows)):
      let result = dense.backward(gradient, input: input, rows: rows, needsInputGradient: needsInputGradient)
      synapses[layer] = .dense(dense)
      return result
    case (.delay(var delay), .kernel(let kernelCache)):
      let result = delay.backward(gradient, cache: kernelCache, needsInputGradient: needsInputGradient)
      synapses[layer] = .delay(delay)
      return result
    case (.delay(var delay), .integer(let integerCache, let integer)):
      let (valueGradient, inputGradient) = integer.backward(gradient, cache: integerCache, needsInputGradient: needsInputGradient)
      // value = w * bump, so dw = dvalue * bump; positions of integer delays are not trained.
      for index in valueGradient.indices {
        delay.weight.gradient[index] += valueGradient[index] * integer.bump
      }
      synapses[layer] = .delay(delay)
      return inputGradient
    default:
      preconditionFailure("Network.backward: cache does not match synapse layer \(layer)")
    }
  }
}
