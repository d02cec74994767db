import Foundation
import SpikingNetwork

/// File names inside a run folder.
public enum RunFile {
  public static let settings = "run.json"
  public static let metrics = "metrics.json"
  public static let sample = "sample.json"
}

/// Loads every run found under `paths`, in path order and then by folder name.
///
/// A path that contains `run.json` is one run. Any other folder is searched recursively for run
/// folders (hidden folders are skipped, and a run folder's subfolders are not searched).
/// Throws `ReportError.noRuns` when none is found.
public func loadRuns(from paths: [URL]) throws -> [RunRecord] {
  var folders: [URL] = []
  for path in paths {
    folders += try findRunFolders(in: path)
  }
  guard !folders.isEmpty else { throw ReportError.noRuns(paths: paths.map(\.path)) }
  return try folders.map { try loadRun(at: $0) }
}

/// Returns the run folders at or below `path`, sorted by path.
public func findRunFolders(in path: URL) throws -> [URL] {
  let fileManager = FileManager.default
  var isFolder: ObjCBool = false
  guard fileManager.fileExists(atPath: path.path, isDirectory: &isFolder) else {
    throw ReportError.pathMissing(path: path.path)
  }
  guard isFolder.boolValue else { throw ReportError.runFileMissing(folder: path.path) }
  if fileManager.fileExists(atPath: path.appendingPathComponent(RunFile.settings).path) {
    return [path]
  }
  let children: [URL]
  do {
    children = try fileManager.contentsOfDirectory(
      at: path, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
  } catch {
    throw ReportError.invalidFile(path: path.path, reason: "the folder cannot be listed (\(error.localizedDescription))")
  }
  var found: [URL] = []
  for child in children.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
    let isChildFolder = (try? child.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
    if isChildFolder { found += try findRunFolders(in: child) }
  }
  return found
}

/// Loads and checks one run folder.
///
/// `metrics.json` and `sample.json` may be absent: the run then has no finished epoch or no
/// sample. Every present file must decode and agree with `run.json`.
public func loadRun(at folder: URL) throws -> RunRecord {
  let settingsURL = folder.appendingPathComponent(RunFile.settings)
  guard FileManager.default.fileExists(atPath: settingsURL.path) else {
    throw ReportError.runFileMissing(folder: folder.path)
  }
  let settings = try decodeFile(RunSettings.self, at: settingsURL)

  let metricsURL = folder.appendingPathComponent(RunFile.metrics)
  var metrics: [EpochMetrics] = []
  if FileManager.default.fileExists(atPath: metricsURL.path) {
    metrics = try decodeFile([EpochMetrics].self, at: metricsURL)
  }

  let sampleURL = folder.appendingPathComponent(RunFile.sample)
  var sample: InputSample?
  if FileManager.default.fileExists(atPath: sampleURL.path) {
    sample = try decodeFile(InputSample.self, at: sampleURL)
  }

  let run = RunRecord(name: folder.lastPathComponent, settings: settings, metrics: metrics, sample: sample)
  if let problem = findInconsistency(in: run) {
    throw ReportError.invalidRun(folder: folder.path, reason: problem)
  }
  return run
}

private func decodeFile<Value: Decodable>(_ type: Value.Type, at url: URL) throws -> Value {
  let data: Data
  do {
    data = try Data(contentsOf: url)
  } catch {
    throw ReportError.invalidFile(path: url.path, reason: "it cannot be read (\(error.localizedDescription))")
  }
  do {
    return try JSONDecoder().decode(type, from: data)
  } catch {
    throw ReportError.invalidFile(path: url.path, reason: describeDecodingError(error))
  }
}

/// Returns the first contradiction between a run's files, or nil when they agree.
func findInconsistency(in run: RunRecord) -> String? {
  let settings = run.settings
  let network = settings.network
  if settings.epochsPlanned < 1 {
    return "epochsPlanned is \(settings.epochsPlanned), expected at least 1"
  }
  if network.hidden < 1 || network.hiddenLayers < 1 || network.inputs < 1 || network.outputs < 1 {
    return "the network needs at least one input, hidden layer, hidden neuron and output"
  }
  if network.variant != .none && (network.taps < 1 || network.taps % 2 == 0 || network.delaysPerSynapse < 1) {
    return "a DCLS network needs an odd number of taps and at least one delay per synapse, found taps \(network.taps) and delaysPerSynapse \(network.delaysPerSynapse)"
  }
  for (index, epoch) in run.metrics.enumerated() {
    if let problem = findInconsistency(in: epoch, position: index, hasValidationSplit: settings.hasValidationSplit) {
      return problem
    }
  }
  if run.metrics.count > settings.epochsPlanned {
    return "metrics.json has \(run.metrics.count) epochs but run.json plans \(settings.epochsPlanned)"
  }
  if let histograms = settings.delayHistograms, let problem = findInconsistency(in: histograms, network: network) {
    return problem
  }
  if let sample = run.sample {
    if sample.frames.isEmpty { return "sample.json has no frames" }
    if let row = sample.frames.firstIndex(where: { $0.count != network.inputs }) {
      return "frame \(row) of sample.json has \(sample.frames[row].count) values, expected \(network.inputs) (the network's inputs)"
    }
    if !(sample.frameMilliseconds > 0) {
      return "sample.json has frameMilliseconds \(sample.frameMilliseconds), expected a positive duration"
    }
  }
  return nil
}

private func findInconsistency(in epoch: EpochMetrics, position: Int, hasValidationSplit: Bool) -> String? {
  if epoch.epoch != position + 1 {
    return "entry \(position) of metrics.json is epoch \(epoch.epoch), expected \(position + 1) (epochs in order from 1)"
  }
  if hasValidationSplit && (epoch.validAccuracy == nil || epoch.validLoss == nil) {
    return "epoch \(epoch.epoch) has no validation loss or accuracy, but run.json says the dataset has a validation split"
  }
  let accuracies = [epoch.trainAccuracy, epoch.testAccuracy] + (epoch.validAccuracy.map { [$0] } ?? [])
  if let bad = accuracies.first(where: { !(0...1).contains($0) }) {
    return "epoch \(epoch.epoch) has accuracy \(bad), expected a fraction between 0 and 1"
  }
  return nil
}

private func findInconsistency(in histograms: [DelayHistogram], network: NetworkConfig) -> String? {
  guard network.variant != .none else {
    return "run.json has delay histograms, but the variant 'none' has no delays"
  }
  let layerCount = network.hiddenLayers + 1
  guard histograms.count == layerCount else {
    return "run.json has \(histograms.count) delay histograms, expected \(layerCount) (one per synapse layer)"
  }
  for (index, histogram) in histograms.enumerated() {
    if histogram.layer != index + 1 {
      return "delay histogram \(index) is for layer \(histogram.layer), expected layer \(index + 1)"
    }
    let pairs = synapseCount(ofLayer: histogram.layer, in: network) * network.delaysPerSynapse
    for (name, counts) in [("initial", histogram.initial), ("final", histogram.final)] {
      if counts.count != network.taps {
        return "the \(name) delay histogram of layer \(histogram.layer) has \(counts.count) bins, expected \(network.taps) (one per kernel tap)"
      }
      if counts.contains(where: { $0 < 0 }) {
        return "the \(name) delay histogram of layer \(histogram.layer) has a negative count"
      }
      let total = counts.reduce(0, +)
      if total != pairs {
        return "the \(name) delay histogram of layer \(histogram.layer) counts \(total) delays, expected \(pairs) (outputs x inputs x delaysPerSynapse)"
      }
    }
  }
  return nil
}
