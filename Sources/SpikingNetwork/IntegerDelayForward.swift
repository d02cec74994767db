import Dispatch

/// The forward products of integer delays on batch-major rows, for one row layout.
///
/// Input rows `(I, inputStride)` per sample contain input step `t` at column `t + K - 1`, with
/// zeros in the columns before and after the steps. Output `o` of a sample goes to the row at
/// `o * outputStride`, step `t` at column `outputOffset + t`. Runs of 64, 32 or 16 steps are
/// written, so columns up to `outputOffset + roundUp(outputSteps, 32)` may receive values; those
/// past `outputSteps` are values the caller discards.
///
/// Every output is `sum_i v[o,i,j] x[i, t + k[o,i,j]]`, summed over the channels in increasing
/// order with fused multiply-adds on runs of steps in vector registers. Spikes are sparse, so a
/// channel whose input is zero over a run is left out of that run. That changes no bit: its
/// products are zeros, and a sum that starts at +0 never becomes -0.
struct IntegerDelayPlan<R: Real> {
  let layer: IntegerDelays<R>
  let inputStride: Int
  let outputSteps: Int
  let outputStride: Int
  let outputOffset: Int
  /// Each weight's first input value as one offset from the start of a sample's rows (channel
  /// row plus tap), `(O, I, n)`, so that the vector loop does no index arithmetic beyond an
  /// addition. 32-bit offsets (checked in `init`) keep the weights' share of the cache small.
  let offsets: [Int32]

  init(_ layer: IntegerDelays<R>, inputStride: Int, outputSteps: Int, outputStride: Int, outputOffset: Int) {
    let (O, I, n) = (layer.outputs, layer.inputs, layer.count)
    let rounded = roundUp(outputSteps, block)
    precondition(inputStride >= rounded + layer.taps - 1 && outputStride >= outputOffset + rounded,
                 "IntegerDelays: strides \(inputStride) and \(outputStride) too short for \(outputSteps) steps")
    precondition(I * inputStride < Int(Int32.max), "IntegerDelays: \(I) rows of \(inputStride) values exceed 32-bit offsets")
    self.layer = layer
    self.inputStride = inputStride
    self.outputSteps = outputSteps
    self.outputStride = outputStride
    self.outputOffset = outputOffset
    var offsets = [Int32](repeating: 0, count: O * I * n)
    for o in 0..<O {
      for i in 0..<I {
        for j in 0..<n {
          let e = (o * I + i) * n + j
          offsets[e] = Int32(i * inputStride + layer.tap[e])
        }
      }
    }
    self.offsets = offsets
  }

  /// The number of `Int`s of scratch that `forwardSample` needs.
  var scratchCount: Int { layer.inputs }

  /// Computes all samples of `input` `(B, I, inputStride)` into `output` `(B, O, outputStride)`.
  func forward(_ input: UnsafePointer<R>, batch B: Int, into output: UnsafeMutablePointer<R>, skipsSilentChannels: Bool = true) {
    DispatchQueue.concurrentPerform(iterations: B) { b in
      let scratch = UnsafeMutablePointer<Int>.allocate(capacity: scratchCount)
      defer { scratch.deallocate() }
      forwardSample(input + b * layer.inputs * inputStride, scratch: scratch, into: output + b * layer.outputs * outputStride,
                    skipsSilentChannels: skipsSilentChannels)
    }
  }

