import Foundation
import SpikingNetwork

/// Draws the delay histograms of a DCLS network, one panel per synapse layer, and for learned
/// delays the sigma schedule over epochs.
///
/// The histograms add up the runs that stored them (`RunSettings.delayHistograms`). The data
/// holds one block per layer (`delay initial final`, delays in time steps) and, for learned
/// delays, a last block `epoch sigma` with sigma averaged over runs. Returns nil when no run of
/// the group stored histograms.
func delaysFigure(group: RunGroup) -> Figure? {
  let histogramRuns = group.runs.compactMap(\.settings.delayHistograms)
  guard group.variant != .none, let first = histogramRuns.first else { return nil }
  let key = group.key
  let name = "delays-\(key.slug)-\(group.variant.rawValue)"
  let title = "\(key.dataset.uppercased()), \(key.input.rawValue) input, \(key.networkLabel), \(variantTitle(group.variant)): delays of \(histogramRuns.count) run\(histogramRuns.count == 1 ? "" : "s")"

  var data = "# \(title)\n"
  var blocks: [String] = []
  for (index, layer) in first.enumerated() {
    var block = "# block \(index): synapse layer \(layer.layer); columns: delay_steps initial final\n"
    for delay in 0..<key.taps {
      let initial = histogramRuns.reduce(0) { $0 + $1[index].initial[delay] }
      let final = histogramRuns.reduce(0) { $0 + $1[index].final[delay] }
      block += "\(delay) \(initial) \(final)\n"
    }
    blocks.append(block)
  }
  let sigmaRuns = group.startedRuns
  let showsSigma = group.variant == .learned && !sigmaRuns.isEmpty
  if showsSigma {
    var block = "# block \(blocks.count): sigma after each epoch's schedule step, mean over runs; columns: epoch sigma\n"
    let epochs = sigmaRuns.map(\.metrics.count).max()!
    for epoch in 1...epochs {
      let values = sigmaRuns.compactMap { $0.metrics.count >= epoch ? $0.metrics[epoch - 1].sigma : nil }
      block += "\(epoch) \(dataNumber(mean(values)))\n"
    }
    blocks.append(block)
  }
  data += blocks.joined(separator: "\n\n")

  let colour = variantColour(group.variant)
  var body = """
    reset
    set multiplot layout 1,\(blocks.count) title \(gnuplotString(title))
    set grid ytics
    set style fill solid 0.5 border
    set boxwidth 0.8
    set xrange [-1:\(key.taps)]
    set xlabel "delay (time steps)"
    set ylabel "weight-position pairs"
    set yrange [0:*]
    set offsets 0, 0, graph 0.25, 0
    set key top right

    """
  for (index, layer) in first.enumerated() {
    body += """
      set title "synapse layer \(layer.layer)"
      \(plotCommand([
        "\"\(name).dat\" index \(index) using 1:2 with boxes fillstyle empty linecolor rgb \"#404040\" title \"initialisation\"",
        "\"\(name).dat\" index \(index) using 1:3 with boxes fillstyle transparent solid 0.5 linecolor rgb \"\(colour)\" title \"end of training\"",
      ]))

      """
  }
  if showsSigma {
    body += """
      set title "sigma schedule"
      set autoscale x
      set xlabel "epoch"
      set xtics \(epochTicStep(sigmaRuns.map(\.metrics.count).max()!))
      set ylabel "sigma (time steps)"
      \(plotCommand(["\"\(name).dat\" index \(blocks.count - 1) using 1:2 with linespoints linewidth 2 pointtype 7 linecolor rgb \"\(colour)\" title \"sigma\""]))

      """
  }
  body += "unset multiplot"

  let width = 360 * blocks.count, height = 400
  return Figure(
    name: name, kind: .delays,
    caption: "Delays of \(variantTitle(group.variant)), \(key.dataset.uppercased()) \(key.networkLabel): histogram per synapse layer at initialisation and at the end of training\(showsSigma ? ", and the sigma schedule" : "").",
    width: width, height: height,
    script: figureScript(name: name, title: title, width: width, height: height, body: body), data: data)
}
