import Dispatch

/// DCLS synapses with one integer delay per weight: the fixed-delay variant in training, and every
/// delay model in evaluation (sigma 0, triangle kernel, rounded positions).
///
/// With sigma 0 and an integer position the triangle bump is a single tap worth
/// `1 / (1 + 1e-7)`, so `y[t, b, o] = sum_{i,j} v[o,i,j] * x[t + k[o,i,j] - (K-1), b, i]` with
/// `v = w / (1 + 1e-7)`. That costs what a dense layer costs: O I n multiply-adds per step and
/// sample, not K times more. The products run over time with batch-major copies
/// `(B, channels, steps)` so that each weight multiplies a contiguous run of steps.
///
/// Shape legend: T input steps, B batch, I inputs, O outputs, n delays per synapse, K taps,
/// E = (K-1)/2 appended steps.
public struct IntegerDelays<R: Real> {
  public let inputs: Int
  public let outputs: Int
  public let count: Int
  public let taps: Int
  /// Tap index `k` of each weight, `(O, I, n)`.
  public var tap: [Int]
  /// Tap value `w / (1 + 1e-7)`, `(O, I, n)`.
  public var value: [R]
  /// The normalised single-tap bump `1 / (1 + 1e-7)`, which the weight gradient is scaled by.
  let bump: R

  /// Builds the integer-delay view of `synapse`, rounding its positions half to even and clamping
  /// them as the evaluation does.
  public init(_ synapse: DelaySynapse<R>) {
    inputs = synapse.inputs
    outputs = synapse.outputs
    count = synapse.count
    taps = synapse.taps
    var rounded = synapse
    rounded.roundPositions()
    // The triangle bump with s = 1 at an integer position: g = 1 at one tap, sum 1.
    bump = 1 / (1 + R(bumpNormalisationEpsilon))
    let centre = taps / 2
    tap = rounded.position.value.map { Int($0) + centre }
    value = rounded.weight.value.map { $0 * (1 / (1 + R(bumpNormalisationEpsilon))) }
  }

  var extraSteps: Int { (taps - 1) / 2 }
}

/// The state `IntegerDelays.forward` keeps for its backward.
public struct IntegerDelaysCache<R: Real> {
  /// The input, batch-major and zero-padded: `(B, I, stride)`, step `t` of the input at
  /// column `t + K - 1`.
  var input: [R]
  var stride: Int
  var steps: Int
  var batch: Int
}

/// The steps the backward kernels handle at once (two SIMD16 accumulators), and the multiple the
/// row strides are rounded to.
let block = 32

/// Input channels whose rows one pass of the forward kernel reads: 64 rows of 64 + K - 1 steps
/// are at most 24 KiB for K up to 33, three quarters of a typical 32 KiB L1 data cache. Groups
/// of 32 and 128 were slower on the SHD network.
let channelGroup = 64

@inline(__always)
func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }

