import Foundation
import SpikingNetwork
import XCTest

@testable import Pipeline

final class RunnerTests: RunnerTestCase {
  func testFirstRunRunsEveryStage() throws {
    XCTAssertEqual(try run(pipeline()), Self.allStages)
    XCTAssertEqual(lines.value.first, "run        fetch/fsdd: no previous output")
    XCTAssertEqual(try results.readLock()?.stages.map(\.name), Self.allStages)
    XCTAssertEqual(try finishedKeys().count, Self.allStages.count)
  }

  func testResultsPublished() throws {
    try run(pipeline())
    let report = try String(contentsOf: results.url.appendingPathComponent("report.md"), encoding: .utf8)
    XCTAssertTrue(report.hasPrefix("# Tiny report\n"))
    XCTAssertTrue(FileManager.default.fileExists(atPath: results.url.appendingPathComponent("figures/accuracy.txt").path))
  }

  func testSecondRunExecutesNoStage() throws {
    try run(pipeline())
    XCTAssertEqual(try run(pipeline()), [])
    XCTAssertEqual(lines.value, Self.allStages.map { "unchanged  " + $0 })
  }

  func testCosmeticChangeRunsNothing() throws {
    try run(pipeline())
    XCTAssertEqual(try run(pipeline(title: "Another title")), [])
  }

  func testLearningRateChangeRerunsDependents() throws {
    try run(pipeline())
    XCTAssertEqual(
      try run(pipeline(learnedRate: 0.002)),
      ["train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0", "report"])
    XCTAssertTrue(lines.value.contains(
      "run        train/fsdd/learned/seed0: parameter learningRate changed from 0.001 to 0.002"))
    XCTAssertTrue(lines.value.contains("run        evaluate/fsdd/learned/seed0: input train/fsdd/learned/seed0 changed"))
    XCTAssertTrue(lines.value.contains(
      "run        report: input train/fsdd/learned/seed0 changed; input evaluate/fsdd/learned/seed0 changed"))
  }

  func testRevertedChangeReusesCache() throws {
    try run(pipeline())
    try run(pipeline(learnedRate: 0.002))
    XCTAssertEqual(try run(pipeline()), [])
  }

  func testDeletedOutputRerunsOnlyThatStage() throws {
    try run(pipeline())
    try FileManager.default.removeItem(at: outputs(of: "train/fsdd/none/seed0").appendingPathComponent("checkpoint.txt"))
    XCTAssertEqual(try run(pipeline()), ["train/fsdd/none/seed0"])
    XCTAssertTrue(lines.value.contains("run        train/fsdd/none/seed0: output file checkpoint.txt missing"))
  }

  /// A rerun whose output differs (a training run is not bit-identical across thread counts, for
  /// example) reruns the stages that read it.
  func testDeletedOutputWithNewContentRerunsDependents() throws {
    try run(pipeline())
    try FileManager.default.removeItem(at: outputs(of: "train/fsdd/none/seed0").appendingPathComponent("checkpoint.txt"))
    trainSalt.value = "second attempt"
    XCTAssertEqual(try run(pipeline()), ["train/fsdd/none/seed0", "evaluate/fsdd/none/seed0", "report"])
  }

  func testDeletedFigureRerunsOnlyReport() throws {
    try run(pipeline())
    let figure = results.url.appendingPathComponent("figures/accuracy.txt")
    try FileManager.default.removeItem(at: figure)
    XCTAssertEqual(try run(pipeline()), ["report"])
    XCTAssertTrue(lines.value.contains("run        report: published file \(figure.path) missing"))
    XCTAssertTrue(FileManager.default.fileExists(atPath: figure.path))
  }

