import Foundation

/// Fetches, unpacks and turns a dataset into one frames folder per split, in the cache.
///
/// Frames folders are keyed by dataset and preprocessing (`shd-legacy`, `ssc-grid`, `gsc-mel`,
/// `fsdd-mel`); a folder that already exists is reused as it is.
public struct DatasetPreparer {
  public var cache: DatasetCache
  public var fetcher: Fetcher
  /// Whether progress goes to standard error.
  public var showsProgress: Bool
  /// Recordings or samples processed per parallel block.
  public var blockSize = 512
  /// When set, split folders go directly under this folder (`ROOT/train`, `ROOT/test`) instead
  /// of the cache's frames folder; a pipeline stage sets it to its output folder.
  public var framesRoot: URL?
  /// When set, each split keeps at most this many samples, taken evenly over the split by
  /// `evenSelection(count:limit:)`. Only the kept samples are read and turned into frames.
  public var subset: Int?

  public init(cache: DatasetCache, fetcher: Fetcher? = nil, showsProgress: Bool = false) {
    self.cache = cache
    self.fetcher = fetcher ?? Fetcher(cache: cache)
    self.showsProgress = showsProgress
  }

  /// Returns the cache key of a dataset's frames: `NAME-legacy` or `NAME-grid` for spike datasets (the
  /// binning mode is part of the key), `NAME-mel` for audio datasets.
  public static func framesKey(dataset: DatasetDescription, binning: Binning) -> String {
    dataset.hasSpikeEvents ? "\(dataset.name)-\(binning.rawValue)" : "\(dataset.name)-mel"
  }

  /// The seed of the cochlear encoder for spiking-fsdd: fixed, so that the dataset is one set of
  /// spike trains for every run, as SHD is.
  public static let encoderSeed: UInt64 = 0

  /// Returns the frames folder of `split`. A subset of N samples per split goes to the cache key
  /// with `-subsetN` appended, beside the full frames.
  public func framesFolder(dataset: DatasetDescription, binning: Binning, split: String) -> URL {
    if let framesRoot { return framesRoot.appendingPathComponent(split, isDirectory: true) }
    let key = Self.framesKey(dataset: dataset, binning: binning) + (subset.map { "-subset\($0)" } ?? "")
    return cache.frames(key: key, split: split)
  }

  /// Returns the indices of at most `limit` samples out of `count`, spread evenly: sample
  /// `i * count / limit` for `i` in `0 ..< limit`, about every `count / limit`-th sample. Every
  /// index when `limit` is nil or at least `count`.
  public static func evenSelection(count: Int, limit: Int?) -> [Int] {
    guard let limit, limit < count else { return Array(0..<count) }
    precondition(limit > 0, "DatasetPreparer.evenSelection: limit must be positive, got \(limit)")
    return (0..<limit).map { $0 * count / limit }
  }

  /// Fetches and unpacks every archive of `dataset` into the cache, unless already unpacked, and
  /// returns the unpacked folders in the order of the dataset's files.
  @discardableResult
  public func unpack(_ dataset: DatasetDescription) throws -> [URL] {
    switch dataset.layout {
    case .spikeEvents:
      return try dataset.files.map { try unpackEvents(dataset, file: $0) }
    case .speechCommands, .freeSpokenDigits:
      guard let file = dataset.files.first else {
        preconditionFailure("DatasetPreparer: \(dataset.name) lists no archive")
      }
      return [try ArchiveUnpacker.unpack(try fetcher.fetch(file), into: cache.unpacked(dataset.name))]
    case .encodedFreeSpokenDigits:
      return [try encodeSpikingDigits()]
    }
  }

  /// Encodes the FSDD recordings into `unpacked/spiking-fsdd/`, one HDF5 file per split, unless
  /// both files are there. The files appear under their names only when complete.
  private func encodeSpikingDigits() throws -> URL {
    let folder = cache.unpacked(DatasetDescription.spikingFsdd.name)
    let complete = SpikingFreeSpokenDigits.splits.allSatisfy {
      FileManager.default.fileExists(atPath: folder.appendingPathComponent(SpikingFreeSpokenDigits.fileName(split: $0)).path)
    }
    if !complete {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      _ = try SpikingFreeSpokenDigits.encode(cache: cache, fetcher: fetcher, into: folder, seed: Self.encoderSeed,
                                             showsProgress: showsProgress)
    }
    return folder
  }

  /// Unpacks one spike-event archive into `unpacked/NAME/STEM` and returns that folder.
  private func unpackEvents(_ dataset: DatasetDescription, file: DatasetFile) throws -> URL {
    let archive = try fetcher.fetch(file)
    let stem = file.name.components(separatedBy: ".").first ?? file.name
    return try ArchiveUnpacker.unpack(archive, into: cache.unpacked(dataset.name).appendingPathComponent(stem))
  }

  /// Prepares every split of `dataset` unless already prepared, and returns them by split name.
  /// `binning` applies to spike datasets only.
  public func prepare(_ dataset: DatasetDescription, binning: Binning = .legacy) throws -> [String: FrameSplit] {
    var result: [String: FrameSplit] = [:]
    let missing = dataset.splits.filter { split in
      let folder = framesFolder(dataset: dataset, binning: binning, split: split)
      return !FileManager.default.fileExists(atPath: folder.path)
    }
    if !missing.isEmpty {
      switch dataset.layout {
      case .spikeEvents, .encodedFreeSpokenDigits:
        for split in missing { try prepareSpikes(dataset, split: split, binning: binning) }
      case .speechCommands, .freeSpokenDigits:
        try prepareAudio(dataset, splits: missing)
      }
    }
    for split in dataset.splits {
      result[split] = try FrameSplit(folder: framesFolder(dataset: dataset, binning: binning, split: split))
    }
    return result
  }

