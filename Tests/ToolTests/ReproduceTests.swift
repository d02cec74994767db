import Foundation
import XCTest

/// `dcls-delays reproduce` run twice on a tiny FSDD pipeline, with one change between the runs.
final class ReproduceTests: XCTestCase {
  private let allStages = [
    "fetch/fsdd", "unpack/fsdd", "preprocess/fsdd",
    "train/fsdd/none/seed0", "evaluate/fsdd/none/seed0",
    "train/fsdd/fixed/seed0", "evaluate/fsdd/fixed/seed0",
    "train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0",
    "report",
  ]

  func testSecondRunRunsNothing() throws {
    let sandbox = try Sandbox("rerun")
    try sandbox.write("tiny.json", tinyPipeline(name: "tiny", variants: ["none", "fixed", "learned"]))
    let first = try sandbox.reproduce("tiny.json")
    XCTAssertEqual(first.ranStages, allStages)

    let second = try sandbox.reproduce("tiny.json")
    XCTAssertEqual(second.lines, allStages.map { "unchanged  \($0)" })
  }

  func testLearningRateOfOneVariant() throws {
    let sandbox = try Sandbox("rate")
    try sandbox.write("tiny.json", tinyPipeline(name: "tiny", variants: ["none", "fixed", "learned"]))
    try sandbox.reproduce("tiny.json")

    try sandbox.write("tiny.json", tinyPipeline(
      name: "tiny", variants: ["none", "fixed", "learned"], overrides: #"{ "learned": { "learningRate": 0.002 } }"#))
    let second = try sandbox.reproduce("tiny.json")
    XCTAssertEqual(second.ranStages, ["train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0", "report"])
    XCTAssertEqual(second.decisions["train/fsdd/learned/seed0"], "run: parameter learningRate changed from 0.001 to 0.002")
    XCTAssertEqual(second.decisions["evaluate/fsdd/learned/seed0"], "run: input train/fsdd/learned/seed0 changed")
    for stage in allStages.prefix(7) {
      XCTAssertEqual(second.decisions[stage], "unchanged", stage)
    }
  }

  func testDeletedFigureRerunsReport() throws {
    let sandbox = try Sandbox("figure")
    try sandbox.write("tiny.json", tinyPipeline(name: "tiny", variants: ["none", "learned"]))
    try sandbox.reproduce("tiny.json")
    let figure = sandbox.results.appendingPathComponent("tiny/figures/sample-fsdd-mel.svg")
    let original = try Data(contentsOf: figure)
    try FileManager.default.removeItem(at: figure)

    let second = try sandbox.reproduce("tiny.json")
    XCTAssertEqual(second.ranStages, ["report"])
    XCTAssertEqual(second.decisions["report"], "run: published file results/tiny/figures/sample-fsdd-mel.svg missing")
    XCTAssertEqual(second.decisions.values.filter { $0 == "unchanged" }.count, 7)
    XCTAssertEqual(try Data(contentsOf: figure), original)
  }

  func testCorruptedCheckpointRerunsItsStage() throws {
    let sandbox = try Sandbox("corrupt")
    try sandbox.write("tiny.json", tinyPipeline(name: "tiny", variants: ["none", "learned"]))
    try sandbox.reproduce("tiny.json")
    let checkpoint = try sandbox.output("checkpoint.safetensors", of: "train/fsdd/none/seed0", pipeline: "tiny")
    let original = try Data(contentsOf: checkpoint)
    try corrupt(checkpoint)

    let second = try sandbox.reproduce("tiny.json")
    XCTAssertEqual(second.decisions["train/fsdd/none/seed0"], "run: output file checkpoint.safetensors modified")
    XCTAssertEqual(second.decisions["train/fsdd/learned/seed0"], "unchanged")
    XCTAssertEqual(second.decisions["preprocess/fsdd"], "unchanged")
    XCTAssertEqual(try Data(contentsOf: checkpoint), original)
  }

  /// A same-size change that keeps the file's modification time passes the quick check by size
  /// and time; `--verify` hashes every output and finds it.
  func testVerifyFindsCorruptionWithSameTime() throws {
    let sandbox = try Sandbox("verify")
    try sandbox.write("tiny.json", tinyPipeline(name: "tiny", variants: ["none"]))
    try sandbox.reproduce("tiny.json")
    let checkpoint = try sandbox.output("checkpoint.safetensors", of: "train/fsdd/none/seed0", pipeline: "tiny")
    var before = stat()
    XCTAssertEqual(stat(checkpoint.path, &before), 0)
    try corrupt(checkpoint)
    var times = [before.st_atim, before.st_mtim]
    XCTAssertEqual(utimensat(AT_FDCWD, checkpoint.path, &times, 0), 0)

    let quick = try sandbox.run(["status", "tiny.json"] + sandbox.folders)
    XCTAssertEqual(quick.status, 0)
    XCTAssertEqual(quick.decisions["train/fsdd/none/seed0"], "unchanged")
    let verified = try sandbox.reproduce("tiny.json", ["--verify"])
    XCTAssertEqual(verified.decisions["train/fsdd/none/seed0"], "run: output file checkpoint.safetensors modified")
  }

  /// Inverts the last 64 bytes of `url`, inside the tensor data, keeping its size.
  private func corrupt(_ url: URL) throws {
    var data = try Data(contentsOf: url)
    XCTAssertGreaterThan(data.count, 64)
    for index in (data.count - 64)..<data.count { data[index] ^= 0xFF }
    let handle = try FileHandle(forWritingTo: url)
    try handle.write(contentsOf: data)
    try handle.close()
  }
}
