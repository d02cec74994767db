import Foundation
import XCTest
@testable import SpikingNetwork

final class TrainerTests: XCTestCase {
  let config = NetworkConfig(variant: .learned, inputs: 7, hidden: 9, hiddenLayers: 2, outputs: 4, taps: 5,
                             delaysPerSynapse: 1, tau: 1.5, dropout: 0.25)
  let data = SyntheticBatches(samples: 23, steps: 11, channels: 7, classes: 4, density: 0.3, seed: 5)
  let test = SyntheticBatches(samples: 9, steps: 11, channels: 7, classes: 4, density: 0.3, seed: 6)

  func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dcls-trainer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  func train(epochs: Int, seed: UInt64, into folder: URL) throws -> Data {
    var trainer = Trainer(config: config, settings: TrainingSettings(epochs: 4, batchSize: 8, seed: seed))
    for _ in 0..<epochs { trainer.runEpoch(train: data, valid: nil, test: test) }
    try trainer.save(to: folder)
    return try Data(contentsOf: folder.appendingPathComponent(Trainer.checkpointFile))
  }

  func testSameSeedGivesIdenticalCheckpoints() throws {
    let first = try train(epochs: 2, seed: 11, into: try temporaryFolder())
    let second = try train(epochs: 2, seed: 11, into: try temporaryFolder())
    XCTAssertEqual(first, second)
  }

  func testOtherSeedGivesOtherCheckpoint() throws {
    let first = try train(epochs: 1, seed: 11, into: try temporaryFolder())
    let second = try train(epochs: 1, seed: 12, into: try temporaryFolder())
    XCTAssertNotEqual(first, second)
  }

  func testResumeMatchesUninterruptedRun() throws {
    let uninterrupted = try train(epochs: 2, seed: 3, into: try temporaryFolder())
    let folder = try temporaryFolder()
    _ = try train(epochs: 1, seed: 3, into: folder)
    let settings = TrainingSettings(epochs: 4, batchSize: 8, seed: 3)
    var resumed = try XCTUnwrap(try Trainer.resume(from: folder, config: config, settings: settings))
    XCTAssertEqual(resumed.epochsDone, 1)
    resumed.runEpoch(train: data, valid: nil, test: test)
    try resumed.save(to: folder)
    XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(Trainer.checkpointFile)), uninterrupted)
    XCTAssertEqual(resumed.metrics.count, 2)
  }

  func testResumeFromEmptyFolderIsNil() throws {
    let settings = TrainingSettings(epochs: 4, batchSize: 8, seed: 3)
    XCTAssertNil(try Trainer.resume(from: try temporaryFolder(), config: config, settings: settings))
  }

  func testSigmaFollowsSchedule() {
    var trainer = Trainer(config: config, settings: TrainingSettings(epochs: 8, batchSize: 8, seed: 1))
    XCTAssertEqual(trainer.network.sigma, 2)
    trainer.runEpoch(train: data, valid: nil, test: test)
    trainer.runEpoch(train: data, valid: nil, test: test)
    // final_epoch = 8 div 4 = 2: two multiplications by (0.23 / 2)^(1/2) reach 0.23.
    XCTAssertEqual(Double(trainer.network.sigma), 0.23, accuracy: 1e-6)
    trainer.runEpoch(train: data, valid: nil, test: test)
    XCTAssertEqual(Double(trainer.network.sigma), 0.23, accuracy: 1e-6)
  }

  func testEpochMetricsAreRecorded() {
    var trainer = Trainer(config: config, settings: TrainingSettings(epochs: 4, batchSize: 8, seed: 1))
    let metrics = trainer.runEpoch(train: data, valid: test, test: test)
    XCTAssertEqual(metrics.epoch, 1)
    XCTAssertEqual(metrics.learningRate, 2e-4, accuracy: 1e-12)
    XCTAssertEqual(metrics.validAccuracy, metrics.testAccuracy)
    XCTAssertGreaterThan(metrics.meanPositionChange, 0)
    XCTAssertTrue((0...1).contains(metrics.trainAccuracy))
  }

  func testCheckpointRoundTrip() throws {
    let folder = try temporaryFolder()
    let trainer = Trainer(config: config, settings: TrainingSettings(epochs: 4, batchSize: 8, seed: 9))
    try trainer.save(to: folder)
    let file = try SafeTensors.read(folder.appendingPathComponent(Trainer.checkpointFile))
    XCTAssertEqual(try Network<Float>.config(of: file, path: "checkpoint"), config)
    var loaded = Network<Float>(config: config)
    try loaded.load(file, path: "checkpoint")
    XCTAssertEqual(loaded.stateDictionary().tensors["model.4.P"]?.bytes, trainer.network.stateDictionary().tensors["model.4.P"]?.bytes)
    XCTAssertEqual(file.tensors["model.0.P"]?.shape, [1, 9, 7, 1])
    XCTAssertEqual(file.tensors["model.1.num_batches_tracked"]?.dtype, "I64")
  }

  func testTruncatedCheckpointIsRejected() throws {
    let folder = try temporaryFolder()
    let url = folder.appendingPathComponent("broken.safetensors")
    try Data([0x10, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: url)
    XCTAssertThrowsError(try SafeTensors.read(url)) { error in
      XCTAssertEqual("\(error)", "\(url.path) is not a valid safetensors file: header length 16 exceeds the file size 9. Check that the file was copied whole; if a pipeline stage wrote it, delete it so that the stage runs again.")
    }
  }

  func testResumeWithOtherSeedIsRejected() throws {
    let folder = try temporaryFolder()
    _ = try train(epochs: 1, seed: 3, into: folder)
    let other = TrainingSettings(epochs: 4, batchSize: 8, seed: 4)
    XCTAssertThrowsError(try Trainer.resume(from: folder, config: config, settings: other)) { error in
      XCTAssertTrue("\(error)".hasSuffix("Give the saved settings to continue it, or choose another output folder."), "\(error)")
      XCTAssertTrue("\(error)".contains("(saved seed 3, requested seed 4)"), "\(error)")
    }
  }
}
