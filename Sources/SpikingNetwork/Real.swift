@_exported import Datasets

import CBLAS
import Foundation

/// The scalar types the engine computes in: `Float` for training and evaluation, `Double` for the
/// finite-difference gradient tests.
///
/// Shape legend used across this module: T time steps, B batch, I inputs, O outputs, H hidden
/// channels, K kernel taps, n delays per synapse, C classes. Buffers are row-major and time-major,
/// `(T, B, channels)`, unless their doc comment says otherwise.
public protocol Real: BinaryFloatingPoint, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
  /// `exp(x)`.
  static func exponential(_ x: Self) -> Self
  /// Natural logarithm.
  static func logarithm(_ x: Self) -> Self
  /// Square root.
  static func squareRoot(_ x: Self) -> Self
  /// `atan(x)`, used only by the smooth spike function of the gradient tests.
  static func arcTangent(_ x: Self) -> Self
  /// `C = alpha * op(A) * op(B) + beta * C` through CBLAS, row-major; `op(A)` is `M x K`,
  /// `op(B)` is `K x N`, `C` is `M x N`.
  static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
    c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always)
private func blasTranspose(_ flag: Bool) -> CBLAS_TRANSPOSE { flag ? CblasTrans : CblasNoTrans }

extension Float: Real {
  public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
  public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
  public static func squareRoot(_ x: Float) -> Float { x.squareRoot() }
  public static func arcTangent(_ x: Float) -> Float { Foundation.atan(x) }
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n),
      Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension Double: Real {
  public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
  public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
  public static func squareRoot(_ x: Double) -> Double { x.squareRoot() }
  public static func arcTangent(_ x: Double) -> Double { Foundation.atan(x) }
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n),
      Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// OpenBLAS's name for the kernel it selected on this CPU, e.g. "Haswell" or "SkylakeX".
public func blasCoreName() -> String {
  guard let name = openblas_get_corename() else { return "unknown" }
  return String(cString: name)
}

/// Sets the number of threads OpenBLAS uses for each product.
public func setBLASThreads(_ count: Int) {
  openblas_set_num_threads(Int32(max(1, count)))
}

/// A trained tensor and its gradient, in the same layout.
public struct Parameter<R: Real> {
  /// The reference's `state_dict` name, e.g. `model.0.weight`.
  public var name: String
  /// The shape as the reference stores it.
  public var shape: [Int]
  public var value: [R]
  /// Accumulated gradient; backward passes add into it, `zeroGradients` clears it.
  public var gradient: [R]

  public init(name: String, shape: [Int], value: [R]) {
    precondition(shape.reduce(1, *) == value.count, "Parameter \(name): shape \(shape) for \(value.count) values")
    self.name = name
    self.shape = shape
    self.value = value
    self.gradient = [R](repeating: 0, count: value.count)
  }

  /// Sets the gradient to zero.
  public mutating func zeroGradient() {
    for index in gradient.indices { gradient[index] = 0 }
  }
}
