import XCTest

@testable import Datasets

/// Rounds seconds to float16, as SHD files store them.
private func half(_ seconds: [Double]) -> [Float] { seconds.map { Float(Float16($0)) } }

final class EventBinningTests: XCTestCase {
  /// Times in seconds, all exact in float16: 0, 4.88 ms, 9.77 ms, 10.74 ms, 250 ms, 259.77 ms, 500 ms.
  let times: [Float] = [0, 5.0 / 1024, 10.0 / 1024, 11.0 / 1024, 0.25, 0.25 + 10.0 / 1024, 0.5]

  func testLegacyFrames() {
    let (frames, count) = EventBinning.frameIndices(times: times, mode: .legacy)
    XCTAssertEqual(frames, [0, 0, 0, 1, 2, 2, 3])
    XCTAssertEqual(count, 4)
  }

  func testGridFrames() {
    let (frames, count) = EventBinning.frameIndices(times: times, mode: .grid)
    XCTAssertEqual(frames, [0, 0, 0, 1, 25, 25, 50])
    XCTAssertEqual(count, 51)
  }

  func testGridSpikeOnBoundary() {
    // 0.25 s is exactly the start of frame 25, and 0.2499 s (float16) the end of frame 24.
    let (frames, _) = EventBinning.frameIndices(times: half([0.2499, 0.25]), mode: .grid)
    XCTAssertEqual(frames, [24, 25])
  }

  func testLegacyTenMillisecondsInclusive() {
    // Float(0.01) * 1000 rounds to exactly 10 in Float, so the event joins the first frame.
    let (frames, count) = EventBinning.frameIndices(times: [0, 0.01, 0.0101], mode: .legacy)
    XCTAssertEqual(frames, [0, 0, 1])
    XCTAssertEqual(count, 2)
  }

  func testLegacyNearestFloat16Neighbours() {
    // The float16 values around 10 ms: 9.9945 ms joins the first frame, 10.0021 ms opens the next.
    let (frames, _) = EventBinning.frameIndices(times: half([0, 0.0099945068359375, 0.01000213623046875]), mode: .legacy)
    XCTAssertEqual(frames, [0, 0, 1])
  }

  func testEmptySampleHasNoFrames() {
    XCTAssertEqual(EventBinning.frameIndices(times: [], mode: .legacy).count, 0)
    XCTAssertEqual(EventBinning.frameIndices(times: [], mode: .grid).count, 0)
  }

  func testSilentGapLegacyCollapses() {
    XCTAssertEqual(EventBinning.frameIndices(times: [0, 1], mode: .legacy).count, 2)
  }

  func testSilentGapGridKeepsFrames() {
    let (values, steps) = EventBinning.frames(of: SpikeSample(times: [0, 1], units: [0, 0], label: 0), mode: .grid)
    XCTAssertEqual(steps, 101)
    XCTAssertEqual(values[0], 1)
    XCTAssertEqual(values[100 * 140], 1)
    XCTAssertEqual(values.reduce(0, +), 2)
  }

  func testLastSpikeCounted() {
    let sample = SpikeSample(times: times, units: [3, 3, 3, 3, 3, 3, 698], label: 0)
    let grid = EventBinning.frames(of: sample, mode: .grid)
    let legacy = EventBinning.frames(of: sample, mode: .legacy)
    XCTAssertEqual(grid.values[50 * 140 + 139], 1)
    XCTAssertEqual(legacy.values[3 * 140 + 139], 1)
  }

  func testChannelsBinnedByFive() {
    let sample = SpikeSample(times: [0, 0, 0, 0, 0], units: [0, 4, 5, 699, 4], label: 0)
    let (values, steps) = EventBinning.frames(of: sample, mode: .legacy)
    XCTAssertEqual(steps, 1)
    XCTAssertEqual(values[0], 3)
    XCTAssertEqual(values[1], 1)
    XCTAssertEqual(values[139], 1)
    XCTAssertEqual(values.reduce(0, +), 5)
  }
}

final class SpikeEventFileTests: TemporaryFolderTestCase {
  let samples = [
    SpikeSample(times: half([0, 0.004, 0.012, 0.25]), units: [0, 7, 699, 350], label: 3),
    SpikeSample(times: [], units: [], label: 0),
    SpikeSample(times: half([0.1, 0.1, 1.5]), units: [10, 11, 12], label: 19),
  ]

  func testReadsFloat16File() throws {
    let url = folder.appendingPathComponent("toy.h5")
    EventFileBuilder.write(samples, to: url, classNames: (0..<20).map { "word\($0)" })
    let file = try SpikeEventFile(url: url, classCount: 20)
    XCTAssertEqual(file.count, 3)
    XCTAssertEqual(try file.read(0..<3), samples)
    XCTAssertEqual(file.classNames?.last, "word19")
  }

  func testReadsFloat32Times() throws {
    let url = folder.appendingPathComponent("toy.h5")
    EventFileBuilder.write(samples, to: url, timesAsFloat16: false)
    XCTAssertEqual(try SpikeEventFile(url: url, classCount: 20).read(2..<3), [samples[2]])
  }

