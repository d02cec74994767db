import Foundation
import SpikingNetwork
import XCTest

@testable import Pipeline

/// A value shared between a test and the stage actions it defines, which run on other threads.
final class Shared<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) {
    stored = value
  }

  var value: Value {
    get { lock.lock(); defer { lock.unlock() }; return stored }
    set { lock.lock(); stored = newValue; lock.unlock() }
  }

  func update(_ change: (inout Value) -> Void) {
    lock.lock()
    change(&stored)
    lock.unlock()
  }
}

/// An error thrown by test actions.
struct SimulatedFailure: Error, CustomStringConvertible {
  var description: String { "simulated failure." }
}

/// A temporary cache and results folder, a tiny FSDD pipeline with variants `none` and `learned`
/// and one seed, and stage actions that each write real files derived from their inputs.
class RunnerTestCase: XCTestCase {
  var folder: URL!
  var cache: URL { folder.appendingPathComponent("cache") }
  var resultsRoot: URL { folder.appendingPathComponent("results") }
  var results: ResultsFolder { ResultsFolder(results: resultsRoot, pipeline: "tiny") }
  var store: StageStore { StageStore(root: cache) }

  /// Names of the stages whose actions ran, in order of their start.
  let executed = Shared<[String]>([])
  /// Text that the train action adds to its output, to make a rerun produce new content.
  let trainSalt = Shared("")
  /// Stages whose action throws `SimulatedFailure`.
  let failing = Shared<Set<String>>([])
  /// Lines the runner printed in the last call.
  let lines = Shared<[String]>([])

  static let allStages = [
    "fetch/fsdd", "unpack/fsdd", "preprocess/fsdd",
    "train/fsdd/none/seed0", "evaluate/fsdd/none/seed0",
    "train/fsdd/learned/seed0", "evaluate/fsdd/learned/seed0",
    "report",
  ]

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("pipeline-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  func pipeline(learnedRate: Double? = nil, title: String = "Tiny report") -> PipelineFile {
    var entry = DatasetEntry(name: .fsdd, network: NetworkSettings(
      hiddenLayers: 1, hidden: 8, taps: 5, delaysPerSynapse: 1, dropout: 0.1, tauMs: 15, batchSize: 4, epochs: 2))
    if let learnedRate {
      var network = entry.network
      network.learningRate = learnedRate
      entry.variantOverrides[.learned] = network
    }
    return PipelineFile(
      name: "tiny", description: "runner tests", datasets: [entry], variants: [.none, .learned], seeds: [0],
      report: ReportOptions(title: title))
  }

  /// Returns an action that records its stage, then writes `file` with the stage's kind and parameters
  /// followed by the contents of every input file.
  func writingAction(_ file: String) -> any StageAction {
    let executed = executed
    let failing = failing
    let trainSalt = trainSalt
    return ClosureAction { context in
      executed.update { $0.append(context.stage.name) }
      if failing.value.contains(context.stage.name) { throw SimulatedFailure() }
      var text = "\(context.stage.kind.rawValue) \(context.stage.parameters.canonicalText)\n"
      if context.stage.kind == .train { text += "salt: \(trainSalt.value)\n" }
      for input in context.inputs {
        for record in input.manifest.outputs {
          text += "\(input.stage)/\(record.path): " + (try String(contentsOf: input.file(record.path), encoding: .utf8))
        }
      }
      try text.write(to: context.outputs.appendingPathComponent(file), atomically: false, encoding: .utf8)
    }
  }

  /// Returns a report action that writes a summary and a figure in a subfolder, with the title
  /// from its presentation settings.
  func reportAction() -> any StageAction {
    let executed = executed
    let failing = failing
    return ClosureAction { context in
      executed.update { $0.append(context.stage.name) }
      if failing.value.contains(context.stage.name) { throw SimulatedFailure() }
      let presentation = try context.presentation(as: ReportPresentation.self)
      let accuracies = try context.inputs(ofKind: .evaluate).map { input in
        try String(contentsOf: input.file("accuracy.txt"), encoding: .utf8).count
      }
      try "# \(presentation.title)\n\(accuracies)\n".write(
        to: context.outputs.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
      let figures = context.outputs.appendingPathComponent("figures", isDirectory: true)
      try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
      try "figure of \(accuracies)\n".write(
        to: figures.appendingPathComponent("accuracy.txt"), atomically: false, encoding: .utf8)
    }
  }

  func actions() -> [StageKind: any StageAction] {
    [
      .fetch: writingAction("archive.txt"), .unpack: writingAction("unpacked.txt"),
      .preprocess: writingAction("frames.txt"), .train: writingAction("checkpoint.txt"),
      .evaluate: writingAction("accuracy.txt"), .report: reportAction(),
    ]
  }

  func runner(_ file: PipelineFile, actions: [StageKind: any StageAction]? = nil, cores: Int = 1) throws -> Runner {
    let lines = lines
    return Runner(
      plan: try Planner.plan(file), store: store, results: results, actions: actions ?? self.actions(),
      cores: cores, output: { line in lines.update { $0.append(line) } })
  }

  /// Runs `file` and returns the names of the stages whose actions ran.
  @discardableResult
  func run(_ file: PipelineFile, _ options: RunOptions = RunOptions(), actions: [StageKind: any StageAction]? = nil, cores: Int = 1) throws -> [String] {
    executed.value = []
    lines.value = []
    try runner(file, actions: actions, cores: cores).run(options)
    return executed.value
  }

  /// Runs `file` expecting a failure, and returns the error's message.
  func failingRun(_ file: PipelineFile, _ options: RunOptions = RunOptions(), actions: [StageKind: any StageAction]? = nil) -> String {
    executed.value = []
    lines.value = []
    do {
      try runner(file, actions: actions).run(options)
      XCTFail("the run succeeded")
      return ""
    } catch {
      return "\(error)"
    }
  }

  /// Returns the cache folder that contains the outputs of the stage `name`, from the lock file.
  func outputs(of name: String) throws -> URL {
    let key = try XCTUnwrap(results.readLock()?[name]?.key, "no lock entry for \(name)")
    return store.outputsFolder(key)
  }

  /// Names of the finished folders under `stages/` of the cache.
  func finishedKeys() throws -> [String] {
    let stages = cache.appendingPathComponent("stages")
    guard FileManager.default.fileExists(atPath: stages.path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: stages.path).sorted()
  }
}