  func testEditedReportRerunsReport() throws {
    try run(pipeline())
    try "edited by hand\n".write(to: results.url.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
    XCTAssertEqual(try run(pipeline()), ["report"])
  }

  func testCorruptedOutputDetected() throws {
    try run(pipeline())
    let checkpoint = try outputs(of: "train/fsdd/none/seed0").appendingPathComponent("checkpoint.txt")
    let size = try Data(contentsOf: checkpoint).count
    try Data(repeating: 0x21, count: size).write(to: checkpoint)
    XCTAssertEqual(try run(pipeline()), ["train/fsdd/none/seed0"])
    XCTAssertTrue(lines.value.contains("run        train/fsdd/none/seed0: output file checkpoint.txt modified"))
    XCTAssertNotEqual(try Data(contentsOf: checkpoint), Data(repeating: 0x21, count: size))
  }

  /// Corruption that keeps size and modification time passes the quick check; `verifyContents`
  /// hashes every file and finds it.
  func testCorruptionWithOldTimeNeedsVerify() throws {
    try run(pipeline())
    let checkpoint = try outputs(of: "train/fsdd/none/seed0").appendingPathComponent("checkpoint.txt")
    let stamp = try XCTUnwrap(FileStamp(of: checkpoint))
    try Data(repeating: 0x21, count: Int(stamp.size)).write(to: checkpoint)
    var times = [
      timespec(tv_sec: Int(stamp.modifiedNanoseconds / 1_000_000_000), tv_nsec: Int(stamp.modifiedNanoseconds % 1_000_000_000)),
      timespec(tv_sec: Int(stamp.modifiedNanoseconds / 1_000_000_000), tv_nsec: Int(stamp.modifiedNanoseconds % 1_000_000_000)),
    ]
    XCTAssertEqual(utimensat(AT_FDCWD, checkpoint.path, &times, 0), 0)

    let quick = try runner(pipeline()).status()
    XCTAssertEqual(quick.first { $0.stage == "train/fsdd/none/seed0" }?.state, .unchanged)
    let verified = try runner(pipeline()).status(RunOptions(verifyContents: true))
    XCTAssertEqual(verified.first { $0.stage == "train/fsdd/none/seed0" }?.reasons, [.outputModified("checkpoint.txt")])
  }

  func testDamagedManifestRerunsStage() throws {
    try run(pipeline())
    let manifest = try outputs(of: "fetch/fsdd").deletingLastPathComponent().appendingPathComponent("manifest.json")
    try "{".write(to: manifest, atomically: false, encoding: .utf8)
    XCTAssertEqual(try run(pipeline()), ["fetch/fsdd"])
  }

  // MARK: Failures

  func testFailingActionLeavesNoFinishedFolder() throws {
    failing.value = ["train/fsdd/learned/seed0"]
    XCTAssertEqual(
      failingRun(pipeline()),
      "1 stage failed:\n  train/fsdd/learned/seed0: simulated failure. It blocks: evaluate/fsdd/learned/seed0, report.")
    XCTAssertTrue(lines.value.contains(
      "failed     train/fsdd/learned/seed0: simulated failure. It blocks: evaluate/fsdd/learned/seed0, report."))

    let finished = try finishedKeys()
    XCTAssertEqual(finished.count, 5)
    for key in finished {
      XCTAssertTrue(FileManager.default.fileExists(atPath: store.finishedFolder(key).appendingPathComponent("manifest.json").path))
    }
    XCTAssertNil(try results.readLock()?["train/fsdd/learned/seed0"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: results.url.appendingPathComponent("report.md").path))
  }

  func testRunAfterFailureRunsOnlyTheRest() throws {
    failing.value = ["train/fsdd/learned/seed0"]
    _ = failingRun(pipeline())
    failing.value = []
    XCTAssertEqual(try run(pipeline()), ["train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0", "report"])
  }

  func testStopsWithoutKeepGoing() throws {
    failing.value = ["train/fsdd/none/seed0"]
    _ = failingRun(pipeline())
    XCTAssertEqual(executed.value, ["fetch/fsdd", "unpack/fsdd", "preprocess/fsdd", "train/fsdd/none/seed0"])
    XCTAssertEqual(
      lines.value.last,
      "stopped    2 stage(s) not run after the failure. Add --keep-going to run the stages that do not depend on it.")
  }

  func testKeepGoingSkipsDependents() throws {
    failing.value = ["train/fsdd/none/seed0"]
    executed.value = []
    lines.value = []
    let runner = try runner(pipeline())
    XCTAssertThrowsError(try runner.run(RunOptions(keepGoing: true)))
    XCTAssertEqual(executed.value, [
      "fetch/fsdd", "unpack/fsdd", "preprocess/fsdd", "train/fsdd/none/seed0",
      "train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0",
    ])
    XCTAssertTrue(lines.value.contains(
      "skipped    evaluate/fsdd/none/seed0: needs train/fsdd/none/seed0, which did not finish"))
    XCTAssertTrue(lines.value.contains("skipped    report: needs train/fsdd/none/seed0, which did not finish"))
  }

  func testKeepGoingReports() throws {
    failing.value = ["train/fsdd/none/seed0"]
    let reports = try? runner(pipeline()).run(RunOptions(keepGoing: true))
    XCTAssertNil(reports)
    failing.value = []
    let status = try runner(pipeline()).status()
    XCTAssertEqual(status.filter { $0.state == .unchanged }.map(\.stage), [
      "fetch/fsdd", "unpack/fsdd", "preprocess/fsdd", "train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0",
    ])
  }

  func testMissingActionFails() {
    var actions = actions()
    actions[.report] = nil
    XCTAssertEqual(
      failingRun(pipeline(), actions: actions),
      "1 stage failed:\n  report: this build registers no action for report stages. It blocks no other stage.")
  }

  func testActionWithoutOutputFails() {
    var actions = actions()
    actions[.fetch] = ClosureAction { _ in }
    XCTAssertEqual(
      failingRun(pipeline(), actions: actions),
      "1 stage failed:\n  fetch/fsdd: stage 'fetch/fsdd' finished without writing any output file. It blocks: unpack/fsdd, preprocess/fsdd, train/fsdd/none/seed0, evaluate/fsdd/none/seed0, train/fsdd/learned/seed0 and 2 more.")
  }

  func testCacheBusy() throws {
    let lock = try CacheLock(root: cache)
    defer { lock.release() }
    XCTAssertEqual(
      failingRun(pipeline()),
      "another dcls-delays process is using the cache \(cache.path). Wait for it to finish, or set DCLS_DELAYS_CACHE to another folder.")
  }

  // MARK: Selection

  func testOnlyRunsStageAndItsNeeds() throws {
    XCTAssertEqual(
      try run(pipeline(), RunOptions(only: ["train/fsdd/none"])),
      ["fetch/fsdd", "unpack/fsdd", "preprocess/fsdd", "train/fsdd/none/seed0"])
    XCTAssertEqual(try results.readLock()?.stages.count, 4)
    XCTAssertEqual(
      try run(pipeline()),
      ["evaluate/fsdd/none/seed0", "train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0", "report"])
  }

  func testOnlyWithoutMatch() {
    XCTAssertEqual(
      failingRun(pipeline(), RunOptions(only: ["train/shd"])),
      "--only 'train/shd' matches no stage. Run 'dcls-delays status PIPELINE' to list the stage names.")
  }

  func testForceRerunsMatchingStages() throws {
    try run(pipeline())
    XCTAssertEqual(try run(pipeline(), RunOptions(force: ["fetch"])), ["fetch/fsdd"])
    XCTAssertEqual(lines.value.first, "run        fetch/fsdd: forced")
  }

  func testJobsRunIndependentStagesTogether() throws {
    var actions = actions()
    let running = Shared(0)
    let overlap = Shared(0)
    let threads = Shared<[Int]>([])
    let write = writingAction("checkpoint.txt")
    actions[.train] = ClosureAction { context in
      running.update { $0 += 1 }
      threads.update { $0.append(context.threads) }
      let deadline = Date().addingTimeInterval(10)
      while running.value < 2 && Date() < deadline { usleep(1000) }
      overlap.update { $0 = max($0, running.value) }
      try write.run(context)
      usleep(20_000)
      running.update { $0 -= 1 }
    }
    try run(pipeline(), RunOptions(jobs: 2), actions: actions, cores: 4)
    XCTAssertEqual(overlap.value, 2)
    XCTAssertEqual(threads.value, [2, 2])
  }

  func testJobsCappedByCores() throws {
    try run(pipeline(), RunOptions(jobs: 3), cores: 2)
    XCTAssertEqual(lines.value.first, "note       --jobs 3 lowered to 2, the number of cores")
  }

  // MARK: Status and lock file

  func testStatusReportsReasonsWithoutRunning() throws {
    try run(pipeline())
    executed.value = []
    lines.value = []
    let reports = try runner(pipeline(learnedRate: 0.002)).status()
    XCTAssertEqual(executed.value, [])
    XCTAssertEqual(lines.value, [
      "unchanged  fetch/fsdd",
      "unchanged  unpack/fsdd",
      "unchanged  preprocess/fsdd",
      "unchanged  train/fsdd/none/seed0",
      "unchanged  evaluate/fsdd/none/seed0",
      "stale      train/fsdd/learned/seed0: parameter learningRate changed from 0.001 to 0.002",
      "stale      evaluate/fsdd/learned/seed0: input train/fsdd/learned/seed0 is stale",
      "stale      report: inputs train/fsdd/learned/seed0, evaluate/fsdd/learned/seed0 are stale",
    ])
    XCTAssertEqual(reports.filter { $0.state == .stale }.count, 3)
  }

  func testStatusOfFreshCache() throws {
    let reports = try runner(pipeline()).status()
    XCTAssertEqual(reports.first?.reasons, [.noPreviousOutput])
    XCTAssertEqual(reports.last?.reasons, [.inputsStale(Array(Self.allStages.dropFirst(3).dropLast()))])
  }

  func testClearedCacheSaysSo() throws {
    try run(pipeline())
    try FileManager.default.removeItem(at: cache)
    XCTAssertEqual(try run(pipeline()), Self.allStages)
    XCTAssertEqual(lines.value.first, "run        fetch/fsdd: no finished output in the cache")
  }

  func testLockFileRecordsStages() throws {
    try run(pipeline())
    let lock = try XCTUnwrap(results.readLock())
    XCTAssertEqual(lock.pipeline, "tiny")
    let train = try XCTUnwrap(lock["train/fsdd/learned/seed0"])
    XCTAssertEqual(train.kind, .train)
    XCTAssertEqual(train.parameters["learningRate"], .number(0.001))
    XCTAssertEqual(Array(train.inputs.keys), ["preprocess/fsdd"])
    let checkpoint = try outputs(of: "train/fsdd/learned/seed0").appendingPathComponent("checkpoint.txt")
    XCTAssertEqual(train.outputs, ["checkpoint.txt": try SHA256Hasher.hex(ofFileAt: checkpoint)])
    XCTAssertEqual(lock["report"]?.outputs.keys.sorted(), ["figures/accuracy.txt", "report.md"])
  }

  func testFailedRunKeepsPreviousLockEntry() throws {
    try run(pipeline())
    let before = try results.readLock()?["train/fsdd/learned/seed0"]
    failing.value = ["train/fsdd/learned/seed0"]
    _ = failingRun(pipeline(learnedRate: 0.002))
    XCTAssertEqual(try results.readLock()?["train/fsdd/learned/seed0"], before)
  }
}
