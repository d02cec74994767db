/// DCLS delay synapses: a time convolution whose kernel is built from learnable weights and
/// positions (Khalfaoui-Hassani et al., dilated convolution with learnable spacings).
///
/// Shape legend: T input steps, B batch, I inputs, O outputs, n delays per synapse (`count`),
/// K taps. Each layer appends E = (K-1)/2 steps to the sequence: the input is padded with K-1
/// zeros before and E zeros after, then cross-correlated with the kernel, so tap k delays by
/// K-1-k steps.

/// The shape of the bump a DCLS layer spreads each position over, across the K taps.
public enum KernelShape: Sendable {
  /// `g[k] = exp(-0.5 ((k - q) / s)^2)` with `s = |sigma| + 0.27`: learned delays in training.
  case gaussian
  /// `g[k] = max(0, s - |k - q|)` with `s = |sigma| + 1`: fixed delays, and every evaluation.
  case triangle
}

/// The constant added to each bump's sum before normalising, as the reference adds it.
let bumpNormalisationEpsilon = 1e-7

public struct DelaySynapse<R: Real> {
  /// I, O, n and K.
  public let inputs: Int
  public let outputs: Int
  public let count: Int
  public let taps: Int
  /// Weights `(O, I, n)`, named `model.<i>.weight` with shape `(O, I, n)`.
  public var weight: Parameter<R>
  /// Positions `(O, I, n)` in steps around the kernel centre, named `model.<i>.P` with shape
  /// `(1, O, I, n)`; kept in `[-(K div 2), K div 2]` by `clampPositions()`.
  public var position: Parameter<R>
  /// The width of every bump of the layer (not trained), stored as `model.<i>.SIG`, one value per
  /// synapse like the reference, all equal.
  public var sigma: R

  /// E, the steps this layer appends to the sequence.
  public var extraSteps: Int { (taps - 1) / 2 }
  /// The largest allowed position magnitude, K div 2.
  public var positionLimit: R { R(taps / 2) }

  public init(inputs: Int, outputs: Int, count: Int, taps: Int, moduleIndex: Int) {
    precondition(taps % 2 == 1 && taps > 0, "DelaySynapse: taps must be odd, got \(taps)")
    self.inputs = inputs
    self.outputs = outputs
    self.count = count
    self.taps = taps
    let size = outputs * inputs * count
    weight = Parameter(name: "model.\(moduleIndex).weight", shape: [outputs, inputs, count],
                       value: [R](repeating: 0, count: size))
    position = Parameter(name: "model.\(moduleIndex).P", shape: [1, outputs, inputs, count],
                         value: [R](repeating: 0, count: size))
    sigma = 0
  }

  /// Draws weights Kaiming-uniform for ReLU (`bound = sqrt(6 / (I n))`) and positions uniform in
  /// `[floor(-K / 2), K div 2]`, then clamps them, as the reference initialises a DCLS layer.
  public mutating func initialise(using generator: inout SeededGenerator) {
    let bound = (6.0 / Double(inputs * count)).squareRoot()
    for index in weight.value.indices {
      weight.value[index] = R(-bound + 2 * bound * generator.nextUnitDouble())
    }
    let low = (-Double(taps) / 2).rounded(.down)
    let high = Double(taps / 2)
    for index in position.value.indices {
      position.value[index] = R(low + (high - low) * generator.nextUnitDouble())
    }
    clampPositions()
  }

  /// Clamps every position to `[-(K div 2), K div 2]`; runs after each optimiser step.
  public mutating func clampPositions() {
    let limit = positionLimit
    for index in position.value.indices {
      position.value[index] = min(max(position.value[index], -limit), limit)
    }
  }

  /// Rounds every position half to even, then clamps, as evaluation and the fixed variant do.
  public mutating func roundPositions() {
    for index in position.value.indices {
      position.value[index] = position.value[index].rounded(.toNearestOrEven)
    }
    clampPositions()
  }
}

// MARK: - Kernel construction

