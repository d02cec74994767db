import Foundation
import SpikingNetwork

/// Columns of a training-curve data block, after `epoch` and `runs`: mean and sample standard
/// deviation over runs of each series. Losses are as measured, accuracies in percent.
private let curveSeries: [(name: String, value: (EpochMetrics) -> Double?)] = [
  ("train_loss", { $0.trainLoss }), ("test_loss", { $0.testLoss }), ("valid_loss", { $0.validLoss }),
  ("train_accuracy", { 100 * $0.trainAccuracy }), ("test_accuracy", { 100 * $0.testAccuracy }),
  ("valid_accuracy", { $0.validAccuracy.map { 100 * $0 } }),
]

/// Draws the training curves of one network: loss and accuracy per epoch for each variant.
///
/// The data holds one block per variant (gnuplot `index`), each row an epoch with the mean and
/// sample standard deviation over the runs that reached that epoch (NaN with one run). Returns nil
/// when no run of the network finished an epoch.
func trainingCurvesFigure(key: NetworkKey, groups: [RunGroup]) -> Figure? {
  let drawn = groups.filter { !$0.startedRuns.isEmpty }
  guard !drawn.isEmpty else { return nil }
  let name = "curves-\(key.slug)"
  let title = "\(key.dataset.uppercased()), \(key.input.rawValue) input, \(key.networkLabel): mean over seeds, band ±1 sample standard deviation"
  let hasValidation = drawn.contains { group in group.startedRuns.contains { $0.metrics.contains { $0.validAccuracy != nil } } }

  var data = "# \(title)\n"
  data += "# columns: epoch runs " + curveSeries.map { "\($0.name) \($0.name)_sd" }.joined(separator: " ") + "\n"
  for (index, group) in drawn.enumerated() {
    if index > 0 { data += "\n\n" }
    data += "# block \(index): \(variantTitle(group.variant)), \(group.startedRuns.count) runs\n"
    let epochs = group.startedRuns.map(\.metrics.count).max()!
    for epoch in 1...epochs {
      let rows = group.startedRuns.compactMap { $0.metrics.count >= epoch ? $0.metrics[epoch - 1] : nil }
      var cells = [String(epoch), String(rows.count)]
      for series in curveSeries {
        let values = rows.compactMap(series.value)
        cells.append(dataNumber(mean(values)))
        cells.append(dataNumber(sampleStandardDeviation(values)))
      }
      data += cells.joined(separator: " ") + "\n"
    }
  }

  // Column of each series' mean in the data: epoch and runs come first, then mean/sd pairs.
  func column(_ series: String) -> Int { 3 + 2 * curveSeries.firstIndex { $0.name == series }! }
  let splits = [("train", 1)] + [("test", 2)] + (hasValidation ? [("valid", 3)] : [])
  let splitTitles = ["train": "train", "test": "test", "valid": "validation"]
  func panel(quantity: String) -> String {
    var elements: [String] = []
    for (index, group) in drawn.enumerated() {
      let colour = variantColour(group.variant)
      for (split, dash) in splits {
        let mean = column("\(split)_\(quantity)")
        elements.append("\"\(name).dat\" index \(index) using 1:($\(mean)-$\(mean + 1)):($\(mean)+$\(mean + 1)) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb \"\(colour)\" notitle")
        elements.append("\"\(name).dat\" index \(index) using 1:\(mean) with lines linewidth 2 dashtype \(dash) linecolor rgb \"\(colour)\" title \"\(variantTitle(group.variant)), \(splitTitles[split]!)\"")
      }
    }
    return plotCommand(elements)
  }

  let body = """
    reset
    set multiplot layout 1,2 title \(gnuplotString(title))
    set xlabel "epoch" offset 0, 0.5
    set xtics \(epochTicStep(drawn.flatMap(\.startedRuns).map(\.metrics.count).max()!))
    set grid
    set key outside bottom center horizontal maxcols 3
    set ylabel "loss"
    set yrange [0:*]
    \(panel(quantity: "loss"))
    set ylabel "accuracy (%)"
    \(panel(quantity: "accuracy"))
    unset multiplot
    """
  let width = 1100, height = 480
  return Figure(
    name: name, kind: .trainingCurves,
    caption: "Training curves, \(key.dataset.uppercased()) \(key.networkLabel) (\(key.input.rawValue) input): loss and accuracy per epoch; solid train, dashed test\(hasValidation ? ", dotted validation" : ""); band ±1 sample standard deviation over seeds.",
    width: width, height: height,
    script: figureScript(name: name, title: title, width: width, height: height, body: body), data: data)
}

/// Step between epoch tics: whole epochs, about ten tics along the axis.
func epochTicStep(_ epochs: Int) -> Int {
  max(1, (epochs + 9) / 10)
}
