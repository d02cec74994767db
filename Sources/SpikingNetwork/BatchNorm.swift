/// Batch normalisation of each of H channels over all `T x B` values of a batch.
///
/// Training uses the batch's mean and biased variance and updates running statistics with
/// momentum 0.1, the running variance taking the unbiased estimate. Evaluation uses the running
/// statistics. eps is 1e-5. Shapes: input and output `(T, B, H)`, viewed as `(N = T B, H)`.
public struct BatchNorm<R: Real> {
  public let channels: Int
  /// Scale gamma `(H,)`, `model.<i>.weight`.
  public var scale: Parameter<R>
  /// Shift beta `(H,)`, `model.<i>.bias`.
  public var shift: Parameter<R>
  /// `model.<i>.running_mean` and `model.<i>.running_var`, `(H,)`.
  public var runningMean: [R]
  public var runningVariance: [R]
  /// `model.<i>.num_batches_tracked`.
  public var batchesTracked: Int64 = 0
  public let name: String
  let epsilon: R = R(1e-5)
  let momentum: R = R(0.1)

  public init(channels: Int, moduleIndex: Int) {
    self.channels = channels
    name = "model.\(moduleIndex)"
    scale = Parameter(name: "\(name).weight", shape: [channels], value: [R](repeating: 1, count: channels))
    shift = Parameter(name: "\(name).bias", shape: [channels], value: [R](repeating: 0, count: channels))
    runningMean = [R](repeating: 0, count: channels)
    runningVariance = [R](repeating: 1, count: channels)
  }
}

/// The state the training forward of `BatchNorm` keeps for its backward.
public struct BatchNormCache<R: Real> {
  /// The normalised input `(x - mean) / sqrt(var + eps)`, `(N, H)`.
  var normalised: [R]
  /// `1 / sqrt(var + eps)`, `(H,)`.
  var inverseDeviation: [R]
}

extension BatchNorm {
  /// Training forward: normalises with the batch statistics and updates the running ones.
  public mutating func forwardTraining(_ input: [R], rows N: Int) -> (output: [R], cache: BatchNormCache<R>) {
    let H = channels
    precondition(input.count == N * H, "BatchNorm.forward: \(input.count) values for (\(N), \(H))")
    var mean = [R](repeating: 0, count: H)
    var variance = [R](repeating: 0, count: H)
    input.withUnsafeBufferPointer { x in
      for row in 0..<N {
        for c in 0..<H { mean[c] += x[row * H + c] }
      }
      for c in 0..<H { mean[c] /= R(N) }
      for row in 0..<N {
        for c in 0..<H {
          let d = x[row * H + c] - mean[c]
          variance[c] += d * d
        }
      }
    }
    var inverse = [R](repeating: 0, count: H)
    for c in 0..<H {
      let biased = variance[c] / R(N)
      inverse[c] = 1 / R.squareRoot(biased + epsilon)
      let unbiased = N > 1 ? variance[c] / R(N - 1) : biased
      runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
      runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiased
    }
    batchesTracked += 1
    var normalised = [R](repeating: 0, count: N * H)
    var output = [R](repeating: 0, count: N * H)
    for row in 0..<N {
      for c in 0..<H {
        let z = (input[row * H + c] - mean[c]) * inverse[c]
        normalised[row * H + c] = z
        output[row * H + c] = z * scale.value[c] + shift.value[c]
      }
    }
    return (output, BatchNormCache(normalised: normalised, inverseDeviation: inverse))
  }

  /// Evaluation forward with the running statistics.
  public func forwardEvaluation(_ input: [R], rows N: Int) -> [R] {
    let H = channels
    var output = [R](repeating: 0, count: N * H)
    var factor = [R](repeating: 0, count: H)
    for c in 0..<H { factor[c] = scale.value[c] / R.squareRoot(runningVariance[c] + epsilon) }
    for row in 0..<N {
      for c in 0..<H {
        output[row * H + c] = (input[row * H + c] - runningMean[c]) * factor[c] + shift.value[c]
      }
    }
    return output
  }

  /// Backward of `forwardTraining`: adds the scale and shift gradients and returns `dL/dx`.
  ///
  /// With `z = (x - mean) * inv` and `y = gamma z + beta`:
  /// `dx = gamma inv (dy - mean(dy) - z mean(dy z))`.
  public mutating func backward(_ outputGradient: [R], cache: BatchNormCache<R>, rows N: Int) -> [R] {
    let H = channels
    var sumGradient = [R](repeating: 0, count: H)
    var sumGradientNormalised = [R](repeating: 0, count: H)
    for row in 0..<N {
      for c in 0..<H {
        let dy = outputGradient[row * H + c]
        sumGradient[c] += dy
        sumGradientNormalised[c] += dy * cache.normalised[row * H + c]
      }
    }
    for c in 0..<H {
      shift.gradient[c] += sumGradient[c]
      scale.gradient[c] += sumGradientNormalised[c]
    }
    var inputGradient = [R](repeating: 0, count: N * H)
    for row in 0..<N {
      for c in 0..<H {
        let meanGradient = sumGradient[c] / R(N)
        let meanProduct = sumGradientNormalised[c] / R(N)
        inputGradient[row * H + c] = scale.value[c] * cache.inverseDeviation[c]
          * (outputGradient[row * H + c] - meanGradient - cache.normalised[row * H + c] * meanProduct)
      }
    }
    return inputGradient
  }
}
