import SpikingNetwork

/// The rule that chooses the reported epoch of a run.
public enum SelectionRule: String, Sendable {
  /// The epoch of highest test accuracy: what the paper's code does on datasets without a
  /// validation split (SHD). It selects on the test set, so it overstates the accuracy a fresh
  /// test set would give.
  case bestTest = "best test accuracy"
  /// The epoch of highest validation accuracy, reporting that epoch's test accuracy (SSC, GSC).
  case bestValidation = "best validation accuracy, its test accuracy"
}

/// The epoch a run reports and its test accuracy.
public struct Selection: Equatable, Sendable {
  public var epoch: Int
  /// Fraction of test samples classified correctly at `epoch`.
  public var testAccuracy: Double
  public var rule: SelectionRule
}

/// Selects the reported epoch of a run.
///
/// Without a validation split the epoch of highest test accuracy is chosen; with one, the epoch
/// of highest validation accuracy, and its test accuracy is reported. Ties go to the earliest
/// epoch. Returns nil when the run has no finished epoch.
public func selectEpoch(in metrics: [EpochMetrics], hasValidationSplit: Bool) -> Selection? {
  let rule: SelectionRule = hasValidationSplit ? .bestValidation : .bestTest
  var best: EpochMetrics?
  var bestScore = -Double.infinity
  for epoch in metrics {
    let score = hasValidationSplit ? (epoch.validAccuracy ?? -Double.infinity) : epoch.testAccuracy
    if score > bestScore {
      bestScore = score
      best = epoch
    }
  }
  guard let chosen = best else { return nil }
  return Selection(epoch: chosen.epoch, testAccuracy: chosen.testAccuracy, rule: rule)
}

/// Arithmetic mean; nil for no values.
public func mean(_ values: [Double]) -> Double? {
  values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}

/// Sample standard deviation (divisor n - 1); nil for fewer than two values.
public func sampleStandardDeviation(_ values: [Double]) -> Double? {
  guard values.count >= 2, let average = mean(values) else { return nil }
  let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
  return (squares / Double(values.count - 1)).squareRoot()
}
