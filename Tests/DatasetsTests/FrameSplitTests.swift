import XCTest

@testable import Datasets

final class FrameSplitTests: TemporaryFolderTestCase {
  private func description(channels: Int = 3) -> FrameSplitDescription {
    FrameSplitDescription(dataset: "toy", split: "train", preprocessing: "grid", channels: channels,
                          classCount: 4, classNames: ["a", "b", "c", "d"], sourceChecksums: ["toy.h5": "MD5 00"])
  }

  /// Three samples of 2, 0 and 3 frames of 3 channels: value = 10 * sample + position.
  private func writeToy(element: NpyElement = .uint8) throws -> FrameSplit {
    let writer = try FrameSplitWriter(folder: folder.appendingPathComponent("toy"), element: element, description: description())
    try writer.append((0..<6).map { Float($0) }, label: 1)
    try writer.append([], label: 0)
    try writer.append((0..<9).map { Float(20 + $0) }, label: 3)
    return try writer.finish()
  }

  func testRoundTripShapes() throws {
    let split = try writeToy()
    XCTAssertEqual(split.count, 3)
    XCTAssertEqual(split.channels, 3)
    XCTAssertEqual(split.offsets, [0, 2, 2, 5])
    XCTAssertEqual(split.labels, [1, 0, 3])
    XCTAssertEqual(split.info.dtype, "uint8")
    XCTAssertEqual(split.info.totalFrames, 5)
    XCTAssertEqual(split.classNames, ["a", "b", "c", "d"])
  }

  func testRoundTripValues() throws {
    let split = try writeToy()
    XCTAssertEqual(split.frames(of: 0), (0..<6).map { Float($0) })
    XCTAssertEqual(split.frames(of: 1), [])
    XCTAssertEqual(split.frames(of: 2), (0..<9).map { Float(20 + $0) })
  }

  func testNpyHeaderIsNumPyFormat() throws {
    _ = try writeToy()
    let data = try Data(contentsOf: folder.appendingPathComponent("toy/frames.npy"))
    let header = String(decoding: data[10..<128], as: UTF8.self)
    XCTAssertEqual(Array(data[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    XCTAssertTrue(header.hasPrefix("{'descr': '|u1', 'fortran_order': False, 'shape': (5, 3), }"))
    XCTAssertTrue(header.hasSuffix("\n"))
    XCTAssertEqual(data.count, 128 + 15)
  }

  func testCountAbove255WidensToFloat32() throws {
    let writer = try FrameSplitWriter(folder: folder.appendingPathComponent("wide"), element: .uint8, description: description())
    try writer.append([1, 2, 3], label: 0)
    try writer.append([300, 0, 7], label: 1)
    let split = try writer.finish()
    XCTAssertEqual(split.info.dtype, "float32")
    XCTAssertEqual(split.frames(of: 0), [1, 2, 3])
    XCTAssertEqual(split.frames(of: 1), [300, 0, 7])
  }

  func testUnfinishedWriterLeavesNoFolder() throws {
    let target = folder.appendingPathComponent("unfinished")
    do {
      let writer = try FrameSplitWriter(folder: target, element: .float32, description: description())
      try writer.append([1, 2, 3], label: 0)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
  }

  func testMissingDescriptionRejected() throws {
    _ = try writeToy()
    try FileManager.default.removeItem(at: folder.appendingPathComponent("toy/frames.json"))
    let error = datasetError { _ = try FrameSplit(folder: self.folder.appendingPathComponent("toy")) }
    XCTAssertEqual(error?.description, "frames folder \(folder.path)/toy: frames.json is missing. Delete it and run 'dcls-delays data prepare' again.")
  }

  func testBatchPadsAtEnd() throws {
    let loader = BatchLoader(split: try writeToy(), batchSize: 2)
    let batch = loader.makeBatch(indices: [0, 2])
    XCTAssertEqual(batch.steps, 3)
    XCTAssertEqual(batch.lengths, [2, 3])
    XCTAssertEqual(batch.labels, [1, 3])
    // (T, B, C): step 0 contains sample 0's frame 0, then sample 2's frame 0.
    XCTAssertEqual(Array(batch.inputs[0..<6]), [0, 1, 2, 20, 21, 22])
    XCTAssertEqual(Array(batch.inputs[6..<12]), [3, 4, 5, 23, 24, 25])
    XCTAssertEqual(Array(batch.inputs[12..<18]), [0, 0, 0, 26, 27, 28])
  }

  func testOrderedBatchesCoverSplit() throws {
    let batches = Array(BatchLoader(split: try writeToy(), batchSize: 2).orderedBatches())
    XCTAssertEqual(batches.map(\.indices), [[0, 1], [2]])
    XCTAssertEqual(batches.map(\.steps), [2, 3])
  }

  func testEmptySampleBatch() throws {
    let batch = BatchLoader(split: try writeToy(), batchSize: 1).makeBatch(indices: [1])
    XCTAssertEqual(batch.steps, 0)
    XCTAssertEqual(batch.inputs, [])
  }

  func testShuffleIsSeeded() {
    var first = SeededGenerator(seed: 7, stream: "shuffle")
    var second = SeededGenerator(seed: 7, stream: "shuffle")
    var other = SeededGenerator(seed: 8, stream: "shuffle")
    let order = BatchLoader.shuffledOrder(count: 50, using: &first)
    XCTAssertEqual(order, BatchLoader.shuffledOrder(count: 50, using: &second))
    XCTAssertNotEqual(order, BatchLoader.shuffledOrder(count: 50, using: &other))
    XCTAssertEqual(order.sorted(), Array(0..<50))
  }

  func testShuffleOrderPinned() {
    var generator = SeededGenerator(seed: 1, stream: "shuffle")
    XCTAssertEqual(BatchLoader.shuffledOrder(count: 8, using: &generator), [6, 3, 2, 7, 5, 0, 1, 4])
  }

  func testShuffledBatchesUseEverySample() throws {
    var generator = SeededGenerator(seed: 3)
    let batches = Array(BatchLoader(split: try writeToy(), batchSize: 2).shuffledBatches(using: &generator))
    XCTAssertEqual(batches.count, 2)
    XCTAssertEqual(batches.flatMap(\.indices).sorted(), [0, 1, 2])
  }

  func testStatistics() throws {
    let statistics = FrameStatistics(try writeToy())
    XCTAssertEqual(statistics.classHistogram, [1, 1, 0, 1])
    XCTAssertEqual(statistics.minFrames, 0)
    XCTAssertEqual(statistics.maxFrames, 3)
    XCTAssertEqual(statistics.maxValue, 28)
  }
}