  /// Computes one sample: `input` is its `(I, inputStride)` rows, `output` its `(O, outputStride)`
  /// rows, and `scratch` has room for `scratchCount` values. Without `skipsSilentChannels` every
  /// channel is multiplied over every run, which gives the same bits at the cost of a dense input
  /// (for the tests and the benchmark).
  func forwardSample(_ input: UnsafePointer<R>, scratch: UnsafeMutablePointer<Int>, into output: UnsafeMutablePointer<R>,
                     skipsSilentChannels: Bool = true) {
    offsets.withUnsafeBufferPointer { offsetBuffer in
      layer.value.withUnsafeBufferPointer { valueBuffer in
        var start = 0
        while start < outputSteps {
          // 64 steps at once while more than 32 are left, so each weight's offset and value are
          // read once for 64 steps. The last run has 32 or 16.
          let left = outputSteps - start
          let steps = left > 32 ? 64 : (left > 16 ? 32 : 16)
          var activeCount = 0
          for i in 0..<layer.inputs
          where !skipsSilentChannels || !allZero(input + i * inputStride + start, count: steps + layer.taps - 1) {
            scratch[activeCount] = i
            activeCount += 1
          }
          // Reading the channel list cost about a quarter more per channel than running through
          // all channels (measured on the SHD network), so a run with few silent channels takes
          // them all.
          if 4 * activeCount >= 3 * layer.inputs {
            for i in 0..<layer.inputs { scratch[i] = i }
            activeCount = layer.inputs
          }
          let run = ActiveChannels(list: scratch, count: activeCount, inputs: layer.inputs, perChannel: layer.count,
                                   offsets: offsetBuffer.baseAddress!, values: valueBuffer.baseAddress!)
          let (origin, target, O) = (input + start, output + outputOffset + start, layer.outputs)
          switch steps {
          case 64: run.accumulate(Accumulator64<R>.self, from: origin, outputs: O, into: target, outputStride: outputStride)
          case 32: run.accumulate(Accumulator32<R>.self, from: origin, outputs: O, into: target, outputStride: outputStride)
          default: run.accumulate(Accumulator16<R>.self, from: origin, outputs: O, into: target, outputStride: outputStride)
          }
          start += steps
        }
      }
    }
  }
}

/// The channels of one sample whose input is not all zero over a run of steps, in increasing
/// order, with the weights' precomputed offsets and values.
struct ActiveChannels<R: Real> {
  let list: UnsafeMutablePointer<Int>
  let count: Int
  /// The number of input channels, I; equal to `count` when no channel was left out.
  let inputs: Int
  /// Delays per synapse, n.
  let perChannel: Int
  let offsets: UnsafePointer<Int32>
  let values: UnsafePointer<R>

  /// Writes, for each output `o`, the sum over the active channels of value times shifted input
  /// to the `A.steps` columns from `target + o * outputStride`.
  ///
  /// The input rows of a group of `channelGroup` channels stay in the L1 cache while every output
  /// sums over them, and the partial sums wait in `target`. The sums still run over the channels
  /// in order, so the result does not change.
  @inline(__always)
  func accumulate<A: StepAccumulator>(_: A.Type, from origin: UnsafePointer<R>, outputs O: Int,
                                      into target: UnsafeMutablePointer<R>, outputStride: Int) where A.Scalar == R {
    let n = perChannel
    // With every channel active, the entries of one output are consecutive.
    let consecutive = n == 1 && count == inputs
    var firstActive = 0
    repeat {
      let lastActive = min(count, firstActive + channelGroup)
      for o in 0..<O {
        let row = UnsafeMutableRawPointer(target + o * outputStride)
        var sum = firstActive > 0 ? A(loading: row) : A()
        let weights = o * inputs
        if consecutive {
          for e in (weights + firstActive)..<(weights + lastActive) {
            sum.add(UnsafeRawPointer(origin + Int(offsets[e])), times: values[e])
          }
        } else if n == 1 {
          // One delay per synapse, as in the SHD and SSC networks: one entry per channel.
          for a in firstActive..<lastActive {
            let e = weights + list[a]
            sum.add(UnsafeRawPointer(origin + Int(offsets[e])), times: values[e])
          }
        } else {
          for a in firstActive..<lastActive {
            let first = (weights + list[a]) * n
            for e in first..<(first + n) {
              sum.add(UnsafeRawPointer(origin + Int(offsets[e])), times: values[e])
            }
          }
        }
        sum.store(to: row)
      }
      firstActive = lastActive
    } while firstActive < count
  }
}

/// Sums for a run of `steps` consecutive output steps of the forward kernel, held in registers.
protocol StepAccumulator {
  associatedtype Scalar: Real
  static var steps: Int { get }
  /// Zero sums.
  init()
  init(loading source: UnsafeMutableRawPointer)
  /// Adds `weight` times the `steps` values from `source`, with fused multiply-adds.
  mutating func add(_ source: UnsafeRawPointer, times weight: Scalar)
  func store(to target: UnsafeMutableRawPointer)
}

