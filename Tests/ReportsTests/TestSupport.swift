import Foundation
import SpikingNetwork
import XCTest

@testable import Reports

/// The folder of this test target's fixtures, in the source tree.
let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
let fixtureRuns = goldenFolder.appendingPathComponent("runs")
let expectedFolder = goldenFolder.appendingPathComponent("expected")

/// Settings with a fixed machine and software list, so the README does not depend on the host.
func fixedSettings(gnuplot: String = "gnuplot", rendersFigures: Bool = true) -> ReportSettings {
  ReportSettings(
    pipeline: "golden",
    stages: [
      StageRecord(stage: "fetch shd", key: "3f2a9c0d", wallSeconds: 12.4),
      StageRecord(stage: "preprocess shd legacy", key: "77b1e0aa", wallSeconds: 95),
      StageRecord(stage: "train shd learned seed 0", key: "c0ffee12", wallSeconds: 7385),
      StageRecord(stage: "report", key: "0badf00d"),
    ],
    software: [SoftwareVersion(name: "Swift compiler", version: "6.3"), SoftwareVersion(name: "gnuplot", version: "gnuplot 5.4 patchlevel 4")],
    machine: MachineInfo(cpuModel: "Example CPU 3000", cores: 8), gnuplot: gnuplot,
    rendersFigures: rendersFigures)
}

/// Compares `actual` with the golden file `relativePath` under `expected/`, or records it when
/// DCLS_DELAYS_RECORD_GOLDEN=1 (and fails, so that a recording run never passes).
func assertGolden(_ actual: String, _ relativePath: String, file: StaticString = #filePath, line: UInt = #line) {
  let url = expectedFolder.appendingPathComponent(relativePath)
  if ProcessInfo.processInfo.environment["DCLS_DELAYS_RECORD_GOLDEN"] == "1" {
    try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try! Data(actual.utf8).write(to: url)
    XCTFail("re-recorded \(relativePath); run the tests again without DCLS_DELAYS_RECORD_GOLDEN to check it", file: file, line: line)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    XCTFail("golden file \(relativePath) is missing; record it with DCLS_DELAYS_RECORD_GOLDEN=1", file: file, line: line)
    return
  }
  guard actual != expected else { return }
  let actualLines = actual.components(separatedBy: "\n")
  let expectedLines = expected.components(separatedBy: "\n")
  let index = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
  let got = index < actualLines.count ? actualLines[index] : "<end of text>"
  let wanted = index < expectedLines.count ? expectedLines[index] : "<end of text>"
  XCTFail("\(relativePath) differs at line \(index + 1):\n  expected: \(wanted)\n  actual:   \(got)", file: file, line: line)
}

/// Creates an empty folder under the temporary directory that the test case's teardown removes.
func makeTemporaryFolder(_ testCase: XCTestCase) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("reports-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
  return url
}

/// Makes a small network for hand-written runs.
func smallNetwork(_ variant: DelayVariant = .learned) -> NetworkConfig {
  NetworkConfig(variant: variant, inputs: 4, hidden: 3, hiddenLayers: 1, outputs: 2, taps: 5, delaysPerSynapse: 1, tau: 1.5, dropout: 0.25)
}

/// Makes an epoch with the given accuracies and plausible other values.
func epoch(_ number: Int, test: Double, valid: Double? = nil) -> EpochMetrics {
  EpochMetrics(
    epoch: number, trainLoss: 1, trainAccuracy: 0.5, validLoss: valid.map { _ in 1 }, validAccuracy: valid,
    testLoss: 1, testAccuracy: test, trainSeconds: 2, evalSeconds: 1, learningRate: 1e-3, sigma: 0,
    meanPositionChange: 0)
}
