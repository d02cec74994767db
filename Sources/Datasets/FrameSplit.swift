import Foundation

/// The JSON description stored as `frames.json` beside a split's `.npy` files.
public struct FrameSplitDescription: Codable, Sendable, Equatable {
  /// Bumped when the folder layout changes.
  public var formatVersion: Int = 1
  /// Dataset short name: "shd", "ssc", "gsc", "fsdd".
  public var dataset: String
  /// "train", "valid" or "test".
  public var split: String
  /// The preprocessing that made the frames: "legacy" or "grid" binning of spike events, or "mel".
  public var preprocessing: String
  public var sampleCount: Int
  /// Frames of all samples together, the first dimension of `frames.npy`.
  public var totalFrames: Int
  public var channels: Int
  /// "uint8" (spike counts) or "float32" (mel decibels or counts above 255).
  public var dtype: String
  public var frameDurationMs: Double
  public var classCount: Int
  /// Class names indexed by label.
  public var classNames: [String]
  /// The published files the frames were made from, with their checksums ("MD5 ..." or "SHA-256 ...").
  public var sourceChecksums: [String: String]

  public init(dataset: String, split: String, preprocessing: String, sampleCount: Int = 0,
              totalFrames: Int = 0, channels: Int, dtype: String = "", frameDurationMs: Double = 10,
              classCount: Int, classNames: [String], sourceChecksums: [String: String]) {
    self.dataset = dataset
    self.split = split
    self.preprocessing = preprocessing
    self.sampleCount = sampleCount
    self.totalFrames = totalFrames
    self.channels = channels
    self.dtype = dtype
    self.frameDurationMs = frameDurationMs
    self.classCount = classCount
    self.classNames = classNames
    self.sourceChecksums = sourceChecksums
  }
}

/// File names inside a frames folder.
enum FrameFiles {
  /// `(total_frames, channels)`, uint8 or float32: the frames of all samples, one after another.
  static let frames = "frames.npy"
  /// `(count + 1,)` int64: sample `i` is rows `offsets[i] ..< offsets[i + 1]` of `frames.npy`.
  static let offsets = "offsets.npy"
  /// `(count,)` int64: the class of each sample.
  static let labels = "labels.npy"
  static let description = "frames.json"
}

/// One prepared split, read through a memory mapping of its frames.
///
/// A frames folder contains `frames.npy` `(total_frames, C)`, `offsets.npy` `(count + 1,)` int64,
/// `labels.npy` `(count,)` int64 and `frames.json` (a `FrameSplitDescription`). Each file loads
/// with `numpy.load(path, mmap_mode="r")`.
public final class FrameSplit: @unchecked Sendable {
  public let folder: URL
  public let info: FrameSplitDescription
  /// Row offsets into the frames, `(count + 1,)`.
  public let offsets: [Int]
  /// The class of each sample, `(count,)`.
  public let labels: [Int]
  private let frames: MappedNpy

  /// Opens the split in `folder` and checks that its files agree with each other.
  public init(folder: URL) throws {
    self.folder = folder
    let path = folder.path
    let descriptionURL = folder.appendingPathComponent(FrameFiles.description)
    guard let data = FileManager.default.contents(atPath: descriptionURL.path) else {
      throw DatasetError.invalidFrames(folder: path, reason: "\(FrameFiles.description) is missing")
    }
    do {
      info = try JSONDecoder().decode(FrameSplitDescription.self, from: data)
    } catch {
      throw DatasetError.invalidFrames(folder: path, reason: "\(FrameFiles.description) is not a frames description (\(error))")
    }
    frames = try MappedNpy(folder.appendingPathComponent(FrameFiles.frames))
    offsets = try MappedNpy(folder.appendingPathComponent(FrameFiles.offsets)).integers()
    labels = try MappedNpy(folder.appendingPathComponent(FrameFiles.labels)).integers()

    let count = info.sampleCount
    func invalid(_ reason: String) -> DatasetError { .invalidFrames(folder: path, reason: reason) }
    guard frames.element == .uint8 || frames.element == .float32 else {
      throw invalid("\(FrameFiles.frames) is \(frames.element.numpyName); frames are uint8 or float32")
    }
    guard frames.shape == [info.totalFrames, info.channels], frames.element.numpyName == info.dtype else {
      throw invalid("\(FrameFiles.frames) is \(frames.element.numpyName) \(frames.shape), frames.json states \(info.dtype) [\(info.totalFrames), \(info.channels)]")
    }
    guard offsets.count == count + 1, offsets.first == 0, offsets.last == info.totalFrames,
          zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
      throw invalid("\(FrameFiles.offsets) does not describe \(count) samples over \(info.totalFrames) frames")
    }
    guard labels.count == count, labels.allSatisfy({ (0..<info.classCount).contains($0) }) else {
      throw invalid("\(FrameFiles.labels) needs \(count) labels in 0..<\(info.classCount)")
    }
  }

  /// The number of samples.
  public var count: Int { info.sampleCount }
  /// C, the number of values per frame.
  public var channels: Int { info.channels }
  public var classCount: Int { info.classCount }
  public var classNames: [String] { info.classNames }

  /// Returns the number of frames of sample `index`.
  public func length(of index: Int) -> Int { offsets[index + 1] - offsets[index] }

  /// Copies the frames of sample `index` as Float, `(length, C)` row-major, into `destination`
  /// with `stride` values between the starts of consecutive frames.
  public func copyFrames(of index: Int, into destination: UnsafeMutablePointer<Float>, stride: Int) {
    let rows = offsets[index]..<offsets[index + 1]
    let channels = info.channels
    switch frames.element {
    case .uint8:
      let source = frames.payload.assumingMemoryBound(to: UInt8.self)
      for (step, row) in rows.enumerated() {
        let from = source + row * channels
        let to = destination + step * stride
        for channel in 0..<channels { to[channel] = Float(from[channel]) }
      }
    case .float32:
      let source = frames.payload.assumingMemoryBound(to: Float.self)
      for (step, row) in rows.enumerated() {
        (destination + step * stride).update(from: source + row * channels, count: channels)
      }
    case .int64, .float64:
      preconditionFailure("FrameSplit: \(frames.element.numpyName) frames are rejected when the split is opened")
    }
  }

  /// Returns the frames of sample `index`, `(length, C)` row-major.
  public func frames(of index: Int) -> [Float] {
    let length = length(of: index)
    return [Float](unsafeUninitializedCapacity: length * channels) { buffer, initialized in
      if let base = buffer.baseAddress { copyFrames(of: index, into: base, stride: channels) }
      initialized = length * channels
    }
  }
}

