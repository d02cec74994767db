import Foundation
import SpikingNetwork

/// A table with a header row, rendered as Markdown or CSV.
public struct Table: Equatable, Sendable {
  public var header: [String]
  public var rows: [[String]]

  /// GitHub-flavoured Markdown; `|` inside a cell is escaped.
  public var markdown: String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }
    var lines = [line(header), "|" + header.map { _ in "---|" }.joined()]
    lines += rows.map(line)
    return lines.joined(separator: "\n") + "\n"
  }

  /// CSV as RFC 4180 quotes it (cells with commas, quotes or line breaks are quoted), but with
  /// LF line ends instead of CRLF.
  public var csv: String {
    func cell(_ text: String) -> String {
      guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
      return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return ([header] + rows).map { $0.map(cell).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }
}

/// Formats a fraction as a percentage with two decimals ("93.12").
func percent(_ fraction: Double) -> String { String(format: "%.2f", 100 * fraction) }

/// Formats a number with four decimals for CSV files, so they keep more than the tables show.
func csvNumber(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }

/// Formats an integer with thousands separators ("214,016").
func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var result = ""
  for (index, digit) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
    result.append(digit)
  }
  return value < 0 ? "-" + result : result
}

/// Mean +- sample standard deviation in percent, or the single value with "1 run".
func meanWithSpread(_ fractions: [Double]) -> String {
  guard let average = mean(fractions) else { return "-" }
  if let spread = sampleStandardDeviation(fractions) {
    return "\(percent(average)) ± \(percent(spread))"
  }
  return "\(percent(average)) (1 run)"
}

/// Builds the accuracy table: one row per dataset, network and variant.
///
/// Accuracies are in percent: the selected epoch's test accuracy of each run, as mean +- sample
/// standard deviation over the runs that finished at least one epoch.
public func accuracyTable(_ groups: [RunGroup]) -> Table {
  let header = [
    "dataset", "input", "network", "variant", "runs", "epochs", "test accuracy (%)", "best run (%)",
    "selected epochs", "last epoch (%)", "parameters", "train s/epoch", "paper (%)", "difference",
  ]
  let rows = groups.map { group -> [String] in
    let accuracies = group.selectedAccuracies
    let epochsDone = group.startedRuns.map(\.metrics.count)
    let epochsText = epochsDone.isEmpty ? "0 of \(group.epochsPlanned)" : epochRange(epochsDone) + " of \(group.epochsPlanned)"
    let paperText = group.paper.map { String(format: "%.2f ± %.2f", $0.accuracy, $0.spread) } ?? "-"
    var difference = "-"
    if let paper = group.paper, let average = mean(accuracies) {
      difference = String(format: "%+.2f", 100 * average - paper.accuracy)
    }
    return [
      group.key.dataset.uppercased(), group.key.input.rawValue, group.key.networkLabel, variantTitle(group.variant),
      "\(group.startedRuns.count) of \(group.runs.count)", epochsText, meanWithSpread(accuracies),
      accuracies.max().map(percent) ?? "-", group.selections.map { String($0.selection.epoch) }.joined(separator: ", "),
      mean(group.lastAccuracies).map(percent) ?? "-", grouped(group.parameterCount),
      group.trainSecondsPerEpoch.map { String(format: "%.1f", $0) } ?? "-", paperText, difference,
    ]
  }
  return Table(header: header, rows: rows)
}

/// "6" when every run finished the same number of epochs, else "4-6".
private func epochRange(_ counts: [Int]) -> String {
  let low = counts.min()!, high = counts.max()!
  return low == high ? "\(low)" : "\(low)-\(high)"
}

/// Builds the accuracy table as CSV with raw numbers: accuracies in percent with four decimals, counts
/// as plain integers, and empty cells where a value does not exist.
public func accuracyCSV(_ groups: [RunGroup]) -> Table {
  let header = [
    "dataset", "input", "hidden_layers", "hidden", "delays_per_synapse", "taps", "variant", "runs",
    "runs_started", "runs_complete", "epochs_planned", "selection", "accuracy_mean", "accuracy_sd",
    "accuracy_best", "selected_epochs", "last_epoch_accuracy_mean", "parameters",
    "train_seconds_per_epoch", "paper_accuracy", "paper_spread", "difference",
  ]
  let rows = groups.map { group -> [String] in
    let accuracies = group.selectedAccuracies.map { 100 * $0 }
    let average = mean(accuracies)
    var difference: Double?
    if let paper = group.paper, let average { difference = average - paper.accuracy }
    return [
      group.key.dataset, group.key.input.rawValue, String(group.key.hiddenLayers), String(group.key.hidden),
      String(group.key.delaysPerSynapse), String(group.key.taps), group.variant.rawValue, String(group.runs.count),
      String(group.startedRuns.count), String(group.completeRuns.count), String(group.epochsPlanned), group.rule.rawValue,
      csvNumber(average), csvNumber(sampleStandardDeviation(accuracies)), csvNumber(accuracies.max()),
      group.selections.map { String($0.selection.epoch) }.joined(separator: " "),
      csvNumber(mean(group.lastAccuracies.map { 100 * $0 })), String(group.parameterCount),
      csvNumber(group.trainSecondsPerEpoch), csvNumber(group.paper?.accuracy), csvNumber(group.paper?.spread),
      csvNumber(difference),
    ]
  }
  return Table(header: header, rows: rows)
}

/// Builds the run table: one row per run, finished or not, in group order.
public func runTable(_ groups: [RunGroup]) -> Table {
  let header = [
    "run", "dataset", "input", "network", "variant", "seed", "epochs", "selected epoch",
    "selected test (%)", "last test (%)", "status",
  ]
  var rows: [[String]] = []
  for group in groups {
    for run in group.runs {
      let selection = group.selections.first { $0.run.name == run.name && $0.run.settings.seed == run.settings.seed }?.selection
      rows.append([
        run.name, group.key.dataset.uppercased(), group.key.input.rawValue, group.key.networkLabel,
        variantTitle(group.variant), String(run.settings.seed), "\(run.metrics.count) of \(run.settings.epochsPlanned)",
        selection.map { String($0.epoch) } ?? "-", selection.map { percent($0.testAccuracy) } ?? "-",
        run.metrics.last.map { percent($0.testAccuracy) } ?? "-", runStatus(run),
      ])
    }
  }
  return Table(header: header, rows: rows)
}

/// "complete", "partial" or "missing" (no finished epoch).
func runStatus(_ run: RunRecord) -> String {
  if run.metrics.isEmpty { return "missing" }
  return run.isComplete ? "complete" : "partial"
}
