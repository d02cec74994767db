/// Leaky integrate-and-fire neurons (SpikingJelly `LIFNode` with `decay_input=False`,
/// `v_reset = 0`): `h[t] = v[t-1] (1 - 1/tau) + x[t]`, `s[t] = 1` when `h[t] >= threshold`,
/// `v[t] = h[t] (1 - s[t])`. The state starts at 0 for every batch.
///
/// SpikingJelly charges with `v (1 - 1/tau) + x` in training and with `v - v / tau + x` in
/// evaluation. The two round differently in float32, so `forward` takes the mode and does the same.
/// `1 - 1/tau` is computed in double precision and rounded once, as PyTorch does with a Python
/// float.
///
/// The step has the ATan surrogate gradient
/// `ds/dh = (alpha / 2) / (1 + (pi/2 alpha (h - threshold))^2)`, and the reset is detached from
/// the gradient. Shapes: input and spikes `(T, B, H)`, stepped over T with `B H` neurons.
public struct LIFNeurons<R: Real> {
  public var tau: Double
  public var threshold: R
  public var alpha: R
  /// Whether the reset is left out of the gradient, as in the reference. Only the gradient tests
  /// turn this off, together with `smoothSpikes`.
  public var detachReset = true
  /// Replaces the step by its smooth primitive `atan(pi/2 alpha (h - threshold)) / pi + 1/2`, whose
  /// derivative is the surrogate, so finite differences can check the backward. Tests only.
  public var smoothSpikes = false

  public init(tau: Double, threshold: R, alpha: R) {
    self.tau = tau
    self.threshold = threshold
    self.alpha = alpha
  }

  var decay: R { R(1 - 1 / tau) }

  @inline(__always)
  func surrogate(_ h: R) -> R {
    let x = R.pi / 2 * alpha * (h - threshold)
    return alpha / 2 / (1 + x * x)
  }
}

/// The state `LIFNeurons.forward` keeps for its backward: the membrane before reset and the
/// spikes, both `(T, B, H)`.
public struct LIFCache<R: Real> {
  var membrane: [R]
  var spikes: [R]
}

extension LIFNeurons {
  /// Runs the neurons over `input` `(T, B, H)` and returns the spikes `(T, B, H)`.
  public func forward(_ input: [R], steps T: Int, width: Int, mode: ForwardMode = .training) -> (spikes: [R], cache: LIFCache<R>) {
    precondition(input.count == T * width, "LIFNeurons.forward: \(input.count) values for (\(T), \(width))")
    var membrane = [R](repeating: 0, count: input.count)
    var spikes = [R](repeating: 0, count: input.count)
    var v = [R](repeating: 0, count: width)
    let (decay, threshold, tau) = (self.decay, self.threshold, R(self.tau))
    let evaluation = mode == .evaluation
    for t in 0..<T {
      let offset = t * width
      for n in 0..<width {
        let h = evaluation ? v[n] - v[n] / tau + input[offset + n] : v[n] * decay + input[offset + n]
        let s: R
        if smoothSpikes {
          s = R.arcTangent(R.pi / 2 * alpha * (h - threshold)) / R.pi + R(0.5)
        } else {
          s = h >= threshold ? 1 : 0
        }
        membrane[offset + n] = h
        spikes[offset + n] = s
        v[n] = h * (1 - s)
      }
    }
    return (spikes, LIFCache(membrane: membrane, spikes: spikes))
  }

  /// Backward of `forward`: returns `dL/dx` `(T, B, H)` from `dL/ds`.
  public func backward(_ spikeGradient: [R], cache: LIFCache<R>, steps T: Int, width: Int) -> [R] {
    var inputGradient = [R](repeating: 0, count: spikeGradient.count)
    // dL/dv[t], carried back from step t+1 through h[t+1] = v[t] decay + x[t+1].
    var carry = [R](repeating: 0, count: width)
    let decay = self.decay
    for t in stride(from: T - 1, through: 0, by: -1) {
      let offset = t * width
      for n in 0..<width {
        let h = cache.membrane[offset + n]
        let s = cache.spikes[offset + n]
        let slope = surrogate(h)
        // v = h (1 - s): with the reset detached only the (1 - s) factor passes the gradient.
        var dh = spikeGradient[offset + n] * slope + carry[n] * (1 - s)
        if !detachReset { dh -= carry[n] * h * slope }
        inputGradient[offset + n] = dh
        carry[n] = dh * decay
      }
    }
    return inputGradient
  }
}

/// The readout neurons: LIF neurons whose threshold (1e9) is never reached, so their membrane
/// is a leaky sum of the input, `h[t] = h[t-1] (1 - 1/tau) + x[t]`, and that membrane at every
/// step is the network's output (the reference's `v_seq`). Shapes `(T, B, C)`.
public struct ReadoutNeurons<R: Real> {
  public var tau: Double
  public var threshold: R

  public init(tau: Double, threshold: R) {
    self.tau = tau
    self.threshold = threshold
  }

  var decay: R { R(1 - 1 / tau) }

  /// Returns the membrane `(T, B, C)`, charged with the arithmetic of `mode` as `LIFNeurons`.
  public func forward(_ input: [R], steps T: Int, width: Int, mode: ForwardMode = .training) -> [R] {
    var membrane = input
    let (decay, tau) = (self.decay, R(self.tau))
    let evaluation = mode == .evaluation
    for t in 1..<max(T, 1) {
      for n in 0..<width {
        let v = membrane[(t - 1) * width + n]
        let h = evaluation ? v - v / tau + input[t * width + n] : v * decay + input[t * width + n]
        // NOTE: a membrane reaching the threshold would fire and reset in the reference. With a
        // threshold of 1e9 that needs inputs no trained network produces, so it is not modelled.
        membrane[t * width + n] = h
      }
    }
    return membrane
  }

  /// Backward of `forward`: `dx[t] = dh[t] + decay dx[t+1]`.
  public func backward(_ outputGradient: [R], steps T: Int, width: Int) -> [R] {
    var inputGradient = outputGradient
    let decay = self.decay
    for t in stride(from: T - 2, through: 0, by: -1) {
      for n in 0..<width {
        inputGradient[t * width + n] += decay * inputGradient[(t + 1) * width + n]
      }
    }
    return inputGradient
  }
}
