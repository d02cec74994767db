import Datasets
import Foundation

/// `dcls-delays data fetch|prepare|inspect NAME`: download and verify a dataset, turn it into
/// frames, or print statistics of its prepared frames.
let dataCommand = Command(
  usage: "data fetch|prepare|inspect NAME [--cache DIR] [--binning legacy|grid] [--split SPLIT]"
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
    // TODO: write a raster or spectrogram of one sample once the figure code of the Reports module exists.
  default:
    throw UsageError(message: usage)
  }
}