/// The kernel of a DCLS layer and what its backward needs.
public struct DelayKernel<R: Real> {
  /// The kernel `(K, O, I)`: tap-major so that each tap is one `(O, I)` matrix for a product.
  public var values: [R]
  /// Normalised bumps `g / (sum g + 1e-7)`, `(O, I, n, K)`.
  var bumps: [R]
  /// Derivative of each normalised bump with respect to its position, `(O, I, n, K)`; empty for
  /// the triangle shape, whose positions are never trained.
  var bumpSlopes: [R]
}

extension DelaySynapse {
  /// Builds the kernel: `kernel[k, o, i] = sum_j w[o,i,j] g_j[k] / (sum_k g_j[k] + 1e-7)`.
  public func buildKernel(_ shape: KernelShape) -> DelayKernel<R> {
    let (O, I, n, K) = (outputs, inputs, count, taps)
    var values = [R](repeating: 0, count: K * O * I)
    var bumps = [R](repeating: 0, count: O * I * n * K)
    var slopes = shape == .gaussian ? [R](repeating: 0, count: O * I * n * K) : []
    let centre = R(K / 2)
    let epsilon = R(bumpNormalisationEpsilon)
    var g = [R](repeating: 0, count: K)
    var dg = [R](repeating: 0, count: K)
    for o in 0..<O {
      for i in 0..<I {
        for j in 0..<n {
          let index = (o * I + i) * n + j
          let q = position.value[index] + centre
          var sum: R = 0
          var slopeSum: R = 0
          switch shape {
          case .gaussian:
            let s = abs(sigma) + R(0.27)
            for k in 0..<K {
              let z = (R(k) - q) / s
              g[k] = R.exponential(-R(0.5) * z * z)
              dg[k] = g[k] * z / s
              sum += g[k]
              slopeSum += dg[k]
            }
          case .triangle:
            let s = abs(sigma) + 1
            for k in 0..<K {
              g[k] = max(0, s - abs(R(k) - q))
              sum += g[k]
            }
          }
          let total = sum + epsilon
          let w = weight.value[index]
          for k in 0..<K {
            let bump = g[k] / total
            bumps[index * K + k] = bump
            values[(k * O + o) * I + i] += w * bump
            if shape == .gaussian {
              slopes[index * K + k] = dg[k] / total - g[k] * slopeSum / (total * total)
            }
          }
        }
      }
    }
    return DelayKernel(values: values, bumps: bumps, bumpSlopes: slopes)
  }

  /// Backward of `buildKernel`: adds `dL/dw` into `weight.gradient` and, for the Gaussian shape,
  /// `dL/dp` into `position.gradient`, from `kernelGradient` `(K, O, I)`.
  public mutating func backwardKernel(_ kernel: DelayKernel<R>, kernelGradient: [R]) {
    let (O, I, n, K) = (outputs, inputs, count, taps)
    let hasSlopes = !kernel.bumpSlopes.isEmpty
    for o in 0..<O {
      for i in 0..<I {
        for j in 0..<n {
          let index = (o * I + i) * n + j
          var dw: R = 0
          var dq: R = 0
          // kernel[k, o, i] += w * bump[k]
          for k in 0..<K {
            let upstream = kernelGradient[(k * O + o) * I + i]
            dw += upstream * kernel.bumps[index * K + k]
            if hasSlopes { dq += upstream * kernel.bumpSlopes[index * K + k] }
          }
          weight.gradient[index] += dw
          if hasSlopes { position.gradient[index] += weight.value[index] * dq }
        }
      }
    }
  }
}

// MARK: - Time convolution through one product per tap

/// The state `DelaySynapse.forward` keeps for its backward.
public struct DelaySynapseCache<R: Real> {
  /// The zero-padded input `(T + K - 1 + E, B, I)`.
  var padded: [R]
  var kernel: DelayKernel<R>
  var steps: Int
  var batch: Int
}

