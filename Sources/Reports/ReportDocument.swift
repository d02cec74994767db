import Foundation
import SpikingNetwork

/// The result of rendering a report's figures.
public struct FigureOutcome: Equatable, Sendable {
  /// Reason no figure was rendered (gnuplot missing or rendering turned off), or nil when gnuplot ran.
  public var notRenderedReason: String?
  /// gnuplot's error output per figure name, for figures whose script failed.
  public var failures: [String: String]

  public init(notRenderedReason: String? = nil, failures: [String: String] = [:]) {
    self.notRenderedReason = notRenderedReason
    self.failures = failures
  }

  public static let rendered = FigureOutcome()
}

/// Writes the report's README.md: tables, comparability notes, figures, runs, settings, lock
/// summary, wall times, software and machine. Links are relative to the report folder.
public func reportReadme(
  groups: [RunGroup], figures: [Figure], outcome: FigureOutcome, paperResults: [PaperResult],
  settings: ReportSettings
) -> String {
  let runs = groups.flatMap(\.runs)
  let complete = runs.filter(\.isComplete).count
  let missing = runs.filter { $0.metrics.isEmpty }.count
  let datasets = orderedDatasets(groups)
  var text = "# Report: \(settings.pipeline)\n\n"
  text += "Results of the `\(settings.pipeline)` pipeline: \(runs.count) runs on \(datasets.joined(separator: ", ")) (\(complete) complete, \(runs.count - complete - missing) partial, \(missing) missing). "
  text += "Each run trains one network variant (no delay, fixed random delays or learned delays) with one seed.\n\n"

  text += "## Accuracy\n\n"
  text += "Top-1 test accuracy in percent at each run's selected epoch, as mean ± sample standard deviation over the runs that finished at least one epoch. "
  text += "Without a validation split the selected epoch is the one of best test accuracy; with one it is the epoch of best validation accuracy, and its test accuracy is reported. "
  text += "\"paper\" is the published accuracy of the same network with learned delays, and \"difference\" is ours minus the paper's, in percentage points.\n\n"
  text += accuracyTable(groups).markdown + "\n"
  text += "The same numbers with more decimals: [tables/accuracy.csv](tables/accuracy.csv). Every run: [tables/runs.csv](tables/runs.csv).\n\n"
  text += "Published numbers: \(PaperResult.citation).\n\n"

  text += "## Comparability with the paper\n\n"
  text += comparabilityNotes(groups: groups, paperResults: paperResults).map { "- \($0)\n" }.joined() + "\n"

  text += "## Figures\n\n"
  text += figureSection(figures: figures, outcome: outcome)

  text += "## Runs\n\n"
  text += runTable(groups).markdown + "\n"

  text += "## Settings\n\n"
  text += "One row per dataset, network and variant; the seeds column lists the runs' seeds. tau is in time steps.\n\n"
  text += settingsTable(groups).markdown + "\n"

  text += "## Pipeline lock\n\n"
  if settings.stages.isEmpty {
    text += "No pipeline lock was given; the runs were read from their folders.\n\n"
  } else {
    text += "The stage keys that produced this report, in pipeline order.\n\n"
    text += Table(header: ["stage", "key"], rows: settings.stages.map { [$0.stage, "`\($0.key)`"] }).markdown + "\n"
  }

  text += "## Stage wall times\n\n"
  let timed = settings.stages.filter { $0.wallSeconds != nil }
  if timed.isEmpty {
    text += "No stage wall times were recorded.\n\n"
  } else {
    var rows = timed.map { [$0.stage, formatDuration($0.wallSeconds!)] }
    rows.append(["total", formatDuration(timed.reduce(0) { $0 + $1.wallSeconds! })])
    text += Table(header: ["stage", "wall time"], rows: rows).markdown + "\n"
  }

  text += "## Software and machine\n\n"
  var rows = settings.software.map { [$0.name, $0.version] }
  rows.append(["CPU", settings.machine.cpuModel])
  rows.append(["cores", String(settings.machine.cores)])
  text += Table(header: ["item", "version or value"], rows: rows).markdown
  return text
}

private func orderedDatasets(_ groups: [RunGroup]) -> [String] {
  var seen = Set<String>()
  return groups.map { $0.key.dataset.uppercased() }.filter { seen.insert($0).inserted }
}

private func figureSection(figures: [Figure], outcome: FigureOutcome) -> String {
  guard !figures.isEmpty else { return "No run has finished an epoch yet, so there is nothing to draw.\n\n" }
  var text = "Each figure has its gnuplot script and data beside it in `figures/`; run `gnuplot NAME.gp` in that folder to render it again.\n\n"
  if let reason = outcome.notRenderedReason {
    text += "**The figures were not rendered**: \(reason)\n\n"
  }
  let headings: [FigureKind: String] = [
    .trainingCurves: "Training curves", .accuracyVersusParameters: "Accuracy against parameter count",
    .delays: "Delays", .inputSample: "Input samples",
  ]
  for kind in FigureKind.allCases {
    let members = figures.filter { $0.kind == kind }
    guard !members.isEmpty else { continue }
    text += "### \(headings[kind]!)\n\n"
    for figure in members {
      let links = "[script](figures/\(figure.scriptFile)), [data](figures/\(figure.dataFile))"
      if outcome.notRenderedReason != nil {
        text += "\(figure.caption) Not rendered: \(links).\n\n"
      } else if let failure = outcome.failures[figure.name] {
        text += "\(figure.caption) gnuplot failed on this figure (\(failure.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " "))): \(links).\n\n"
      } else {
        text += "![\(figure.caption)](figures/\(figure.pngFile))\n\n"
        text += "\(figure.caption) [SVG](figures/\(figure.svgFile)), \(links).\n\n"
      }
    }
  }
  return text
}

/// Builds the settings table: one row per group with the network settings of its runs and their seeds.
func settingsTable(_ groups: [RunGroup]) -> Table {
  let header = [
    "dataset", "input", "variant", "inputs", "hidden", "outputs", "taps", "n", "tau", "threshold",
    "batch norm", "dropout", "surrogate alpha", "epochs", "validation split", "parameters", "seeds",
  ]
  let rows = groups.map { group -> [String] in
    let network = group.runs[0].settings.network
    return [
      group.key.dataset.uppercased(), group.key.input.rawValue, variantTitle(group.variant), String(network.inputs),
      "\(network.hiddenLayers)x\(network.hidden)", String(network.outputs), String(network.taps),
      String(network.delaysPerSynapse), String(format: "%.4f", network.tau), formatSetting(network.threshold),
      network.batchNorm ? "yes" : "no", formatSetting(network.dropout), formatSetting(network.surrogateAlpha),
      String(group.epochsPlanned), group.runs[0].settings.hasValidationSplit ? "yes" : "no", grouped(group.parameterCount),
      group.runs.map { String($0.settings.seed) }.joined(separator: ", "),
    ]
  }
  return Table(header: header, rows: rows)
}

/// Formats a setting with as many digits as it needs ("0.4", "5", "1e+09").
private func formatSetting(_ value: Double) -> String { String(format: "%g", value) }

/// Formats seconds as "42 s", "3 min 05 s" or "2 h 07 min".
func formatDuration(_ seconds: Double) -> String {
  let whole = Int(seconds.rounded())
  if whole < 60 { return "\(whole) s" }
  if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
  return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
}
