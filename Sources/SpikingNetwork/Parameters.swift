/// The optimiser settings a parameter trains with.
public enum ParameterGroup: Sendable {
  /// Synapse weights: Adam with weight decay, `OneCycleLR`.
  case weights
  /// Batch-norm scale and shift: the same Adam and schedule, no weight decay.
  case normalisation
  /// DCLS positions of learned delays: a second Adam, 100 times the learning rate, cosine
  /// annealing, no weight decay.
  case positions
}

extension Network {
  /// Calls `body` for every trained parameter in the reference's module order.
  public mutating func visitParameters(_ body: (inout Parameter<R>, ParameterGroup) -> Void) {
    for layer in synapses.indices {
      switch synapses[layer] {
      case .dense(var dense):
        body(&dense.weight, .weights)
        synapses[layer] = .dense(dense)
      case .delay(var delay):
        body(&delay.weight, .weights)
        if config.variant == .learned { body(&delay.position, .positions) }
        synapses[layer] = .delay(delay)
      }
      if layer < norms.count {
        body(&norms[layer].scale, .normalisation)
        body(&norms[layer].shift, .normalisation)
      }
    }
  }

  /// Sets every gradient to zero.
  public mutating func zeroGradients() {
    visitParameters { parameter, _ in parameter.zeroGradient() }
  }

  /// Clamps the positions of every DCLS layer; runs after each optimiser step.
  public mutating func clampPositions() {
    for layer in synapses.indices {
      if case .delay(var delay) = synapses[layer] {
        delay.clampPositions()
        synapses[layer] = .delay(delay)
      }
    }
  }

  /// All positions of all DCLS layers, concatenated (empty for the no-delay variant).
  public var allPositions: [R] {
    synapses.flatMap { synapse -> [R] in
      if case .delay(let delay) = synapse { return delay.position.value }
      return []
    }
  }

  /// The number of trained values counted the paper's way: weights, positions (of delay
  /// variants, trained or not) and batch-norm scale and shift; not sigma, not running statistics.
  public var parameterCount: Int {
    var total = 0
    for synapse in synapses {
      switch synapse {
      case .dense(let dense): total += dense.weight.value.count
      case .delay(let delay): total += delay.weight.value.count + delay.position.value.count
      }
    }
    return total + norms.reduce(0) { $0 + 2 * $1.channels }
  }
}