  /// Opens a prepared split, or explains how to prepare it.
  public func openSplit(_ dataset: DatasetDescription, binning: Binning = .legacy, split: String) throws -> FrameSplit {
    let folder = framesFolder(dataset: dataset, binning: binning, split: split)
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw DatasetError.notPrepared(dataset: dataset.name, folder: folder.path)
    }
    return try FrameSplit(folder: folder)
  }

  // MARK: Spike events

  private func prepareSpikes(_ dataset: DatasetDescription, split: String, binning: Binning) throws {
    let eventsURL: URL
    let file: DatasetFile
    if dataset.layout == .encodedFreeSpokenDigits {
      file = dataset.files[0]
      eventsURL = try encodeSpikingDigits().appendingPathComponent(SpikingFreeSpokenDigits.fileName(split: split))
    } else {
      guard let fileName = dataset.splitFiles[split], let splitFile = dataset.files.first(where: { $0.name == fileName }) else {
        preconditionFailure("DatasetPreparer: \(dataset.name) lists no file for split \(split)")
      }
      file = splitFile
      let unpacked = try unpackEvents(dataset, file: file)
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: unpacked.path)) ?? []
      guard let h5 = contents.sorted().first(where: { $0.hasSuffix(".h5") }) else {
        throw DatasetError.invalidLayout(folder: unpacked.path, reason: "no .h5 file in the unpacked \(fileName)")
      }
      eventsURL = unpacked.appendingPathComponent(h5)
    }

    let events = try SpikeEventFile(url: eventsURL, classCount: dataset.classCount)
    let names = events.classNames?.count == dataset.classCount ? events.classNames! : (0..<dataset.classCount).map(String.init)
    let writer = try FrameSplitWriter(
      folder: framesFolder(dataset: dataset, binning: binning, split: split), element: .uint8,
      description: FrameSplitDescription(
        dataset: dataset.name, split: split, preprocessing: binning.rawValue, channels: EventBinning.inputCount,
        frameDurationMs: Double(EventBinning.frameDurationMs), classCount: dataset.classCount, classNames: names,
        sourceChecksums: [file.name: file.checksum.description]))

    // NOTE: no test prepares a spike dataset (SHD and SSC need downloads), so the reads of a
    // subset below, one sample at a time, have not run.
    let selected = Self.evenSelection(count: events.count, limit: subset)
    let progress = ProgressLine(label: "prepare \(dataset.name) \(split) (\(binning.rawValue))", total: selected.count, enabled: showsProgress)
    var start = 0
    while start < selected.count {
      let block = selected[start..<min(start + blockSize, selected.count)]
      let samples = block.last! - block.first! + 1 == block.count
        ? try events.read(block.first!..<(block.last! + 1))
        : try block.flatMap { try events.read($0..<($0 + 1)) }
      let frames = Self.parallelMap(samples) { EventBinning.frames(of: $0, mode: binning).values }
      for (sample, values) in zip(samples, frames) {
        try writer.append(values, label: sample.label)
      }
      start += samples.count
      progress.update(done: start)
    }
    try writer.finish()
    progress.finish()
  }

  // MARK: Audio

  private func prepareAudio(_ dataset: DatasetDescription, splits: [String]) throws {
    guard let file = dataset.files.first else {
      preconditionFailure("DatasetPreparer: \(dataset.name) lists no archive")
    }
    let unpacked = try unpack(dataset)[0]
    let layout = dataset.layout == .speechCommands
      ? try AudioSplits.speechCommands(in: unpacked)
      : try AudioSplits.freeSpokenDigits(in: unpacked)
    let frontEnd = AudioFrontEnd()
    for split in splits {
      let all = layout.splits[split] ?? []
      let items = Self.evenSelection(count: all.count, limit: subset).map { all[$0] }
      let writer = try FrameSplitWriter(
        folder: framesFolder(dataset: dataset, binning: .legacy, split: split), element: .float32,
        description: FrameSplitDescription(
          dataset: dataset.name, split: split, preprocessing: "mel", channels: MelSpectrogram.bandCount,
          classCount: layout.classNames.count, classNames: layout.classNames,
          sourceChecksums: [file.name: file.checksum.description]))
      let progress = ProgressLine(label: "prepare \(dataset.name) \(split) (mel)", total: items.count, enabled: showsProgress)
      var start = 0
      while start < items.count {
        let block = Array(items[start..<min(start + blockSize, items.count)])
        let frames = try Self.parallelMap(block) { item -> Result<[Float], Error> in
          Result { frontEnd.frames(of: try WAVAudio(contentsOf: item.url)) }
        }.map { try $0.get() }
        for (item, values) in zip(block, frames) {
          try writer.append(values, label: item.label)
        }
        start += block.count
        progress.update(done: start)
      }
      try writer.finish()
      progress.finish()
    }
  }

  /// Applies `transform` to every element on all cores, keeping the order.
  static func parallelMap<Element, Output>(_ elements: [Element], _ transform: (Element) -> Output) -> [Output] {
    if elements.isEmpty { return [] }
    var results = [Output?](repeating: nil, count: elements.count)
    results.withUnsafeMutableBufferPointer { buffer in
      let base = buffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: elements.count) { index in
        base[index] = transform(elements[index])
      }
    }
    return results.map { $0! }
  }
}
