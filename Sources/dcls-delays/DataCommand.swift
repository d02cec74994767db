import Datasets
import Foundation
import Reports

/// `dcls-delays data fetch|prepare|inspect NAME`: download and verify a dataset, turn it into
/// frames, or print statistics of its prepared frames.
let dataCommand = Command(
  usage: """
  data fetch|prepare|inspect NAME [--cache DIR] [--binning legacy|grid] [--split SPLIT]
               [--figure DIR] [--sample N]
               download and verify a dataset, turn it into frames, or print its statistics
  """
) { arguments in
  let usage = "usage: dcls-delays data fetch|prepare|inspect NAME (\(DatasetDescription.all.map(\.name).joined(separator: ", ")))"
  guard arguments.positional.count == 2 else { throw UsageError(message: usage) }
  let action = arguments.positional[0]
  let dataset = try DatasetDescription.named(arguments.positional[1])
  let cache = DatasetCache(root: arguments.string("cache").map { URL(fileURLWithPath: $0, isDirectory: true) })
  let binningName = arguments.string("binning") ?? Binning.legacy.rawValue
  guard let binning = Binning(rawValue: binningName) else {
    throw UsageError(message: "--binning expects legacy or grid, got '\(binningName)'.")
  }
  let onlySplit = arguments.string("split")
  let figureFolder = arguments.string("figure").map { URL(fileURLWithPath: $0, isDirectory: true) }
  let sampleIndex = try arguments.integer("sample", default: 0)
  try arguments.rejectUnknown()
  if let onlySplit, !dataset.splits.contains(onlySplit) {
    throw UsageError(message: "\(dataset.name) has no split '\(onlySplit)'; expected \(dataset.splits.joined(separator: ", ")).")
  }
  let preparer = DatasetPreparer(cache: cache, showsProgress: true)

  switch action {
  case "fetch":
    let paths = try preparer.fetcher.fetch(dataset)
    for file in dataset.files {
      print("\(file.name): verified (\(file.checksum)) at \(paths[file.name]!.path)")
    }
  case "prepare":
    let splits = try preparer.prepare(dataset, binning: binning)
    for name in dataset.splits {
      let split = splits[name]!
      print("\(dataset.name) \(name): \(split.count) samples, \(split.info.totalFrames) frames of \(split.channels) \(split.info.dtype) in \(split.folder.path)")
    }
  case "inspect":
    for name in dataset.splits where onlySplit == nil || onlySplit == name {
      let split = try preparer.openSplit(dataset, binning: binning, split: name)
      print("\(dataset.name) \(name) (\(split.info.preprocessing)), \(split.folder.path)")
      let statistics = FrameStatistics(split)
      let valueName = split.info.preprocessing == "mel" ? "decibels" : "spikes"
      for line in statistics.lines(frameDurationMs: split.info.frameDurationMs, classNames: split.classNames, valueName: valueName) {
        print("  \(line)")
      }
    }
    if let figureFolder {
      let splitName = onlySplit ?? (dataset.splits.contains("test") ? "test" : dataset.splits[0])
      let split = try preparer.openSplit(dataset, binning: binning, split: splitName)
      guard (0..<split.count).contains(sampleIndex) else {
        throw UsageError(message: "--sample expects an index in 0..<\(split.count) for \(dataset.name) \(splitName), got \(sampleIndex).")
      }
      let frames = split.frames(of: sampleIndex)
      let channels = split.channels
      let label = split.labels[sampleIndex]
      let sample = InputSample(
        label: label, className: split.classNames.indices.contains(label) ? split.classNames[label] : nil,
        frames: stride(from: 0, to: frames.count, by: channels).map { frames[$0..<($0 + channels)].map(Double.init) },
        frameMilliseconds: split.info.frameDurationMs)
      let input: InputKind = split.info.preprocessing == "mel" ? .mel : (binning == .legacy ? .legacy : .grid)
      let image = try renderInputSample(dataset: dataset.name, input: input, source: "\(splitName) sample \(sampleIndex)",
                                        sample: sample, into: figureFolder)
      print("wrote \(image.path) and its .svg, .gp and .dat")
    }
  default:
    throw UsageError(message: usage)
  }
}
