import XCTest
@testable import SpikingNetwork

/// `EngineBenchmark.run` on networks small enough for a debug build.
final class BenchmarkTests: XCTestCase {
  func tinyCase(_ variant: DelayVariant) -> EngineBenchmark.Case {
    EngineBenchmark.Case(name: "tiny", config: NetworkConfig(variant: variant, inputs: 12, hidden: 16, hiddenLayers: 2, outputs: 4,
                                                             taps: 5, delaysPerSynapse: 1, tau: 1.5, dropout: 0.1),
                         batch: 4, steps: 20, density: 0.2)
  }

  func testDelayModelsTimeBothEvaluations() {
    for variant in [DelayVariant.fixed, .learned] {
      let result = EngineBenchmark.run(tinyCase(variant), repeats: 1)
      XCTAssertGreaterThan(result.trainSeconds, 0, "\(variant)")
      XCTAssertGreaterThan(result.evalSeconds, 0, "\(variant)")
      XCTAssertGreaterThan(result.evalGFLOPs, 0, "\(variant)")
      XCTAssertGreaterThan(result.skippingEvalSeconds ?? 0, 0, "\(variant)")
      XCTAssert((0...1).contains(result.hiddenSpikeDensity), "\(variant)")
    }
  }

  func testNoDelayHasNoSkippingTime() {
    let result = EngineBenchmark.run(tinyCase(.none), repeats: 1)
    XCTAssertNil(result.skippingEvalSeconds)
    XCTAssertGreaterThan(result.evalSeconds, 0)
  }
}
