import Foundation

/// Builds every figure the runs allow, in report order.
///
/// The order is training curves per network, then accuracy against parameter count per dataset
/// that has several network sizes, then delays per DCLS group with stored histograms, and last
/// one input sample per dataset and input kind.
public func buildFigures(groups: [RunGroup]) -> [Figure] {
  var figures: [Figure] = []
  let keys = orderedUnique(groups.map(\.key))
  for key in keys {
    if let figure = trainingCurvesFigure(key: key, groups: groups.filter { $0.key == key }) {
      figures.append(figure)
    }
  }

  let datasets = orderedUnique(keys.map { DatasetInput(dataset: $0.dataset, input: $0.input) })
  for entry in datasets {
    let members = groups.filter { $0.key.dataset == entry.dataset && $0.key.input == entry.input }
    if let figure = accuracyVersusParametersFigure(dataset: entry.dataset, input: entry.input, groups: members) {
      figures.append(figure)
    }
  }

  figures += groups.compactMap(delaysFigure)

  for entry in datasets {
    let members = groups.filter { $0.key.dataset == entry.dataset && $0.key.input == entry.input }
    let withSample = members.lazy.flatMap(\.runs).first { $0.sample != nil }
    if let run = withSample, let sample = run.sample {
      figures.append(inputSampleFigure(run: run, sample: sample))
    }
  }
  return figures
}

private struct DatasetInput: Hashable {
  var dataset: String
  var input: InputKind
}

private func orderedUnique<Element: Hashable>(_ elements: [Element]) -> [Element] {
  var seen = Set<Element>()
  return elements.filter { seen.insert($0).inserted }
}
