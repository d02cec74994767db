import Foundation
import XCTest

@testable import Pipeline

final class StageKeyTests: XCTestCase {
  private let frames = InputFingerprint(key: String(repeating: "a", count: 64), outputs: ["frames.npy": String(repeating: "b", count: 64)])

  private func trainStage(_ parameters: [String: JSONValue], presentation: JSONValue = .object([:])) -> Stage {
    Stage(name: "train/x", kind: .train, parameters: .object(parameters), inputs: ["preprocess/x"], presentation: presentation)
  }

  /// The literal is the SHA-256 of the canonical text
  /// `{"inputs":[{"key":"a…a","outputs":{"frames.npy":"b…b"}}],"kind":"train","parameters":{"learningRate":0.001,"seed":0,"sigma":1e-5},"version":1}`,
  /// computed independently with Python's hashlib.
  func testKeyPinned() {
    let stage = trainStage(["seed": .integer(0), "learningRate": .number(0.001), "sigma": .number(1e-5)])
    XCTAssertEqual(
      Stage.key(kind: .train, version: 1, parameters: stage.parameters, inputs: [frames]),
      "3f52de6d72b13354e7316e3042a7b625c2f9393b853617c9de8a6729f131cd9d")
  }

  func testKeyIgnoresNameAndPresentation() {
    let stage = trainStage(["seed": .integer(0)])
    var renamed = trainStage(["seed": .integer(0)], presentation: .object(["title": .string("Other title")]))
    renamed.name = "train/y"
    renamed.publishesResults = true
    XCTAssertEqual(stage.key(inputs: [frames]), renamed.key(inputs: [frames]))
  }

  func testKeyChangesWithParameter() {
    let stage = trainStage(["seed": .integer(0)])
    XCTAssertNotEqual(stage.key(inputs: [frames]), trainStage(["seed": .integer(1)]).key(inputs: [frames]))
  }

  func testKeyChangesWithInputContent() {
    let stage = trainStage(["seed": .integer(0)])
    var changed = frames
    changed.outputs["frames.npy"] = String(repeating: "c", count: 64)
    XCTAssertNotEqual(stage.key(inputs: [frames]), stage.key(inputs: [changed]))
  }

  func testKeyChangesWithVersionAndKind() {
    let parameters = JSONValue.object(["seed": .integer(0)])
    let base = Stage.key(kind: .train, version: 1, parameters: parameters, inputs: [frames])
    XCTAssertNotEqual(base, Stage.key(kind: .train, version: 2, parameters: parameters, inputs: [frames]))
    XCTAssertNotEqual(base, Stage.key(kind: .evaluate, version: 1, parameters: parameters, inputs: [frames]))
  }

  // MARK: Keys of a planned pipeline

  private func pipeline() -> PipelineFile {
    PipelineFile(
      name: "keys", description: "first description",
      datasets: [DatasetEntry(name: .fsdd, network: NetworkSettings(
        hiddenLayers: 1, hidden: 8, taps: 5, delaysPerSynapse: 1, dropout: 0.1, tauMs: 15, batchSize: 4, epochs: 2))],
      variants: [.none, .learned], seeds: [0],
      report: ReportOptions(title: "First title", figureTitles: ["accuracy": "Accuracy"]))
  }

  /// Keys of every stage, with each input's outputs taken as one file whose hash is the input's key.
  private func keys(_ file: PipelineFile) throws -> [String: String] {
    var keys: [String: String] = [:]
    for stage in try Planner.plan(file).stages {
      let inputs = stage.inputs.map { InputFingerprint(key: keys[$0]!, outputs: ["out": keys[$0]!]) }
      keys[stage.name] = stage.key(inputs: inputs)
    }
    return keys
  }

  func testCosmeticChangeKeepsEveryKey() throws {
    var cosmetic = pipeline()
    cosmetic.name = "renamed"
    cosmetic.description = "another description"
    cosmetic.report = ReportOptions(title: "Another title", figureTitles: ["accuracy": "Test accuracy"])
    XCTAssertEqual(try keys(pipeline()), try keys(cosmetic))
  }

  func testParameterChangeAltersDependentKeys() throws {
    var changed = pipeline()
    changed.datasets[0].variantOverrides[.learned] = {
      var network = changed.datasets[0].network
      network.learningRate = 0.002
      return network
    }()
    let before = try keys(pipeline())
    let after = try keys(changed)
    let differing = Set(before.keys.filter { before[$0] != after[$0] })
    XCTAssertEqual(differing, ["train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0", "report"])
  }

  func testUnusedSettingKeepsNoDelayKey() throws {
    var changed = pipeline()
    changed.datasets[0].network.taps = 7
    let before = try keys(pipeline())
    let after = try keys(changed)
    XCTAssertEqual(before["train/fsdd/none/seed0"], after["train/fsdd/none/seed0"])
    XCTAssertNotEqual(before["train/fsdd/learned/seed0"], after["train/fsdd/learned/seed0"])
  }

  func testPreprocessParametersWithoutSubset() throws {
    let preprocess = try XCTUnwrap(try Planner.plan(pipeline()).stage(named: "preprocess/fsdd"))
    XCTAssertEqual(preprocess.parameters.canonicalText, #"{"dataset":"fsdd","timeStepMs":10}"#)
  }

  func testSubsetAltersEveryKeyFromPreprocess() throws {
    var changed = pipeline()
    changed.datasets[0].subset = 20
    let before = try keys(pipeline())
    let after = try keys(changed)
    let differing = Set(before.keys.filter { before[$0] != after[$0] })
    XCTAssertEqual(differing, Set(before.keys).subtracting(["fetch/fsdd", "unpack/fsdd"]))
    let preprocess = try XCTUnwrap(try Planner.plan(changed).stage(named: "preprocess/fsdd"))
    XCTAssertEqual(preprocess.parameters.canonicalText, #"{"dataset":"fsdd","subset":20,"timeStepMs":10}"#)
  }
}
