import Dispatch
import Foundation

/// The evaluation of a delay model, sample by sample from the first layer to the readout.
///
/// With one integer delay per weight, each synapse layer multiplies runs of consecutive steps of
/// one input channel (`IntegerDelayPlan.forwardSample`), which needs rows `(C, steps)` per sample.
/// Batch norm and LIF neurons work on such rows as well as on time-major values, so this path
/// keeps every activation in rows and transposes only the input and the output. One sample's rows
/// of every layer fit in the L2 cache, so each worker takes its samples through all layers before
/// the next, and nothing but the input and the readout goes through main memory. It computes what
/// `Network.forward` computes on the time-major path, to the last bit: the products and sums run
/// in the same order.
///
/// Row layout between layers: `(C, stride)`, step `t` at column `t + K - 1`, zeros in the K - 1
/// columns before and in every column after the valid steps, as the next layer's padding.
extension Network {
  /// Runs the evaluation on `input` `(T, B, I)`. The samples are split into `chunks` groups of
  /// consecutive samples, by default four per core. `skipsSilentChannels` is passed on to
  /// `IntegerDelayPlan.forwardSample`.
  func forwardEvaluationBatchMajor(_ input: [R], steps T: Int, batch B: Int, chunks: Int? = nil,
                                   skipsSilentChannels: Bool = true) -> ForwardPass<R> {
    let L = config.hiddenLayers
    let K = config.taps
    let E = (K - 1) / 2
    let plans = (0...L).map { layer -> LayerPlan<R> in
      guard case .delay(let delay) = synapses[layer] else { preconditionFailure("batch-major evaluation needs DCLS layers") }
      let kernel = IntegerDelays(delay)
      let outputSteps = T + (layer + 1) * E
      // The readout's rows need no padding; a hidden layer's rows are the next layer's input.
      let isReadout = layer == L
      let delays = IntegerDelayPlan(kernel, inputStride: kernel.inputStride(outputSteps: outputSteps), outputSteps: outputSteps,
                                    outputStride: isReadout ? roundUp(outputSteps, block) : roundUp(outputSteps + E, block) + K - 1,
                                    outputOffset: isReadout ? 0 : K - 1)
      return LayerPlan(delays: delays, isHidden: !isReadout, normalisation: isReadout ? nil : normalisation(layer))
    }
    let (inputs, outputs) = (config.inputs, config.outputs)
    let finalSteps = plans[L].delays.outputSteps
    let (firstStride, lastStride) = (plans[0].delays.inputStride, plans[L].delays.outputStride)
    var output = [R](repeating: 0, count: finalSteps * B * outputs)
    let (tau, threshold, readoutTau) = (R(neurons.tau), neurons.threshold, R(readout.tau))
    // Each chunk has its own rows, zeroed once. Every sample writes the same columns, so the
    // padding columns stay zero from one sample to the next.
    let chunks = min(B, max(1, chunks ?? ProcessInfo.processInfo.activeProcessorCount * 4))
    input.withUnsafeBufferPointer { inputBuffer in
      output.withUnsafeMutableBufferPointer { outputBuffer in
        let (source, destination) = (inputBuffer.baseAddress!, outputBuffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
          let rows = plans.map { UnsafeMutableBufferPointer<R>.allocate(capacity: $0.delays.layer.inputs * $0.delays.inputStride) }
          let last = UnsafeMutableBufferPointer<R>.allocate(capacity: outputs * lastStride)
          let scratch = UnsafeMutablePointer<Int>.allocate(capacity: plans.map(\.delays.scratchCount).max()!)
          defer {
            rows.forEach { $0.deallocate() }
            last.deallocate()
            scratch.deallocate()
          }
          rows.forEach { $0.initialize(repeating: 0) }
          last.initialize(repeating: 0)
          for b in (chunk * B / chunks)..<((chunk + 1) * B / chunks) {
            // The input of sample b, transposed to rows from column K - 1.
            let first = rows[0].baseAddress!
            for t in 0..<T {
              let step = source + (t * B + b) * inputs
              for c in 0..<inputs { first[c * firstStride + K - 1 + t] = step[c] }
            }
            for layer in 0...L {
              let (plan, delays) = (plans[layer], plans[layer].delays)
              let target = layer == L ? last.baseAddress! : rows[layer + 1].baseAddress!
              delays.forwardSample(UnsafePointer(rows[layer].baseAddress!), scratch: scratch, into: target,
                                   skipsSilentChannels: skipsSilentChannels)
              if plan.isHidden {
                fireHidden(target + delays.outputOffset, rows: config.hidden, stride: delays.outputStride,
                           columns: delays.outputStride - delays.outputOffset, steps: delays.outputSteps,
                           normalisation: plan.normalisation, tau: tau, threshold: threshold)
              }
            }
            chargeReadout(last.baseAddress!, rows: outputs, stride: lastStride, steps: finalSteps, tau: readoutTau)
            for t in 0..<finalSteps {
              let step = destination + (t * B + b) * outputs
              for c in 0..<outputs { step[c] = last[c * lastStride + t] }
            }
          }
        }
      }
    }
    return ForwardPass(output: output, steps: finalSteps, batch: B)
  }

