import SpikingNetwork
import XCTest

@testable import Reports

final class ParameterCountTests: XCTestCase {
  func network(_ variant: DelayVariant, layers: Int, hidden: Int, outputs: Int, n: Int, batchNorm: Bool = true) -> NetworkConfig {
    NetworkConfig(
      variant: variant, inputs: 140, hidden: hidden, hiddenLayers: layers, outputs: outputs, taps: 25,
      delaysPerSynapse: n, tau: 1.005, batchNorm: batchNorm, dropout: 0.4)
  }

  func testPaperSHDNetwork() {
    XCTAssertEqual(parameterCount(of: network(.learned, layers: 2, hidden: 256, outputs: 20, n: 1)), 214_016)
  }

  func testPaperSSCTwoLayers() {
    XCTAssertEqual(parameterCount(of: network(.learned, layers: 2, hidden: 512, outputs: 35, n: 2)), 1_409_024)
  }

  func testPaperSSCThreeLayers() {
    XCTAssertEqual(parameterCount(of: network(.learned, layers: 3, hidden: 512, outputs: 35, n: 2)), 2_458_624)
  }

  func testNoDelayCountsWeightsOnly() {
    // 140*256 + 256*256 + 256*20 weights and 2*2*256 batch-norm parameters.
    XCTAssertEqual(parameterCount(of: network(.none, layers: 2, hidden: 256, outputs: 20, n: 1)), 106_496 + 1_024)
  }

  func testNoDelayIgnoresPairsPerSynapse() {
    XCTAssertEqual(
      parameterCount(of: network(.none, layers: 2, hidden: 256, outputs: 20, n: 2)),
      parameterCount(of: network(.none, layers: 2, hidden: 256, outputs: 20, n: 1)))
  }

  func testFixedCountsPositions() {
    XCTAssertEqual(
      parameterCount(of: network(.fixed, layers: 2, hidden: 256, outputs: 20, n: 1)),
      parameterCount(of: network(.learned, layers: 2, hidden: 256, outputs: 20, n: 1)))
  }

  func testWithoutBatchNorm() {
    XCTAssertEqual(parameterCount(of: network(.learned, layers: 2, hidden: 256, outputs: 20, n: 1, batchNorm: false)), 212_992)
  }
}