  func testMissingUnitsRejected() {
    let url = folder.appendingPathComponent("toy.h5")
    EventFileBuilder.write(samples, to: url, omit: "spikes/units")
    let error = datasetError { _ = try SpikeEventFile(url: url, classCount: 20) }
    XCTAssertEqual(error?.description, "\(url.path): no dataset 'spikes/units'. Expected the SHD/SSC layout (spikes/times, spikes/units, labels); fetch the file again.")
  }

  func testUnit700Rejected() throws {
    let url = folder.appendingPathComponent("toy.h5")
    var bad = samples
    bad[2].units[1] = 700
    EventFileBuilder.write(bad, to: url)
    let file = try SpikeEventFile(url: url, classCount: 20)
    let error = datasetError { _ = try file.read(0..<3) }
    XCTAssertEqual(error?.description, "\(url.path): sample 2: unit 700 at event 1; expected units 0 to 699. Fetch the file again; if it persists, the file is not SHD/SSC data.")
  }

  func testNegativeTimeRejected() throws {
    let url = folder.appendingPathComponent("toy.h5")
    var bad = samples
    bad[0].times[0] = -0.5
    EventFileBuilder.write(bad, to: url)
    let file = try SpikeEventFile(url: url, classCount: 20)
    let error = datasetError { _ = try file.read(0..<1) }
    XCTAssertEqual(error?.description, "\(url.path): sample 0: time -0.5 s at event 0; expected finite, non-negative times. Fetch the file again; if it persists, the file is not SHD/SSC data.")
  }

  func testDescendingTimeRejected() throws {
    let url = folder.appendingPathComponent("toy.h5")
    var bad = samples
    bad[2].times = half([0.25, 0.125, 1.5])
    EventFileBuilder.write(bad, to: url)
    let error = datasetError { _ = try SpikeEventFile(url: url, classCount: 20).read(0..<3) }
    XCTAssertEqual(error?.description.contains("sample 2: time 0.125 s at event 1 is before the previous event at 0.25 s"), true, error?.description ?? "")
  }

  func testLabelAboveClassCountRejected() throws {
    let url = folder.appendingPathComponent("toy.h5")
    EventFileBuilder.write(samples, to: url)
    let error = datasetError { _ = try SpikeEventFile(url: url, classCount: 10).read(0..<3) }
    XCTAssertEqual(error?.description.contains("sample 2: label 19; expected labels below 10"), true, error?.description ?? "")
  }

  /// Builds a one-split dataset in the cache from gzipped (train) and zipped (test) HDF5 files.
  private func toyDataset(cache: DatasetCache) throws -> DatasetDescription {
    let h5 = folder.appendingPathComponent("toy.h5")
    EventFileBuilder.write(samples, to: h5)
    try FileManager.default.createDirectory(at: cache.downloads, withIntermediateDirectories: true)
    let gzipped = cache.downloads.appendingPathComponent("toy_train.h5.gz")
    try ArchiveBuilder.gzip(try Data(contentsOf: h5), to: gzipped)
    let zipped = cache.downloads.appendingPathComponent("toy_test.h5.zip")
    try ArchiveBuilder.write([.file("toy_test.h5", try Data(contentsOf: h5))], to: zipped, zip: true)
    let files = try [gzipped, zipped].map { url in
      DatasetFile(name: url.lastPathComponent, urls: [],
                  checksum: FileChecksum(.sha256, try Checksum.digest(of: url, algorithm: .sha256)))
    }
    return DatasetDescription(name: "toy", title: "toy", layout: .spikeEvents, classCount: 20, splits: ["train", "test"],
                              files: files, splitFiles: ["train": "toy_train.h5.gz", "test": "toy_test.h5.zip"])
  }

  func testPrepareBothModes() throws {
    let cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    let dataset = try toyDataset(cache: cache)
    let preparer = DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: []))
    let legacy = try preparer.prepare(dataset, binning: .legacy)
    let grid = try preparer.prepare(dataset, binning: .grid)
    for split in [legacy["train"]!, legacy["test"]!] {
      XCTAssertEqual(split.count, 3)
      XCTAssertEqual(split.labels, [3, 0, 19])
      XCTAssertEqual(split.channels, 140)
      XCTAssertEqual(split.info.dtype, "uint8")
      // Sample 0: frames {0, 4 ms} {12 ms} {250 ms}; sample 1 empty; sample 2: {100, 100 ms} {1.5 s}.
      XCTAssertEqual((0..<3).map(split.length(of:)), [3, 0, 2])
    }
    let train = grid["train"]!
    XCTAssertEqual(train.info.preprocessing, "grid")
    XCTAssertEqual((0..<3).map(train.length(of:)), [26, 0, 151])
    let frames = train.frames(of: 0)
    XCTAssertEqual(frames[0 * 140 + 0], 1)
    XCTAssertEqual(frames[0 * 140 + 1], 1)
    XCTAssertEqual(frames[1 * 140 + 139], 1)
    XCTAssertEqual(frames[25 * 140 + 70], 1)
    XCTAssertEqual(frames.reduce(0, +), 4)
    // 0.1 s in float16 is 0.099976 s, which lies in frame 9.
    XCTAssertEqual(train.frames(of: 2)[9 * 140 + 2], 2)
    XCTAssertTrue(FileManager.default.fileExists(atPath: cache.frames(key: "toy-grid", split: "test").path))
  }
}