/// 16 steps: one 16-lane vector.
struct Accumulator16<R: Real>: StepAccumulator {
  var sum = SIMD16<R>(repeating: 0)
  static var steps: Int { 16 }

  @inline(__always) init() {}

  @inline(__always)
  init(loading source: UnsafeMutableRawPointer) {
    sum = source.loadUnaligned(as: SIMD16<R>.self)
  }

  @inline(__always)
  mutating func add(_ source: UnsafeRawPointer, times weight: R) {
    sum.addProduct(source.loadUnaligned(as: SIMD16<R>.self), SIMD16<R>(repeating: weight))
  }

  @inline(__always)
  func store(to target: UnsafeMutableRawPointer) {
    target.storeBytes(of: sum, as: SIMD16<R>.self)
  }
}

/// 32 steps: one block, two 16-lane vectors.
struct Accumulator32<R: Real>: StepAccumulator {
  var low = SIMD16<R>(repeating: 0)
  var high = SIMD16<R>(repeating: 0)
  static var steps: Int { 32 }
  private static var half: Int { 16 * MemoryLayout<R>.stride }

  @inline(__always) init() {}

  @inline(__always)
  init(loading source: UnsafeMutableRawPointer) {
    low = source.loadUnaligned(as: SIMD16<R>.self)
    high = source.loadUnaligned(fromByteOffset: Self.half, as: SIMD16<R>.self)
  }

  @inline(__always)
  mutating func add(_ source: UnsafeRawPointer, times weight: R) {
    let w = SIMD16<R>(repeating: weight)
    low.addProduct(source.loadUnaligned(as: SIMD16<R>.self), w)
    high.addProduct(source.loadUnaligned(fromByteOffset: Self.half, as: SIMD16<R>.self), w)
  }

  @inline(__always)
  func store(to target: UnsafeMutableRawPointer) {
    target.storeBytes(of: low, as: SIMD16<R>.self)
    target.storeBytes(of: high, toByteOffset: Self.half, as: SIMD16<R>.self)
  }
}

/// 64 steps: two blocks, four 16-lane vectors.
struct Accumulator64<R: Real>: StepAccumulator {
  var first = Accumulator32<R>()
  var second = Accumulator32<R>()
  static var steps: Int { 64 }
  private static var half: Int { 32 * MemoryLayout<R>.stride }

  @inline(__always) init() {}

  @inline(__always)
  init(loading source: UnsafeMutableRawPointer) {
    first = Accumulator32(loading: source)
    second = Accumulator32(loading: source + Self.half)
  }

  @inline(__always)
  mutating func add(_ source: UnsafeRawPointer, times weight: R) {
    first.add(source, times: weight)
    second.add(source + Self.half, times: weight)
  }

  @inline(__always)
  func store(to target: UnsafeMutableRawPointer) {
    first.store(to: target)
    second.store(to: target + Self.half)
  }
}

/// Returns whether the `count` values from `first` are all zero (either sign); a NaN or an
/// infinity is not zero.
@inline(__always)
func allZero<R: Real>(_ first: UnsafePointer<R>, count: Int) -> Bool {
  // The bit patterns without the sign bit, ORed together with no early exit, so that the loop
  // vectorises: the runs are short and mostly zero.
  let raw = UnsafeRawPointer(first)
  if MemoryLayout<R>.size == 4 {
    let bits = raw.assumingMemoryBound(to: UInt32.self)
    var any: UInt32 = 0
    for k in 0..<count { any |= bits[k] & 0x7fff_ffff }
    return any == 0
  }
  precondition(MemoryLayout<R>.size == 8, "allZero: values of \(MemoryLayout<R>.size) bytes")
  let bits = raw.assumingMemoryBound(to: UInt64.self)
  var any: UInt64 = 0
  for k in 0..<count { any |= bits[k] & 0x7fff_ffff_ffff_ffff }
  return any == 0
}