  /// Returns the batch norm of hidden layer `layer` in evaluation, `(x - mean) * (gamma /
  /// sqrt(var + eps)) + beta`, as one factor and two terms per channel, the way
  /// `BatchNorm.forwardEvaluation` computes it. Returns `nil` without batch norm.
  private func normalisation(_ layer: Int) -> ChannelNormalisation<R>? {
    guard config.batchNorm else { return nil }
    let norm = norms[layer]
    let factor = (0..<config.hidden).map { norm.scale.value[$0] / R.squareRoot(norm.runningVariance[$0] + norm.epsilon) }
    return ChannelNormalisation(mean: norm.runningMean, factor: factor, bias: norm.shift.value)
  }
}

/// One synapse layer of the evaluation path: its integer delays and what follows them.
private struct LayerPlan<R: Real> {
  let delays: IntegerDelayPlan<R>
  /// Whether batch norm and LIF neurons follow; the readout's membrane is charged instead.
  let isHidden: Bool
  /// The hidden layer's batch norm, `nil` without.
  let normalisation: ChannelNormalisation<R>?
}

/// Batch norm with running statistics as one factor and two terms per channel.
private struct ChannelNormalisation<R: Real> {
  let mean: [R]
  let factor: [R]
  let bias: [R]
}

/// Applies batch norm (when given) and LIF neurons in evaluation to `rows` rows of one sample
/// from `first`, `stride` apart, in place, then zeroes the columns after the valid steps up to
/// `columns`, which the next layer reads as padding. `columns` is at least `steps` rounded up to 8.
private func fireHidden<R: Real>(_ first: UnsafeMutablePointer<R>, rows H: Int, stride: Int, columns: Int, steps: Int,
                                 normalisation: ChannelNormalisation<R>?, tau: R, threshold: R) {
  let identity = ChannelNormalisation<R>(mean: [], factor: [], bias: [])
  let norm = normalisation ?? identity
  let batchNorm = normalisation != nil
  norm.mean.withUnsafeBufferPointer { meanBuffer in
    norm.factor.withUnsafeBufferPointer { factorBuffer in
      norm.bias.withUnsafeBufferPointer { biasBuffer in
        // In Float, eight rows at a time, one per lane, so that eight membranes advance per
        // instruction instead of one waiting on the division of the step before.
        let tiled = R.self == Float.self ? H / 8 * 8 : 0
        for c in Swift.stride(from: 0, to: tiled, by: 8) {
          var (mean, factor, bias) = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 1), SIMD8<Float>(repeating: 0))
          if batchNorm {
            mean = loadEight(asFloat(meanBuffer.baseAddress! + c))
            factor = loadEight(asFloat(factorBuffer.baseAddress! + c))
            bias = loadEight(asFloat(biasBuffer.baseAddress! + c))
          }
          fireTile(asFloat(first + c * stride), rowStride: stride, steps: steps, mean: mean, factor: factor, bias: bias,
                   batchNorm: batchNorm, tau: Float(tau), threshold: Float(threshold))
        }
        for c in tiled..<H {
          let row = first + c * stride
          var v: R = 0
          for t in 0..<steps {
            let x = batchNorm ? (row[t] - meanBuffer[c]) * factorBuffer[c] + biasBuffer[c] : row[t]
            // LIFNeurons.forward in evaluation: h = v - v / tau + x, hard reset to 0.
            let h = v - v / tau + x
            let spike: R = h >= threshold ? 1 : 0
            row[t] = spike
            v = h * (1 - spike)
          }
        }
      }
    }
  }
  for c in 0..<H {
    (first + c * stride + steps).update(repeating: 0, count: columns - steps)
  }
}

/// Replaces each of `rows` rows, `stride` apart, by the readout membrane charged with the
/// evaluation formula `v - v / tau + x`.
private func chargeReadout<R: Real>(_ first: UnsafeMutablePointer<R>, rows count: Int, stride: Int, steps: Int, tau: R) {
  for index in 0..<count {
    let row = first + index * stride
    for t in 1..<max(steps, 1) {
      let v = row[t - 1]
      row[t] = v - v / tau + row[t]
    }
  }
}

