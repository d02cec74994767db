import Foundation
import SpikingNetwork
import XCTest

@testable import Pipeline

final class PlannerTests: XCTestCase {
  private func stage(_ name: String, _ inputs: [String] = []) -> Stage {
    Stage(name: name, kind: .train, parameters: .object(["name": .string(name)]), inputs: inputs)
  }

  /// The graph drawn in the documentation of `Planner.order`:
  ///
  ///     a --> b --> d
  ///     |           ^
  ///     +---> c ----+--> e
  private var drawn: [Stage] {
    [stage("a"), stage("b", ["a"]), stage("c", ["a"]), stage("d", ["b", "c"]), stage("e", ["c"])]
  }

  func testOrderOfDrawnGraph() throws {
    XCTAssertEqual(try Planner.order(drawn).map(\.name), ["a", "b", "c", "d", "e"])
  }

  func testOrderOfReversedListing() throws {
    XCTAssertEqual(try Planner.order(drawn.reversed()).map(\.name), ["a", "c", "e", "b", "d"])
  }

  func testCycleNamesItsStages() {
    let stages = [stage("a"), stage("b", ["a", "d"]), stage("c", ["b"]), stage("d", ["c"]), stage("e", ["d"])]
    XCTAssertThrowsError(try Planner.order(stages)) { error in
      XCTAssertEqual(error as? PipelineError, .cycle(["b", "d", "c", "b"]))
      XCTAssertEqual(
        "\(error)",
        "stages form a cycle, so none of them can run first: b -> d -> c -> b (each needs the next).")
    }
  }

  func testSelfCycle() {
    XCTAssertThrowsError(try Planner.order([stage("a", ["a"])])) { error in
      XCTAssertEqual(error as? PipelineError, .cycle(["a", "a"]))
    }
  }

  func testUnknownInput() {
    XCTAssertThrowsError(try Planner.order([stage("a", ["missing"])])) { error in
      XCTAssertEqual("\(error)", "stage 'a' needs 'missing', which is not a stage of the plan.")
    }
  }

  func testDuplicateName() {
    XCTAssertThrowsError(try Planner.order([stage("a"), stage("a")])) { error in
      XCTAssertEqual(error as? PipelineError, .duplicateStage("a"))
    }
  }

  // MARK: Expansion of a pipeline

  private let pipeline = PipelineFile(
    name: "two", description: "",
    datasets: [DatasetEntry(name: .shd, binning: .legacy), DatasetEntry(name: .shd, binning: .grid), DatasetEntry(name: .gsc)],
    variants: [.none, .learned], seeds: [3])

  func testExpansionOrder() throws {
    XCTAssertEqual(try Planner.plan(pipeline).stages.map(\.name), [
      "fetch/shd", "unpack/shd", "preprocess/shd-legacy",
      "train/shd-legacy/none/seed3", "evaluate/shd-legacy/none/seed3",
      "train/shd-legacy/learned/seed3", "evaluate/shd-legacy/learned/seed3",
      "preprocess/shd-grid",
      "train/shd-grid/none/seed3", "evaluate/shd-grid/none/seed3",
      "train/shd-grid/learned/seed3", "evaluate/shd-grid/learned/seed3",
      "fetch/gsc", "unpack/gsc", "preprocess/gsc",
      "train/gsc/none/seed3", "evaluate/gsc/none/seed3",
      "train/gsc/learned/seed3", "evaluate/gsc/learned/seed3",
      "report",
    ])
  }

  func testInputsOfStages() throws {
    let plan = try Planner.plan(pipeline)
    XCTAssertEqual(plan.stage(named: "preprocess/shd-grid")?.inputs, ["unpack/shd"])
    XCTAssertEqual(plan.stage(named: "evaluate/gsc/learned/seed3")?.inputs, ["train/gsc/learned/seed3", "preprocess/gsc"])
    XCTAssertEqual(plan.stage(named: "report")?.inputs.count, 12)
    XCTAssertEqual(plan.stage(named: "report")?.publishesResults, true)
  }

  func testTrainParameters() throws {
    let plan = try Planner.plan(pipeline)
    let learned = try plan.stage(named: "train/shd-legacy/learned/seed3")!.parameters.decode(TrainParameters.self)
    XCTAssertEqual(learned.classes, 20)
    XCTAssertEqual(learned.inputs, 140)
    XCTAssertEqual(learned.selection, .test)
    XCTAssertEqual(learned.taps, 25)
    XCTAssertEqual(learned.positionLearningRateFactor, 100)
    let none = try plan.stage(named: "train/gsc/none/seed3")!.parameters.decode(TrainParameters.self)
    XCTAssertEqual(none.selection, .validation)
    XCTAssertNil(none.taps)
    XCTAssertNil(none.sigmaSchedule)
  }

  func testDependentsAndClosure() throws {
    let plan = try Planner.plan(pipeline)
    XCTAssertEqual(plan.dependents(of: "train/gsc/none/seed3"), ["evaluate/gsc/none/seed3", "report"])
    XCTAssertEqual(plan.closure(of: "train/gsc/none/seed3"), ["fetch/gsc", "unpack/gsc", "preprocess/gsc", "train/gsc/none/seed3"])
  }

  func testPatternMatching() {
    XCTAssertTrue(RunOptions.matches("train", "train/fsdd/none/seed0"))
    XCTAssertTrue(RunOptions.matches("train/*/learned/*", "train/fsdd/learned/seed0"))
    XCTAssertTrue(RunOptions.matches("*learned*", "evaluate/fsdd/learned/seed0"))
    XCTAssertFalse(RunOptions.matches("train", "trainer"))
    XCTAssertFalse(RunOptions.matches("train/fsdd/none", "train/fsdd/none-x/seed0"))
  }
}
