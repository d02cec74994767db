import XCTest
@testable import SpikingNetwork

/// Finite-difference tolerance for Double: central differences with step 1e-6 have truncation
/// error about 1e-12 relative to the curvature and rounding error about 1e-10, so agreement to
/// 1e-6 (relative to the larger magnitude, floored at 1) shows the analytic gradient is right.
let finiteDifferenceStep = 1e-6
let finiteDifferenceTolerance = 1e-6

/// Compares an analytic gradient with central differences of `loss` around `values`, reporting
/// the worst index.
func assertGradient(
  _ name: String, analytic: [Double], values: [Double], loss: ([Double]) -> Double,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(analytic.count, values.count, "\(name): gradient length", file: file, line: line)
  var worst = (index: -1, error: 0.0, analytic: 0.0, numeric: 0.0)
  for index in values.indices {
    var plus = values
    plus[index] += finiteDifferenceStep
    var minus = values
    minus[index] -= finiteDifferenceStep
    let numeric = (loss(plus) - loss(minus)) / (2 * finiteDifferenceStep)
    let error = abs(numeric - analytic[index]) / max(1, abs(numeric), abs(analytic[index]))
    if error > worst.error { worst = (index, error, analytic[index], numeric) }
  }
  XCTAssertLessThan(worst.error, finiteDifferenceTolerance,
                    "\(name): index \(worst.index) analytic \(worst.analytic) numeric \(worst.numeric)",
                    file: file, line: line)
}

/// Values in [-scale, scale) from a seeded generator.
func randomValues(_ count: Int, scale: Double = 1, seed: UInt64) -> [Double] {
  var generator = SeededGenerator(seed: seed)
  return (0..<count).map { _ in scale * (2 * generator.nextUnitDouble() - 1) }
}

/// `sum(weights * values)`, the scalar a layer test differentiates.
func dot(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}
