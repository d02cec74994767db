/// Dense synapses of the no-delay variant: one linear map per time step, no bias.
///
/// Shape legend: T steps, B batch, I inputs, O outputs. The sequence length is unchanged.
public struct DenseSynapse<R: Real> {
  public let inputs: Int
  public let outputs: Int
  /// Weights `(O, I)`, named `model.<i>.weight`.
  public var weight: Parameter<R>

  public init(inputs: Int, outputs: Int, moduleIndex: Int) {
    self.inputs = inputs
    self.outputs = outputs
    weight = Parameter(name: "model.\(moduleIndex).weight", shape: [outputs, inputs],
                       value: [R](repeating: 0, count: outputs * inputs))
  }

  /// Draws weights Kaiming-uniform for ReLU, `bound = sqrt(6 / I)`.
  public mutating func initialise(using generator: inout SeededGenerator) {
    let bound = (6.0 / Double(inputs)).squareRoot()
    for index in weight.value.indices {
      weight.value[index] = R(-bound + 2 * bound * generator.nextUnitDouble())
    }
  }

  /// `y = x W^T`: `input` `(T, B, I)` to `(T, B, O)`.
  public func forward(_ input: [R], rows: Int) -> [R] {
    precondition(input.count == rows * inputs, "DenseSynapse.forward: \(input.count) values for (\(rows), \(inputs))")
    var output = [R](repeating: 0, count: rows * outputs)
    input.withUnsafeBufferPointer { x in
      weight.value.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          R.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs, alpha: 1,
                 a: x.baseAddress!, lda: inputs, b: w.baseAddress!, ldb: inputs, beta: 0,
                 c: y.baseAddress!, ldc: outputs)
        }
      }
    }
    return output
  }

  /// Backward of `forward`: adds `dW += dy^T x` and returns `dx = dy W` when asked.
  public mutating func backward(_ outputGradient: [R], input: [R], rows: Int, needsInputGradient: Bool) -> [R] {
    let (I, O) = (inputs, outputs)
    outputGradient.withUnsafeBufferPointer { dy in
      input.withUnsafeBufferPointer { x in
        weight.gradient.withUnsafeMutableBufferPointer { dw in
          R.gemm(transposeA: true, transposeB: false, m: O, n: I, k: rows, alpha: 1,
                 a: dy.baseAddress!, lda: O, b: x.baseAddress!, ldb: I, beta: 1,
                 c: dw.baseAddress!, ldc: I)
        }
      }
    }
    guard needsInputGradient else { return [] }
    var inputGradient = [R](repeating: 0, count: rows * I)
    outputGradient.withUnsafeBufferPointer { dy in
      weight.value.withUnsafeBufferPointer { w in
        inputGradient.withUnsafeMutableBufferPointer { dx in
          R.gemm(transposeA: false, transposeB: false, m: rows, n: I, k: O, alpha: 1,
                 a: dy.baseAddress!, lda: O, b: w.baseAddress!, ldb: I, beta: 0,
                 c: dx.baseAddress!, ldc: I)
        }
      }
    }
    return inputGradient
  }
}