extension IntegerDelays {
  /// Forward: `input` `(T, B, I)` to `(T + E, B, O)`.
  public func forward(_ input: [R], steps T: Int, batch B: Int) -> (output: [R], cache: IntegerDelaysCache<R>) {
    precondition(input.count == T * B * inputs, "IntegerDelays.forward: \(input.count) values for (\(T), \(B), \(inputs))")
    let (O, I, K) = (outputs, inputs, taps)
    let outputSteps = T + extraSteps
    let rounded = roundUp(outputSteps, block)
    // Every read `t + k` with t < rounded and k < K stays inside the row.
    let stride = rounded + K - 1
    var batchMajor = [R](repeating: 0, count: B * I * stride)
    transposeIn(input, steps: T, batch: B, channels: I, into: &batchMajor, stride: stride, offset: K - 1)
    var result = [R](repeating: 0, count: B * O * rounded)
    let plan = IntegerDelayPlan(self, inputStride: stride, outputSteps: outputSteps, outputStride: rounded, outputOffset: 0)
    batchMajor.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { y in plan.forward(x.baseAddress!, batch: B, into: y.baseAddress!) }
    }
    var output = [R](repeating: 0, count: outputSteps * B * O)
    transposeOut(result, stride: rounded, steps: outputSteps, batch: B, channels: O, into: &output)
    return (output, IntegerDelaysCache(input: batchMajor, stride: stride, steps: T, batch: B))
  }

  /// Returns the row stride a batch-major input needs for `outputSteps` output steps: the output
  /// rounded up to the vector block, plus K - 1 leading zero columns.
  func inputStride(outputSteps: Int) -> Int { roundUp(outputSteps, block) + taps - 1 }

  /// Backward: returns `(dL/dvalue (O, I, n), dL/dinput (T, B, I) or empty)`. The caller turns
  /// the value gradient into a weight gradient with `bump`.
  public func backward(_ outputGradient: [R], cache: IntegerDelaysCache<R>, needsInputGradient: Bool)
    -> (valueGradient: [R], inputGradient: [R])
  {
    let (O, I, n, K) = (outputs, inputs, count, taps)
    let (T, B, stride) = (cache.steps, cache.batch, cache.stride)
    let outputSteps = T + extraSteps
    precondition(outputGradient.count == outputSteps * B * O, "IntegerDelays.backward: \(outputGradient.count) values for (\(outputSteps), \(B), \(O))")
    // dy batch-major `(B, O, gradientStride)`, step s at column s + K - 1 and zero elsewhere, so
    // that the input gradient can read `s - k + K - 1` for any tap without bounds checks.
    let inputRounded = roundUp(T, block)
    let gradientStride = max(roundUp(outputSteps, block), inputRounded) + 2 * (K - 1)
    var dy = [R](repeating: 0, count: B * O * gradientStride)
    transposeIn(outputGradient, steps: outputSteps, batch: B, channels: O, into: &dy, stride: gradientStride, offset: K - 1)
    var valueGradient = [R](repeating: 0, count: O * I * n)
    let dotLength = roundUp(outputSteps, block)
    // forward: y[b, o, t] += v[o,i,j] * x[b, i, t + k], so dv[o,i,j] = sum_{b,t} dy[b,o,t] x[b,i,t+k].
    // Sixteen outputs at a time go through the batch, so that a sample's input rows are read from
    // the cache by all sixteen (8 and 4 were slower on the SHD network). Each dv still sums over
    // the samples in order.
    let outputBlock = 16
    dy.withUnsafeBufferPointer { dyBuffer in
      cache.input.withUnsafeBufferPointer { xBuffer in
        valueGradient.withUnsafeMutableBufferPointer { dvBuffer in
          tap.withUnsafeBufferPointer { taps in
            let (dyBase, xBase, dvBase, tapBase) = (dyBuffer.baseAddress!, xBuffer.baseAddress!, dvBuffer.baseAddress!, taps.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: (O + outputBlock - 1) / outputBlock) { blockIndex in
              let outputRange = (blockIndex * outputBlock)..<min(O, (blockIndex + 1) * outputBlock)
              for b in 0..<B {
                for o in outputRange {
                  let gradientRow = dyBase + (b * O + o) * gradientStride + (K - 1)
                  for i in 0..<I {
                    let channel = xBase + (b * I + i) * stride
                    for e in ((o * I + i) * n)..<((o * I + i + 1) * n) {
                      let source = channel + tapBase[e]
                      var sum = SIMD16<R>(repeating: 0)
                      var start = 0
                      while start < dotLength {
                        let g = UnsafeRawPointer(gradientRow + start).loadUnaligned(as: SIMD16<R>.self)
                        let x = UnsafeRawPointer(source + start).loadUnaligned(as: SIMD16<R>.self)
                        sum.addProduct(g, x)
                        start += 16
                      }
                      dvBase[e] += sum.sum()
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    guard needsInputGradient else { return (valueGradient, []) }
    // and dx[b, i, u] = sum_{o,j} v[o,i,j] * dy[b, o, u + K-1 - k[o,i,j]] for input step u.
    var transposedTap = [Int](repeating: 0, count: I * O * n)
    var transposedValue = [R](repeating: 0, count: I * O * n)
    for o in 0..<O {
      for i in 0..<I {
        for j in 0..<n {
          transposedTap[(i * O + o) * n + j] = K - 1 - tap[(o * I + i) * n + j]
          transposedValue[(i * O + o) * n + j] = value[(o * I + i) * n + j]
        }
      }
    }
    var result = [R](repeating: 0, count: B * I * inputRounded)
    dy.withUnsafeBufferPointer { dyBuffer in
      result.withUnsafeMutableBufferPointer { dxBuffer in
        transposedTap.withUnsafeBufferPointer { taps in
          transposedValue.withUnsafeBufferPointer { values in
            let (dyBase, dxBase, tapBase, valueBase) = (dyBuffer.baseAddress!, dxBuffer.baseAddress!, taps.baseAddress!, values.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: B) { b in
              for i in 0..<I {
                let row = dxBase + (b * I + i) * inputRounded
                let entries = i * O * n
                var start = 0
                while start < inputRounded {
                  var low = SIMD16<R>(repeating: 0)
                  var high = SIMD16<R>(repeating: 0)
                  var e = entries
                  for o in 0..<O {
                    // dy column of step s is s + K - 1; s = u + K-1 - k, shifted by K - 1 more.
                    let channel = dyBase + (b * O + o) * gradientStride + start + (K - 1)
                    for _ in 0..<n {
                      let source = UnsafeRawPointer(channel + tapBase[e])
                      let weight = SIMD16<R>(repeating: valueBase[e])
                      low.addProduct(source.loadUnaligned(as: SIMD16<R>.self), weight)
                      high.addProduct(source.loadUnaligned(fromByteOffset: 16 * MemoryLayout<R>.stride, as: SIMD16<R>.self), weight)
                      e += 1
                    }
                  }
                  UnsafeMutableRawPointer(row + start).storeBytes(of: low, as: SIMD16<R>.self)
                  UnsafeMutableRawPointer(row + start + 16).storeBytes(of: high, as: SIMD16<R>.self)
                  start += block
                }
              }
            }
          }
        }
      }
    }
    var inputGradient = [R](repeating: 0, count: T * B * I)
    transposeOut(result, stride: inputRounded, steps: T, batch: B, channels: I, into: &inputGradient)
    return (valueGradient, inputGradient)
  }

  /// Computes `forward` with plain loops, kept as the reference for its tests.
  public func forwardReference(_ input: [R], steps T: Int, batch B: Int) -> [R] {
    let (O, I, n, K) = (outputs, inputs, count, taps)
    let outputSteps = T + extraSteps
    var output = [R](repeating: 0, count: outputSteps * B * O)
    for t in 0..<outputSteps {
      for b in 0..<B {
        for o in 0..<O {
          var sum: R = 0
          for i in 0..<I {
            for j in 0..<n {
              let source = t + tap[(o * I + i) * n + j] - (K - 1)
              if source >= 0 && source < T {
                sum += value[(o * I + i) * n + j] * input[(source * B + b) * I + i]
              }
            }
          }
          output[(t * B + b) * O + o] = sum
        }
      }
    }
    return output
  }
}

/// Copies `(T, B, C)` time-major values into batch-major rows `(B, C, stride)` starting at
/// column `offset`; other columns are left as they are (zero).
func transposeIn<R: Real>(_ source: [R], steps T: Int, batch B: Int, channels C: Int, into destination: inout [R], stride: Int, offset: Int) {
  source.withUnsafeBufferPointer { s in
    destination.withUnsafeMutableBufferPointer { d in
      let (sBase, dBase) = (s.baseAddress!, d.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: B) { b in
        for t in 0..<T {
          let row = sBase + (t * B + b) * C
          for c in 0..<C {
            dBase[(b * C + c) * stride + offset + t] = row[c]
          }
        }
      }
    }
  }
}

/// Copies batch-major rows `(B, C, stride)` back into `(T, B, C)` time-major values.
func transposeOut<R: Real>(_ source: [R], stride: Int, steps T: Int, batch B: Int, channels C: Int, into destination: inout [R]) {
  source.withUnsafeBufferPointer { s in
    destination.withUnsafeMutableBufferPointer { d in
      let (sBase, dBase) = (s.baseAddress!, d.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: B) { b in
        // Sixteen rows at a time: their values at one step fill one 64-byte line of the
        // destination, and the rows stay in the L1 cache from one step to the next.
        for first in Swift.stride(from: 0, to: C, by: 16) {
          let last = min(C, first + 16)
          for t in 0..<T {
            let row = dBase + (t * B + b) * C
            for c in first..<last { row[c] = sBase[(b * C + c) * stride + t] }
          }
        }
      }
    }
  }
}
