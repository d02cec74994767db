import Foundation
import SpikingNetwork

/// Draws selected test accuracy against parameter count for one dataset and input kind, one
/// line per variant, like the ablation over network widths in the paper (`PaperResult.citation`).
///
/// The data holds one block per variant, each row a network: parameter count, mean and sample
/// standard deviation of the selected test accuracy in percent (0 with one run, so that the
/// error bar has zero length), best run, run count and network. Returns nil unless some variant has two or more network sizes with results.
func accuracyVersusParametersFigure(dataset: String, input: InputKind, groups: [RunGroup]) -> Figure? {
  let started = groups.filter { !$0.selections.isEmpty }
  let variants = DelayVariant.allCases.filter { variant in started.contains { $0.variant == variant } }
  let sizes = Dictionary(grouping: started, by: \.variant).mapValues { Set($0.map(\.parameterCount)).count }
  guard sizes.values.contains(where: { $0 >= 2 }) else { return nil }

  let name = "parameters-\(dataset)-\(input.rawValue)"
  let title = "\(dataset.uppercased()), \(input.rawValue) input: selected test accuracy against parameter count"
  var data = "# \(title)\n# columns: parameters accuracy accuracy_sd best runs network\n"
  for (index, variant) in variants.enumerated() {
    if index > 0 { data += "\n\n" }
    data += "# block \(index): \(variantTitle(variant))\n"
    let rows = started.filter { $0.variant == variant }.sorted { $0.parameterCount < $1.parameterCount }
    for group in rows {
      let accuracies = group.selectedAccuracies.map { 100 * $0 }
      data += [
        String(group.parameterCount), dataNumber(mean(accuracies)), dataNumber(sampleStandardDeviation(accuracies) ?? 0),
        dataNumber(accuracies.max()), String(accuracies.count), "\"\(group.key.networkLabel)\"",
      ].joined(separator: " ") + "\n"
    }
  }

  let elements = variants.enumerated().map { index, variant in
    "\"\(name).dat\" index \(index) using 1:2:3 with yerrorlines linewidth 2 pointtype 7 linecolor rgb \"\(variantColour(variant))\" title \"\(variantTitle(variant))\""
  }
  let body = """
    reset
    set title \(gnuplotString(title))
    set logscale x
    set format x "%.0s%c"
    set xlabel "parameters"
    set ylabel "test accuracy (%)"
    set grid
    set key bottom right
    set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
    \(plotCommand(elements))
    """
  let width = 720, height = 480
  return Figure(
    name: name, kind: .accuracyVersusParameters,
    caption: "Selected test accuracy against parameter count, \(dataset.uppercased()) (\(input.rawValue) input); error bars ±1 sample standard deviation over seeds.",
    width: width, height: height,
    script: figureScript(name: name, title: title, width: width, height: height, body: body), data: data)
}
