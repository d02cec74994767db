import Foundation
import SpikingNetwork
import XCTest

@testable import Reports

final class RunLoaderTests: XCTestCase {
  func writeRun(_ settings: RunSettings, metrics: [EpochMetrics]? = nil, in root: URL, name: String = "run") throws -> URL {
    let folder = root.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try JSONEncoder().encode(settings).write(to: folder.appendingPathComponent("run.json"))
    if let metrics {
      try JSONEncoder().encode(metrics).write(to: folder.appendingPathComponent("metrics.json"))
    }
    return folder
  }

  func settings(_ variant: DelayVariant = .learned, validation: Bool = false, histograms: [DelayHistogram]? = nil) -> RunSettings {
    RunSettings(dataset: "shd", input: .legacy, seed: 0, network: smallNetwork(variant), epochsPlanned: 3, hasValidationSplit: validation, delayHistograms: histograms)
  }

  func assertInvalidRun(_ folder: URL, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try loadRun(at: folder), file: file, line: line) { error in
      XCTAssertEqual(error as? ReportError, .invalidRun(folder: folder.path, reason: reason), file: file, line: line)
    }
  }

  func testFixtureLoads() throws {
    let runs = try loadRuns(from: [fixtureRuns])
    XCTAssertEqual(runs.count, 11)
    XCTAssertEqual(runs.first?.name, "fsdd-2x64-learned-seed0")
  }

  func testMissingMetricsIsMissingRun() throws {
    let run = try loadRun(at: fixtureRuns.appendingPathComponent("ssc-2x512-learned-seed1"))
    XCTAssertTrue(run.metrics.isEmpty)
    XCTAssertEqual(runStatus(run), "missing")
  }

  func testSampleLoads() throws {
    let run = try loadRun(at: fixtureRuns.appendingPathComponent("shd-2x256-learned-seed0"))
    XCTAssertEqual(run.sample?.frames.count, 30)
    XCTAssertEqual(run.sample?.className, "three")
  }

  func testSingleRunFolder() throws {
    let folder = fixtureRuns.appendingPathComponent("shd-2x128-none-seed0")
    XCTAssertEqual(try findRunFolders(in: folder), [folder])
  }

  func testMissingPathMessage() {
    let path = URL(fileURLWithPath: "/nonexistent/runs")
    XCTAssertThrowsError(try loadRuns(from: [path])) { error in
      XCTAssertEqual("\(error)", "/nonexistent/runs does not exist. Pass an existing run folder or a folder that contains run folders.")
    }
  }

  func testEmptyRootMessage() throws {
    let root = try makeTemporaryFolder(self)
    XCTAssertThrowsError(try loadRuns(from: [root])) { error in
      XCTAssertEqual("\(error)", "no run folders (folders with run.json) found in \(root.path). Check the paths, or train at least one run first.")
    }
  }

  func testMissingKeyMessage() throws {
    let root = try makeTemporaryFolder(self)
    let folder = root.appendingPathComponent("run")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(#"{"dataset": "shd", "input": "legacy", "seed": 0}"#.utf8).write(to: folder.appendingPathComponent("run.json"))
    XCTAssertThrowsError(try loadRun(at: folder)) { error in
      XCTAssertEqual("\(error)", "\(folder.path)/run.json is not a valid run file: missing key 'network' in the top level. Rewrite it with the training stage or fix the named field.")
    }
  }

  func testUnknownInputKindNamesField() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(), in: root)
    let text = try String(contentsOf: folder.appendingPathComponent("run.json"), encoding: .utf8)
      .replacingOccurrences(of: "\"legacy\"", with: "\"fancy\"")
    try Data(text.utf8).write(to: folder.appendingPathComponent("run.json"))
    XCTAssertThrowsError(try loadRun(at: folder)) { error in
      XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/run.json is not a valid run file: input: "), "\(error)")
    }
  }

  func testNotJSONMessage() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(), in: root)
    try Data("epoch 1: 0.5\n".utf8).write(to: folder.appendingPathComponent("metrics.json"))
    XCTAssertThrowsError(try loadRun(at: folder)) { error in
      XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/metrics.json is not a valid run file: not valid JSON"), "\(error)")
    }
  }

  func testEpochsOutOfOrder() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(), metrics: [epoch(1, test: 0.5), epoch(3, test: 0.6)], in: root)
    assertInvalidRun(folder, "entry 1 of metrics.json is epoch 3, expected 2 (epochs in order from 1)")
  }

  func testMoreEpochsThanPlanned() throws {
    let root = try makeTemporaryFolder(self)
    let metrics = (1...4).map { epoch($0, test: 0.5) }
    let folder = try writeRun(settings(), metrics: metrics, in: root)
    assertInvalidRun(folder, "metrics.json has 4 epochs but run.json plans 3")
  }

  func testValidationSplitNeedsValidation() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(validation: true), metrics: [epoch(1, test: 0.5)], in: root)
    assertInvalidRun(folder, "epoch 1 has no validation loss or accuracy, but run.json says the dataset has a validation split")
  }

  func testAccuracyMustBeFraction() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(), metrics: [epoch(1, test: 93.5)], in: root)
    assertInvalidRun(folder, "epoch 1 has accuracy 93.5, expected a fraction between 0 and 1")
  }

  func testHistogramCountMustMatchLayer() throws {
    let root = try makeTemporaryFolder(self)
    // Layer 1 has 4 x 3 pairs and layer 2 has 3 x 2 pairs; layer 2 here counts one too few.
    let histograms = [
      DelayHistogram(layer: 1, initial: [12, 0, 0, 0, 0], final: [0, 0, 12, 0, 0]),
      DelayHistogram(layer: 2, initial: [5, 0, 0, 0, 0], final: [0, 0, 6, 0, 0]),
    ]
    let folder = try writeRun(settings(histograms: histograms), in: root)
    assertInvalidRun(folder, "the initial delay histogram of layer 2 counts 5 delays, expected 6 (outputs x inputs x delaysPerSynapse)")
  }

  func testHistogramNeedsOneBinPerTap() throws {
    let root = try makeTemporaryFolder(self)
    let histograms = [
      DelayHistogram(layer: 1, initial: [12, 0, 0, 0], final: [0, 0, 12, 0, 0]),
      DelayHistogram(layer: 2, initial: [6, 0, 0, 0, 0], final: [0, 0, 6, 0, 0]),
    ]
    let folder = try writeRun(settings(histograms: histograms), in: root)
    assertInvalidRun(folder, "the initial delay histogram of layer 1 has 4 bins, expected 5 (one per kernel tap)")
  }

  func testNoDelayHasNoHistograms() throws {
    let root = try makeTemporaryFolder(self)
    let histograms = [DelayHistogram(layer: 1, initial: [12, 0, 0, 0, 0], final: [12, 0, 0, 0, 0])]
    let folder = try writeRun(settings(.none, histograms: histograms), in: root)
    assertInvalidRun(folder, "run.json has delay histograms, but the variant 'none' has no delays")
  }

  func testSampleWidthMustMatchInputs() throws {
    let root = try makeTemporaryFolder(self)
    let folder = try writeRun(settings(), in: root)
    let sample = InputSample(label: 1, frames: [[0, 1, 0, 0], [0, 0, 1]])
    try JSONEncoder().encode(sample).write(to: folder.appendingPathComponent("sample.json"))
    assertInvalidRun(folder, "frame 1 of sample.json has 3 values, expected 4 (the network's inputs)")
  }

  func testFileIsNotRunFolder() throws {
    let file = fixtureRuns.appendingPathComponent("shd-2x128-none-seed0/run.json")
    XCTAssertThrowsError(try findRunFolders(in: file)) { error in
      XCTAssertEqual(error as? ReportError, .runFileMissing(folder: file.path))
    }
  }
}