/// Writes a frames folder sample by sample, streaming frames to disk.
///
/// Everything goes to a hidden temporary folder that `finish` renames into place, so a folder at
/// the final path is always complete. Spike counts start as uint8; the first count above 255
/// rewrites what was written so far as float32 and continues in float32.
public final class FrameSplitWriter {
  public let folder: URL
  private let temporary: URL
  private var info: FrameSplitDescription
  private var element: NpyElement
  private var handle: FileHandle
  private var offsets: [Int] = [0]
  private var labels: [Int] = []

  /// Starts a split with `element` `.uint8` for counts or `.float32` for real values.
  public init(folder: URL, element: NpyElement, description: FrameSplitDescription) throws {
    precondition(element != .int64, "FrameSplitWriter: frames are uint8 or float32")
    self.folder = folder
    self.element = element
    self.info = description
    let fileManager = FileManager.default
    try fileManager.createFolder(folder.deletingLastPathComponent())
    temporary = folder.deletingLastPathComponent()
      .appendingPathComponent(".\(folder.lastPathComponent).partial-\(getpid())", isDirectory: true)
    try? fileManager.removeItem(at: temporary)
    try fileManager.createFolder(temporary)
    let framesURL = temporary.appendingPathComponent(FrameFiles.frames)
    _ = fileManager.createFile(atPath: framesURL.path, contents: Npy.header(element: element, shape: [0, description.channels]))
    guard let handle = FileHandle(forWritingAtPath: framesURL.path) else {
      throw DatasetError.ioFailed(path: framesURL.path, reason: "cannot open for writing")
    }
    self.handle = handle
    handle.seekToEndOfFile()
  }

  deinit {
    try? handle.close()
    if FileManager.default.fileExists(atPath: temporary.path) {
      try? FileManager.default.removeItem(at: temporary)
    }
  }

  /// The number of samples appended so far.
  public var count: Int { labels.count }

  /// Appends one sample of `values.count / C` frames, `(length, C)` row-major.
  public func append(_ values: [Float], label: Int) throws {
    precondition(values.count % info.channels == 0, "FrameSplitWriter: \(values.count) values for C = \(info.channels)")
    if element == .uint8, values.contains(where: { $0 > 255 }) {
      try widenToFloat32()
    }
    let data: Data
    switch element {
    case .uint8: data = Data(values.map { UInt8($0) })
    default: data = values.withUnsafeBytes { Data($0) }
    }
    handle.write(data)
    offsets.append(offsets.last! + values.count / info.channels)
    labels.append(label)
  }

  /// Writes offsets, labels and the description, then renames the folder into place.
  @discardableResult
  public func finish() throws -> FrameSplit {
    info.sampleCount = labels.count
    info.totalFrames = offsets.last!
    info.dtype = element.numpyName
    handle.seek(toFileOffset: 0)
    handle.write(Npy.header(element: element, shape: [info.totalFrames, info.channels]))
    try handle.close()
    try Npy.write(offsets, to: temporary.appendingPathComponent(FrameFiles.offsets))
    try Npy.write(labels, to: temporary.appendingPathComponent(FrameFiles.labels))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(info).write(to: temporary.appendingPathComponent(FrameFiles.description))
    try FileManager.default.moveReplacing(temporary, to: folder)
    return try FrameSplit(folder: folder)
  }

  /// Rewrites the uint8 frames written so far as float32.
  private func widenToFloat32() throws {
    let framesURL = temporary.appendingPathComponent(FrameFiles.frames)
    try handle.close()
    let written = try Data(contentsOf: framesURL).dropFirst(Npy.header(element: .uint8, shape: [0, 0]).count)
    var data = Npy.header(element: .float32, shape: [0, info.channels])
    written.map { Float($0) }.withUnsafeBytes { data.append(contentsOf: $0) }
    try data.write(to: framesURL)
    guard let reopened = FileHandle(forWritingAtPath: framesURL.path) else {
      throw DatasetError.ioFailed(path: framesURL.path, reason: "cannot reopen for writing")
    }
    handle = reopened
    handle.seekToEndOfFile()
    element = .float32
  }
}
