import Foundation
import XCTest

@testable import Pipeline

final class EpochCheckpointsTests: RunnerTestCase {
  private var checkpoints: EpochCheckpoints {
    EpochCheckpoints(folder: folder.appendingPathComponent("checkpoints"))
  }

  private func writeEpoch(_ epoch: Int) -> (URL) throws -> Void {
    { folder in try "epoch \(epoch)\n".write(to: folder.appendingPathComponent("state.txt"), atomically: false, encoding: .utf8) }
  }

  func testEmptyHasNoLatest() {
    XCTAssertNil(checkpoints.latest())
  }

  func testLatestIsNewestSave() throws {
    try checkpoints.save(epoch: 1, writeEpoch(1))
    try checkpoints.save(epoch: 2, writeEpoch(2))
    let latest = try XCTUnwrap(checkpoints.latest())
    XCTAssertEqual(latest.epoch, 2)
    XCTAssertEqual(try String(contentsOf: latest.folder.appendingPathComponent("state.txt"), encoding: .utf8), "epoch 2\n")
  }

  func testOlderEpochsPruned() throws {
    for epoch in 1...4 { try checkpoints.save(epoch: epoch, keep: 2, writeEpoch(epoch)) }
    XCTAssertEqual(checkpoints.all().map(\.epoch), [3, 4])
  }

  func testInterruptedSaveIsIgnored() throws {
    try checkpoints.save(epoch: 1, writeEpoch(1))
    XCTAssertThrowsError(try checkpoints.save(epoch: 2) { folder in
      try "half".write(to: folder.appendingPathComponent("state.txt"), atomically: false, encoding: .utf8)
      throw SimulatedFailure()
    })
    XCTAssertEqual(checkpoints.latest()?.epoch, 1)
    try checkpoints.save(epoch: 2, writeEpoch(2))
    let names = try FileManager.default.contentsOfDirectory(atPath: checkpoints.folder.path)
    XCTAssertEqual(names, ["epoch-000002"])
  }

  // MARK: Resuming a stage

  /// Returns a train action that saves a checkpoint per epoch. While `interrupt` is set, it throws
  /// after epoch 1, where a killed process would stop.
  private func resumableTrain(interrupt: Shared<Bool>, startEpochs: Shared<[Int]>) -> any StageAction {
    ClosureAction { context in
      let epochs = try context.parameters(as: TrainParameters.self).epochs
      let start = (context.checkpoints.latest()?.epoch ?? 0) + 1
      startEpochs.update { $0.append(start) }
      var state = try context.checkpoints.latest().map {
        try String(contentsOf: $0.folder.appendingPathComponent("state.txt"), encoding: .utf8)
      } ?? ""
      for epoch in start...epochs {
        state += "epoch \(epoch)\n"
        try context.checkpoints.save(epoch: epoch) { folder in
          try state.write(to: folder.appendingPathComponent("state.txt"), atomically: false, encoding: .utf8)
        }
        if interrupt.value && epoch == 1 { throw SimulatedFailure() }
      }
      try state.write(to: context.outputs.appendingPathComponent("checkpoint.txt"), atomically: false, encoding: .utf8)
    }
  }

  func testStageResumesFromCheckpoint() throws {
    let interrupt = Shared(true)
    let startEpochs = Shared<[Int]>([])
    var actions = actions()
    actions[.train] = resumableTrain(interrupt: interrupt, startEpochs: startEpochs)
    let options = RunOptions(only: ["train/fsdd/none/seed0"])

    _ = failingRun(pipeline(), options, actions: actions)
    let keysBefore = try finishedKeys()
    XCTAssertEqual(keysBefore.count, 3)
    let work = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("work").path)
    XCTAssertEqual(work.count, 1)
    let checkpoints = store.workFolder(work[0]).checkpoints
    XCTAssertEqual(checkpoints.latest()?.epoch, 1)

    interrupt.value = false
    try run(pipeline(), options, actions: actions)
    XCTAssertEqual(startEpochs.value, [1, 2])
    let output = try outputs(of: "train/fsdd/none/seed0").appendingPathComponent("checkpoint.txt")
    XCTAssertEqual(try String(contentsOf: output, encoding: .utf8), "epoch 1\nepoch 2\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: store.workFolder(work[0]).root.path))
  }

  func testForceDiscardsCheckpoints() throws {
    let interrupt = Shared(true)
    let startEpochs = Shared<[Int]>([])
    var actions = actions()
    actions[.train] = resumableTrain(interrupt: interrupt, startEpochs: startEpochs)
    _ = failingRun(pipeline(), RunOptions(only: ["train/fsdd/none/seed0"]), actions: actions)
    interrupt.value = false
    try run(pipeline(), RunOptions(only: ["train/fsdd/none/seed0"], force: ["train/fsdd/none/seed0"]), actions: actions)
    XCTAssertEqual(startEpochs.value, [1, 1])
  }
}