extension DelaySynapse {
  /// Convolves `input` `(T, B, I)` with the kernel and returns `(T + E, B, O)`.
  ///
  /// Tap k contributes `padded[t + k] @ kernel[k]^T` for every output step t: each is one matrix
  /// product over a contiguous block of the padded input, so no shifted copy is made.
  public func forward(_ input: [R], steps T: Int, batch B: Int, shape: KernelShape)
    -> (output: [R], cache: DelaySynapseCache<R>)
  {
    precondition(input.count == T * B * inputs, "DelaySynapse.forward: \(input.count) values for (\(T), \(B), \(inputs))")
    let (O, I, K) = (outputs, inputs, taps)
    let kernel = buildKernel(shape)
    let paddedSteps = T + K - 1 + extraSteps
    let outputSteps = T + extraSteps
    var padded = [R](repeating: 0, count: paddedSteps * B * I)
    padded.withUnsafeMutableBufferPointer { destination in
      input.withUnsafeBufferPointer { source in
        (destination.baseAddress! + (K - 1) * B * I).update(from: source.baseAddress!, count: source.count)
      }
    }
    var output = [R](repeating: 0, count: outputSteps * B * O)
    padded.withUnsafeBufferPointer { x in
      kernel.values.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          for k in 0..<K {
            R.gemm(transposeA: false, transposeB: true, m: outputSteps * B, n: O, k: I, alpha: 1,
                   a: x.baseAddress! + k * B * I, lda: I, b: w.baseAddress! + k * O * I, ldb: I,
                   beta: 1, c: y.baseAddress!, ldc: O)
          }
        }
      }
    }
    return (output, DelaySynapseCache(padded: padded, kernel: kernel, steps: T, batch: B))
  }

  /// Backward of `forward`: adds the weight (and, for the Gaussian shape, position) gradients and
  /// returns `dL/dinput` `(T, B, I)` when `needsInputGradient`, else an empty array.
  public mutating func backward(_ outputGradient: [R], cache: DelaySynapseCache<R>, needsInputGradient: Bool) -> [R] {
    let (O, I, K) = (outputs, inputs, taps)
    let (T, B) = (cache.steps, cache.batch)
    let outputSteps = T + extraSteps
    precondition(outputGradient.count == outputSteps * B * O, "DelaySynapse.backward: \(outputGradient.count) values for (\(outputSteps), \(B), \(O))")
    // forward: y += padded[t + k] @ kernel[k]^T, so dkernel[k] += dy^T @ padded[k ..< k + T + E]
    var kernelGradient = [R](repeating: 0, count: K * O * I)
    outputGradient.withUnsafeBufferPointer { dy in
      cache.padded.withUnsafeBufferPointer { x in
        kernelGradient.withUnsafeMutableBufferPointer { dw in
          for k in 0..<K {
            R.gemm(transposeA: true, transposeB: false, m: O, n: I, k: outputSteps * B, alpha: 1,
                   a: dy.baseAddress!, lda: O, b: x.baseAddress! + k * B * I, ldb: I,
                   beta: 1, c: dw.baseAddress! + k * O * I, ldc: I)
          }
        }
      }
    }
    backwardKernel(cache.kernel, kernelGradient: kernelGradient)
    guard needsInputGradient else { return [] }
    // and dpadded[t + k] += dy[t] @ kernel[k]; only the unpadded rows K-1 ..< K-1+T are kept.
    var paddedGradient = [R](repeating: 0, count: (T + K - 1 + extraSteps) * B * I)
    outputGradient.withUnsafeBufferPointer { dy in
      cache.kernel.values.withUnsafeBufferPointer { w in
        paddedGradient.withUnsafeMutableBufferPointer { dx in
          for k in 0..<K {
            R.gemm(transposeA: false, transposeB: false, m: outputSteps * B, n: I, k: O, alpha: 1,
                   a: dy.baseAddress!, lda: O, b: w.baseAddress! + k * O * I, ldb: I,
                   beta: 1, c: dx.baseAddress! + k * B * I, ldc: I)
          }
        }
      }
    }
    return Array(paddedGradient[(K - 1) * B * I ..< (K - 1 + T) * B * I])
  }
}