/// Runs batch norm and LIF neurons over eight rows of `rowStride` values from `first`, eight
/// steps at a time. Each 8 x 8 tile is transposed so that a lane carries one row, charged step by
/// step with the scalar formulas, and transposed back. Whole tiles are written, up to `steps`
/// rounded up to 8, so the rows need that many columns. The caller clears the columns after
/// `steps`.
@inline(__always)
private func fireTile(_ first: UnsafeMutablePointer<Float>, rowStride: Int, steps: Int, mean: SIMD8<Float>, factor: SIMD8<Float>,
                      bias: SIMD8<Float>, batchNorm: Bool, tau: Float, threshold: Float) {
  let tauVector = SIMD8<Float>(repeating: tau)
  let thresholdVector = SIMD8<Float>(repeating: threshold)
  let zeros = SIMD8<Float>(repeating: 0)
  let ones = SIMD8<Float>(repeating: 1)
  var v = zeros
  var t = 0
  while t < steps {
    var tile = Tile8(loading: first + t, rowStride: rowStride)
    tile.transpose()
    tile.updateRowsInOrder { x in
      let input = batchNorm ? (x - mean) * factor + bias : x
      // As LIFNeurons.forward in evaluation: h = v - v / tau + x, spike at the threshold, and
      // the membrane reset to 0 by h (1 - spike).
      let h = v - v / tauVector + input
      let spike = zeros.replacing(with: ones, where: h .>= thresholdVector)
      v = h * (ones - spike)
      return spike
    }
    tile.transpose()
    tile.store(to: first + t, rowStride: rowStride)
    t += 8
  }
}

/// Returns the eight values from `source`.
@inline(__always)
private func loadEight(_ source: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self)
}

/// Returns the same address as Float values; callers check that `R` is `Float`.
@inline(__always)
private func asFloat<R: Real>(_ pointer: UnsafeMutablePointer<R>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// Returns the same address as Float values; callers check that `R` is `Float`.
@inline(__always)
private func asFloat<R: Real>(_ pointer: UnsafePointer<R>) -> UnsafePointer<Float> {
  UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// An 8 x 8 block of values, as eight rows of eight lanes.
private struct Tile8 {
  var r0, r1, r2, r3, r4, r5, r6, r7: SIMD8<Float>

  @inline(__always)
  init(loading first: UnsafePointer<Float>, rowStride: Int) {
    let raw = UnsafeRawPointer(first)
    let step = rowStride * MemoryLayout<Float>.stride
    r0 = raw.loadUnaligned(as: SIMD8<Float>.self)
    r1 = raw.loadUnaligned(fromByteOffset: step, as: SIMD8<Float>.self)
    r2 = raw.loadUnaligned(fromByteOffset: 2 * step, as: SIMD8<Float>.self)
    r3 = raw.loadUnaligned(fromByteOffset: 3 * step, as: SIMD8<Float>.self)
    r4 = raw.loadUnaligned(fromByteOffset: 4 * step, as: SIMD8<Float>.self)
    r5 = raw.loadUnaligned(fromByteOffset: 5 * step, as: SIMD8<Float>.self)
    r6 = raw.loadUnaligned(fromByteOffset: 6 * step, as: SIMD8<Float>.self)
    r7 = raw.loadUnaligned(fromByteOffset: 7 * step, as: SIMD8<Float>.self)
  }

  @inline(__always)
  func store(to first: UnsafeMutablePointer<Float>, rowStride: Int) {
    let raw = UnsafeMutableRawPointer(first)
    let step = rowStride * MemoryLayout<Float>.stride
    raw.storeBytes(of: r0, as: SIMD8<Float>.self)
    raw.storeBytes(of: r1, toByteOffset: step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r2, toByteOffset: 2 * step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r3, toByteOffset: 3 * step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r4, toByteOffset: 4 * step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r5, toByteOffset: 5 * step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r6, toByteOffset: 6 * step, as: SIMD8<Float>.self)
    raw.storeBytes(of: r7, toByteOffset: 7 * step, as: SIMD8<Float>.self)
  }

  /// Replaces each row by `body(row)`, from row 0 to row 7.
  @inline(__always)
  mutating func updateRowsInOrder(_ body: (SIMD8<Float>) -> SIMD8<Float>) {
    r0 = body(r0); r1 = body(r1); r2 = body(r2); r3 = body(r3)
    r4 = body(r4); r5 = body(r5); r6 = body(r6); r7 = body(r7)
  }

  /// Transposes the block. The 64 values, read row by row, are split three times into those at
  /// even and those at odd positions. Each split rotates the 6-bit position right by one bit, so
  /// three splits turn position 8 i + j into 8 j + i.
  @inline(__always)
  mutating func transpose() {
    for _ in 0..<3 {
      let (e0, o0) = Tile8.split(r0, r1)
      let (e1, o1) = Tile8.split(r2, r3)
      let (e2, o2) = Tile8.split(r4, r5)
      let (e3, o3) = Tile8.split(r6, r7)
      (r0, r1, r2, r3, r4, r5, r6, r7) = (e0, e1, e2, e3, o0, o1, o2, o3)
    }
  }

  @inline(__always)
  static func split(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> (even: SIMD8<Float>, odd: SIMD8<Float>) {
    let joined = SIMD16<Float>(lowHalf: a, highHalf: b)
    return (joined.evenHalf, joined.oddHalf)
  }
}
