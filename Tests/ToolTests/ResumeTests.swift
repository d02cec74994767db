import Foundation
import XCTest

/// A training stage killed by a real signal resumes from its last complete epoch and ends with
/// the same weights as an uninterrupted run.
final class ResumeTests: XCTestCase {
  private let stage = "train/fsdd/learned/seed0"
  private let epochs = 8

  func testKilledTrainingResumesToSameWeights() throws {
    let pipeline = tinyPipeline(name: "resume", variants: ["learned"], epochs: epochs, subset: 40)

    let uninterrupted = try Sandbox("whole")
    try uninterrupted.write("resume.json", pipeline)
    try uninterrupted.reproduce("resume.json")
    let expected = try Data(contentsOf: uninterrupted.output("checkpoint.safetensors", of: stage, pipeline: "resume"))

    let interrupted = try Sandbox("killed")
    try interrupted.write("resume.json", pipeline)
    let (process, stdout, _) = try interrupted.start(["reproduce", "resume.json"] + interrupted.folders)
    let killedAfter = try killAfterFirstCheckpoint(process, cache: interrupted.cache)
    let log = try String(contentsOf: stdout, encoding: .utf8)
    XCTAssertEqual(process.terminationReason, .uncaughtSignal)
    XCTAssertEqual(process.terminationStatus, SIGKILL)
    XCTAssertTrue(log.contains("\(stage): epoch 1/\(epochs) "), log)
    XCTAssertFalse(log.contains("\(stage): epoch \(epochs)/\(epochs) "), log)
    XCTAssertFalse(log.contains("done       \(stage)"), log)

    let resumed = try interrupted.reproduce("resume.json")
    XCTAssertEqual(resumed.decisions[stage], "run: no previous output")
    XCTAssertTrue(resumed.stdout.contains("\(stage): resuming after epoch \(killedAfter) of \(epochs)"), resumed.stdout)
    XCTAssertFalse(resumed.stdout.contains("\(stage): epoch 1/\(epochs) "), resumed.stdout)
    let actual = try Data(contentsOf: interrupted.output("checkpoint.safetensors", of: stage, pipeline: "resume"))
    XCTAssertEqual(actual.count, expected.count)
    XCTAssertTrue(actual == expected, "the resumed run's final weights differ from the uninterrupted run's")
  }

  /// Waits until the training stage has saved the checkpoint of its first epoch, sends SIGKILL
  /// while it trains a later one, and returns the epoch of the newest checkpoint left.
  private func killAfterFirstCheckpoint(_ process: Process, cache: URL) throws -> Int {
    let deadline = Date().addingTimeInterval(240)
    var epoch = 0
    while process.isRunning && Date() < deadline {
      epoch = newestCheckpoint(in: cache)
      if epoch >= 1 { break }
      usleep(1_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    XCTAssertGreaterThanOrEqual(epoch, 1, "no checkpoint appeared before the run ended")
    let left = newestCheckpoint(in: cache)
    XCTAssertLessThan(left, epochs, "the run finished every epoch before the signal")
    return left
  }

  /// Returns the newest complete epoch checkpoint of any unfinished stage in `cache`, or 0.
  private func newestCheckpoint(in cache: URL) -> Int {
    let work = cache.appendingPathComponent("work")
    let manager = FileManager.default
    var newest = 0
    for key in (try? manager.contentsOfDirectory(atPath: work.path)) ?? [] {
      let checkpoints = work.appendingPathComponent("\(key)/checkpoints").path
      for name in (try? manager.contentsOfDirectory(atPath: checkpoints)) ?? [] where name.hasPrefix("epoch-") {
        newest = max(newest, Int(name.dropFirst("epoch-".count)) ?? 0)
      }
    }
    return newest
  }
}
