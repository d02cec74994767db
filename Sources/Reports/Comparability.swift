import Foundation
import SpikingNetwork

/// Lists plain statements of where the results differ from the setting of the published
/// numbers (`PaperResult.citation`), one per fact.
///
/// Covers datasets and networks without a published number, fewer epochs than the paper,
/// partial and missing runs, single runs, the binning mode, selection on the test set, the mel
/// filterbank's empty bands and the per-sample accuracy.
public func comparabilityNotes(groups: [RunGroup], paperResults: [PaperResult]) -> [String] {
  var notes: [String] = []
  let publishedDatasets = Set(paperResults.map(\.dataset))
  var seenDatasets = Set<String>()

  for group in groups {
    let key = group.key
    let label = "\(key.dataset.uppercased()) \(key.networkLabel), \(variantTitle(group.variant))"
    if !publishedDatasets.contains(key.dataset) {
      if seenDatasets.insert(key.dataset).inserted {
        notes.append("\(key.dataset.uppercased()) is not among the paper's datasets, so its rows have no published number.")
      }
    } else if group.variant == .learned && group.paper == nil {
      notes.append("\(label): the paper publishes no number for this network.")
    }

    if let paperEpochs = PaperResult.epochsByDataset[key.dataset], group.epochsPlanned < paperEpochs {
      notes.append("\(label): runs train \(group.epochsPlanned) epochs; the paper trains \(paperEpochs).")
    }
    let partial = group.runs.filter { !$0.metrics.isEmpty && !$0.isComplete }
    if !partial.isEmpty {
      notes.append("\(label): \(partial.count) of \(group.runs.count) run(s) stopped before their planned epochs (\(partial.map(\.name).joined(separator: ", "))); their accuracy is selected over the epochs they finished.")
    }
    let missing = group.runs.filter { $0.metrics.isEmpty }
    if !missing.isEmpty {
      notes.append("\(label): \(missing.count) of \(group.runs.count) run(s) have no finished epoch and are left out (\(missing.map(\.name).joined(separator: ", "))).")
    }
    if group.selections.count == 1 {
      notes.append("\(label): a single run, so there is no spread over seeds.")
    }
  }

  let keys = Set(groups.map(\.key))
  if keys.contains(where: { $0.input == .grid }) {
    notes.append("Rows with grid input bin spikes on a uniform 10 ms grid; the paper's code used the legacy binning, which starts each frame at the next event and gives other frames.")
  }
  let testSelected = Set(groups.filter { $0.rule == .bestTest && !$0.selections.isEmpty }.map { $0.key.dataset.uppercased() })
  if !testSelected.isEmpty {
    var note = "\(testSelected.sorted().joined(separator: ", ")) \(testSelected.count == 1 ? "has" : "have") no validation split, so the reported epoch is the one of best test accuracy, as the paper's code selects; this overstates the accuracy on unseen data."
    if testSelected.contains("SHD") {
      note += " Third-party reruns of the paper's SHD network that select without the test set reach about 93.8-93.9%."
    }
    notes.append(note)
  }
  if keys.contains(where: { $0.dataset == "spiking-fsdd" }) {
    notes.append("SPIKING-FSDD is FSDD passed through this project's cochlear encoder, an approximation of the Lauscher model that produced SHD: band-pass filters stand in for the hydrodynamic basilar membrane before Meddis hair cells and bushy cells. It holds 10 digits from 6 English speakers, where SHD holds 20 classes from 12 speakers of English and German, so its accuracies are not comparable with the paper's SHD results.")
    notes += sameRecordingsNotes(groups)
  }
  if keys.contains(where: { $0.input == .mel }) {
    notes.append("Mel input keeps the reference's filterbank: its band edges reach 14 kHz, above the 4 kHz Nyquist limit of 8 kHz audio, so bands 87-139 are all zero (-100 dB).")
  }
  if !groups.filter({ !$0.selections.isEmpty && $0.variant != .learned }).isEmpty {
    notes.append("The published numbers listed here are for learned delays only; no delay and fixed random delays rows have none.")
  }
  notes.append("Accuracy is the fraction of correctly classified samples. The paper's code averages per-batch accuracies, which weighs the last, smaller batch more, so its figures can differ slightly from per-sample ones.")
  return notes
}

/// Compares, per variant and network width, the selected accuracy on FSDD's mel frames with that
/// on its cochlear spikes (spiking-fsdd): the same recordings and splits through two inputs.
func sameRecordingsNotes(_ groups: [RunGroup]) -> [String] {
  func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
  var parts: [String] = []
  for spikes in groups where spikes.key.dataset == "spiking-fsdd" && !spikes.selections.isEmpty {
    guard let mel = groups.first(where: {
      $0.key.dataset == "fsdd" && $0.variant == spikes.variant && $0.key.hiddenLayers == spikes.key.hiddenLayers
        && $0.key.hidden == spikes.key.hidden && !$0.selections.isEmpty
    }) else { continue }
    parts.append(String(format: "%@ %.2f%% on spikes against %.2f%% on mel frames", variantTitle(spikes.variant),
                        100 * mean(spikes.selectedAccuracies), 100 * mean(mel.selectedAccuracies)))
  }
  guard !parts.isEmpty else { return [] }
  return ["On the same recordings and splits, the mean selected test accuracy is: \(parts.joined(separator: "; "))."]
}
