import XCTest

@testable import Datasets

final class AudioDatasetTests: TemporaryFolderTestCase {
  /// Builds a 16 kHz tone of `seconds` as PCM 16-bit WAV bytes.
  private func tone(_ frequency: Double, seconds: Double = 0.3) -> Data {
    let count = Int(seconds * 16000)
    return WAVBuilder.pcm16((0..<count).map { Int16(8000 * sin(2 * Double.pi * frequency * Double($0) / 16000)) }, rate: 16000)
  }

  /// Writes a Speech Commands archive with three words into the cache and returns its description.
  private func speechCommands(cache: DatasetCache, extra: [ArchiveBuilder.Entry] = []) throws -> DatasetDescription {
    try FileManager.default.createDirectory(at: cache.downloads, withIntermediateDirectories: true)
    let archive = cache.downloads.appendingPathComponent("commands.tar.gz")
    var entries: [ArchiveBuilder.Entry] = [
      .file("./validation_list.txt", Data("no/b_nohash_0.wav\n".utf8)),
      .file("./testing_list.txt", Data("yes/c_nohash_0.wav\nzero/a_nohash_1.wav\n".utf8)),
      .file("./_background_noise_/noise.wav", tone(50)),
    ]
    for (word, speakers) in [("yes", ["a", "c"]), ("no", ["a", "b"]), ("zero", ["a"])] {
      for speaker in speakers {
        entries.append(.file("./\(word)/\(speaker)_nohash_0.wav", tone(300)))
      }
    }
    entries.append(.file("./zero/a_nohash_1.wav", tone(600, seconds: 1.4)))
    try ArchiveBuilder.write(entries + extra, to: archive)
    let file = DatasetFile(name: "commands.tar.gz", urls: [],
                           checksum: FileChecksum(.sha256, try Checksum.digest(of: archive, algorithm: .sha256)))
    return DatasetDescription(name: "commands", title: "toy commands", layout: .speechCommands, classCount: 3,
                              splits: ["train", "valid", "test"], files: [file])
  }

  func testSpeechCommandsSplits() throws {
    let cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    let dataset = try speechCommands(cache: cache)
    let splits = try DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: [])).prepare(dataset)
    // Words sorted: no 0, yes 1, zero 2. Train: no/a, yes/a, zero/a_0 (sorted by word, then file).
    XCTAssertEqual(splits["train"]?.labels, [0, 1, 2])
    XCTAssertEqual(splits["valid"]?.labels, [0])
    XCTAssertEqual(splits["test"]?.labels, [1, 2])
    XCTAssertEqual(splits["train"]?.classNames, ["no", "yes", "zero"])
    XCTAssertEqual(splits["test"]?.info.totalFrames, 202)
    XCTAssertEqual(splits["test"]?.channels, 140)
    XCTAssertEqual(splits["test"]?.info.dtype, "float32")
  }

  func testSpeechCommandsFramesMatchFrontEnd() throws {
    let cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    let dataset = try speechCommands(cache: cache)
    let test = try DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: [])).prepare(dataset)["test"]!
    let expected = AudioFrontEnd().frames(of: try WAVAudio(data: tone(600, seconds: 1.4), name: "zero"))
    XCTAssertEqual(test.frames(of: 1), expected)
  }

  func testMissingListRejected() throws {
    let layout = folder.appendingPathComponent("layout")
    try FileManager.default.createDirectory(at: layout.appendingPathComponent("yes"), withIntermediateDirectories: true)
    try Data().write(to: layout.appendingPathComponent("validation_list.txt"))
    let error = datasetError { _ = try AudioSplits.speechCommands(in: layout) }
    XCTAssertEqual(error?.description, "\(layout.path): testing_list.txt is missing. Delete the folder and run 'dcls-delays data prepare' again.")
  }

  func testListedFileMissingRejected() throws {
    let layout = folder.appendingPathComponent("layout")
    try FileManager.default.createDirectory(at: layout.appendingPathComponent("yes"), withIntermediateDirectories: true)
    try Data().write(to: layout.appendingPathComponent("validation_list.txt"))
    try Data("yes/gone.wav\n".utf8).write(to: layout.appendingPathComponent("testing_list.txt"))
    let error = datasetError { _ = try AudioSplits.speechCommands(in: layout) }
    XCTAssertEqual(error?.description.contains("testing_list.txt names yes/gone.wav, which is missing"), true, error?.description ?? "")
  }

  func testStereoRecordingStopsPrepare() throws {
    let cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    let stereo = WAVBuilder.pcm16([0, 0, 0, 0], rate: 16000, channels: 2)
    let dataset = try speechCommands(cache: cache, extra: [.file("./yes/d_nohash_0.wav", stereo)])
    let error = datasetError { _ = try DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: [])).prepare(dataset) }
    XCTAssertEqual(error?.description.hasSuffix("yes/d_nohash_0.wav: found 2 channels; expected a mono WAV file, PCM 16-bit or 32-bit float, at 8 or 16 kHz."), true, error?.description ?? "")
    XCTAssertFalse(FileManager.default.fileExists(atPath: cache.frames(key: "commands-mel", split: "train").path))
  }

  func testFreeSpokenDigitsSplitByIndex() throws {
    let recordings = folder.appendingPathComponent("fsdd/recordings")
    try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
    for name in ["3_jackson_4", "3_jackson_5", "7_theo_0", "7_theo_49"] {
      try WAVBuilder.pcm16([1, 2, 3]).write(to: recordings.appendingPathComponent("\(name).wav"))
    }
    let splits = try AudioSplits.freeSpokenDigits(in: folder.appendingPathComponent("fsdd"))
    XCTAssertEqual(splits.splits["train"]?.map(\.url.lastPathComponent), ["3_jackson_5.wav", "7_theo_49.wav"])
    XCTAssertEqual(splits.splits["test"]?.map(\.url.lastPathComponent), ["3_jackson_4.wav", "7_theo_0.wav"])
    XCTAssertEqual(splits.splits["test"]?.map(\.label), [3, 7])
  }

  func testShippedFSDDPrepares() throws {
    let cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    let preparer = DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: [Fixtures.repositoryRoot]))
    let splits = try preparer.prepare(.fsdd)
    XCTAssertEqual(splits["train"]?.count, 2700)
    XCTAssertEqual(splits["test"]?.count, 300)
    XCTAssertEqual(splits["test"]?.info.totalFrames, 300 * 101)
    XCTAssertEqual(splits["train"]?.classCount, 10)
  }
}
