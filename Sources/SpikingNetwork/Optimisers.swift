import Foundation

/// Adam with PyTorch's semantics: L2 weight decay added to the gradient (not AdamW), bias
/// corrections with the current `beta1` and the step count, `eps` added after the corrected
/// square root.
public struct Adam<R: Real> {
  public var learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  /// L2 weight decay per group; groups missing here have none.
  public var weightDecay: [ParameterGroup: Double]
  /// Step count, shared by all parameters (they all step together).
  public private(set) var step = 0
  /// First and second moments per parameter name.
  public var firstMoment: [String: [R]] = [:]
  public var secondMoment: [String: [R]] = [:]

  public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
              weightDecay: [ParameterGroup: Double] = [:]) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// Restores the step count (when resuming from saved moments).
  public mutating func restore(step: Int) { self.step = step }

  /// Updates `parameter` from its gradient. Call `beginStep()` once before the parameters of a step.
  public mutating func update(_ parameter: inout Parameter<R>, group: ParameterGroup) {
    let count = parameter.value.count
    var m = firstMoment[parameter.name] ?? [R](repeating: 0, count: count)
    var v = secondMoment[parameter.name] ?? [R](repeating: 0, count: count)
    let decay = R(weightDecay[group] ?? 0)
    let (b1, b2) = (R(beta1), R(beta2))
    let biasCorrection1 = 1 - Foundation.pow(beta1, Double(step))
    let biasCorrection2 = 1 - Foundation.pow(beta2, Double(step))
    let stepSize = R(learningRate / biasCorrection1)
    let correction2 = R(biasCorrection2.squareRoot())
    let eps = R(epsilon)
    for index in 0..<count {
      var g = parameter.gradient[index]
      if decay != 0 { g += decay * parameter.value[index] }
      // exp_avg.lerp_(grad, 1 - beta1)
      m[index] += (1 - b1) * (g - m[index])
      v[index] = v[index] * b2 + (1 - b2) * g * g
      let denominator = R.squareRoot(v[index]) / correction2 + eps
      parameter.value[index] -= stepSize * m[index] / denominator
    }
    firstMoment[parameter.name] = m
    secondMoment[parameter.name] = v
  }

  /// Counts one more step; the bias corrections use the new count.
  public mutating func beginStep() { step += 1 }
}

/// PyTorch's `OneCycleLR` with its defaults (two phases, cosine annealing, `pct_start` 0.3,
/// `div_factor` 25, `final_div_factor` 1e4, momentum cycling between 0.85 and 0.95), stepped
/// once per epoch over `totalSteps` epochs.
public struct OneCycleSchedule: Sendable {
  public var maxLearningRate: Double
  public var totalSteps: Int
  public var startFraction = 0.3
  public var divisionFactor = 25.0
  public var finalDivisionFactor = 1e4
  public var baseMomentum = 0.85
  public var maxMomentum = 0.95

  public init(maxLearningRate: Double, totalSteps: Int) {
    self.maxLearningRate = maxLearningRate
    self.totalSteps = totalSteps
  }

  private static func annealCosine(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
    end + (start - end) / 2 * (cos(Double.pi * fraction) + 1)
  }

  /// Learning rate and beta1 after `step` scheduler steps (0 is the value set at creation).
  public func values(atStep step: Int) -> (learningRate: Double, beta1: Double) {
    let initial = maxLearningRate / divisionFactor
    let minimum = initial / finalDivisionFactor
    let firstEnd = startFraction * Double(totalSteps) - 1
    let secondEnd = Double(totalSteps - 1)
    let s = Double(step)
    if s <= firstEnd {
      let fraction = s / firstEnd
      return (Self.annealCosine(initial, maxLearningRate, fraction), Self.annealCosine(maxMomentum, baseMomentum, fraction))
    }
    let fraction = (s - firstEnd) / (secondEnd - firstEnd)
    return (Self.annealCosine(maxLearningRate, minimum, fraction), Self.annealCosine(baseMomentum, maxMomentum, fraction))
  }
}

/// PyTorch's `CosineAnnealingLR` with `eta_min` 0, in its recursive form (as `step()` computes
/// it, which differs from the closed form in the last bits).
public struct CosineSchedule: Sendable {
  public var baseLearningRate: Double
  public var totalSteps: Int

  public init(baseLearningRate: Double, totalSteps: Int) {
    self.baseLearningRate = baseLearningRate
    self.totalSteps = totalSteps
  }

  /// Learning rate after `step` scheduler steps.
  public func learningRate(atStep step: Int) -> Double {
    var rate = baseLearningRate
    let period = Double(totalSteps)
    guard step > 0 else { return rate }
    for epoch in 1...step {
      let e = Double(epoch)
      if (epoch - 1 - totalSteps) % (2 * totalSteps) == 0 {
        rate += baseLearningRate * (1 - cos(Double.pi / period)) / 2
      } else {
        rate = (1 + cos(Double.pi * e / period)) / (1 + cos(Double.pi * (e - 1) / period)) * rate
      }
    }
    return rate
  }
}

/// The sigma schedule of learned delays: after each epoch `e < epochs div divisor`, while sigma
/// is above `final`, multiply it by `(final / sigma_init)^(1 / (epochs div divisor))`, so sigma
/// reaches `final` after a `1 / divisor` share of training. The reference uses 0.23 and 4.
public struct SigmaSchedule: Sendable {
  public var initial: Double
  public var epochs: Int
  public var final: Double
  public var epochsDivisor: Int

  public init(initial: Double, epochs: Int, final: Double = 0.23, epochsDivisor: Int = 4) {
    self.initial = initial
    self.epochs = epochs
    self.final = final
    self.epochsDivisor = epochsDivisor
  }

  public var finalEpoch: Int { epochs / max(epochsDivisor, 1) }

  /// Sigma after the schedule step of epoch `epoch` (counted from 0) from `sigma`.
  public func next(after epoch: Int, sigma: Double) -> Double {
    guard epoch < finalEpoch, sigma > final else { return sigma }
    let factor = Foundation.pow(final / initial, 1 / Double(finalEpoch))
    return sigma * factor
  }
}
