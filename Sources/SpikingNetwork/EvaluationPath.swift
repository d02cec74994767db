import Dispatch

/// The evaluation of a delay model, batch-major from the first layer to the readout.
///
/// With one integer delay per weight, each synapse layer multiplies runs of consecutive steps of
/// one input channel (`IntegerDelays.forwardBatchMajor`), which needs rows `(B, C, steps)`. Batch
/// norm and LIF neurons work on such rows as well as on time-major values, so this path keeps
/// every activation batch-major and transposes only the input and the output. It computes what
/// `Network.forward` computes on the time-major path, to the last bit: the products and sums run
/// in the same order.
///
/// Row layout between layers: `(B, C, stride)`, step `t` at column `t + K - 1`, zeros in the
/// K - 1 columns before and in every column after the valid steps, as the next layer's padding.
extension Network {
  func forwardEvaluationBatchMajor(_ input: [R], steps T: Int, batch B: Int) -> ForwardPass<R> {
    let L = config.hiddenLayers
    let K = config.taps
    let E = (K - 1) / 2
    let layers = synapses.map { synapse -> IntegerDelays<R> in
      guard case .delay(let delay) = synapse else { preconditionFailure("batch-major evaluation needs DCLS layers") }
      return IntegerDelays(delay)
    }
    var steps = T
    var stride = layers[0].inputStride(outputSteps: T + E)
    var x = [R](repeating: 0, count: B * config.inputs * stride)
    transposeIn(input, steps: T, batch: B, channels: config.inputs, into: &x, stride: stride, offset: K - 1)

    for layer in 0...L {
      let outputSteps = steps + E
      let width = layer == L ? config.outputs : config.hidden
      let isReadout = layer == L
      // The readout's rows need no padding; a hidden layer's rows are the next layer's input.
      let nextStride = isReadout ? roundUp(outputSteps, block) : layers[layer + 1].inputStride(outputSteps: outputSteps + E)
      let offset = isReadout ? 0 : K - 1
      var y = [R](repeating: 0, count: B * width * nextStride)
      x.withUnsafeBufferPointer { source in
        y.withUnsafeMutableBufferPointer { destination in
          layers[layer].forwardBatchMajor(source.baseAddress!, inputStride: stride, batch: B, outputSteps: outputSteps,
                                          into: destination.baseAddress!, outputStride: nextStride, outputOffset: offset)
        }
      }
      if isReadout {
        chargeReadout(&y, rows: B * width, stride: nextStride, steps: outputSteps)
        var output = [R](repeating: 0, count: outputSteps * B * width)
        transposeOut(y, stride: nextStride, steps: outputSteps, batch: B, channels: width, into: &output)
        return ForwardPass(output: output, steps: outputSteps, batch: B)
      }
      fireHidden(&y, layer: layer, batch: B, stride: nextStride, offset: offset, steps: outputSteps)
      x = y
      stride = nextStride
      steps = outputSteps
    }
    preconditionFailure("unreachable: the readout returns")
  }

  /// Applies batch norm with running statistics and LIF neurons to each row `(b, c)` in place.
  /// Then it zeroes the columns after the valid steps, which the next layer reads as padding.
  private func fireHidden(_ rows: inout [R], layer: Int, batch B: Int, stride: Int, offset: Int, steps: Int) {
    let H = config.hidden
    // forwardEvaluation: (x - mean) * (gamma / sqrt(var + eps)) + beta, as one factor and two
    // terms per channel; without batch norm the identity.
    var mean = [R](repeating: 0, count: H)
    var factor = [R](repeating: 1, count: H)
    var bias = [R](repeating: 0, count: H)
    let batchNorm = config.batchNorm
    if batchNorm {
      let norm = norms[layer]
      for c in 0..<H {
        mean[c] = norm.runningMean[c]
        factor[c] = norm.scale.value[c] / R.squareRoot(norm.runningVariance[c] + norm.epsilon)
        bias[c] = norm.shift.value[c]
      }
    }
    let (tau, threshold) = (R(neurons.tau), neurons.threshold)
    // Raw pointers only inside the parallel loop: reading Swift arrays there would retain and
    // release them from every thread at once.
    mean.withUnsafeBufferPointer { meanBuffer in
      factor.withUnsafeBufferPointer { factorBuffer in
        bias.withUnsafeBufferPointer { biasBuffer in
          rows.withUnsafeMutableBufferPointer { buffer in
            let (base, means, factors, biases) = (buffer.baseAddress!, meanBuffer.baseAddress!, factorBuffer.baseAddress!, biasBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: B) { b in
              // In Float, eight rows at a time, one per lane, so that eight membranes advance per
              // instruction instead of one waiting on the division of the step before.
              let tiled = R.self == Float.self ? H / 8 * 8 : 0
              for c in Swift.stride(from: 0, to: tiled, by: 8) {
                let first: UnsafeMutablePointer<R> = base + (b * H + c) * stride + offset
                let (mean, factor, bias) = (loadEight(asFloat(means + c)), loadEight(asFloat(factors + c)), loadEight(asFloat(biases + c)))
                fireTile(asFloat(first), rowStride: stride, steps: steps, mean: mean, factor: factor, bias: bias,
                         batchNorm: batchNorm, tau: Float(tau), threshold: Float(threshold))
              }
              for c in tiled..<H {
                let row = base + (b * H + c) * stride + offset
                var v: R = 0
                for t in 0..<steps {
                  let x = batchNorm ? (row[t] - means[c]) * factors[c] + biases[c] : row[t]
                  // LIFNeurons.forward in evaluation: h = v - v / tau + x, hard reset to 0.
                  let h = v - v / tau + x
                  let spike: R = h >= threshold ? 1 : 0
                  row[t] = spike
                  v = h * (1 - spike)
                }
              }
              for c in 0..<H {
                let row = base + (b * H + c) * stride + offset
                (row + steps).update(repeating: 0, count: stride - offset - steps)
              }
            }
          }
        }
      }
    }
  }

  /// Replaces each row by the readout membrane, charged with the evaluation formula.
  private func chargeReadout(_ rows: inout [R], rows count: Int, stride: Int, steps: Int) {
    let tau = R(readout.tau)
    rows.withUnsafeMutableBufferPointer { buffer in
      let base = buffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: count) { index in
        let row = base + index * stride
        for t in 1..<max(steps, 1) {
          let v = row[t - 1]
          row[t] = v - v / tau + row[t]
        }
      }
    }
  }
}

/// Runs batch norm and LIF neurons over eight rows of `rowStride` values from `first`, eight
/// steps at a time: each 8 x 8 tile is transposed so that a lane holds one row, charged step by
/// step with the scalar formulas lane by lane, and transposed back. Whole tiles are written, up
/// to `steps` rounded up to 8, so the rows must have that many columns; the caller clears the
/// columns after `steps`.
@inline(__always)
private func fireTile(_ first: UnsafeMutablePointer<Float>, rowStride: Int, steps: Int, mean: SIMD8<Float>, factor: SIMD8<Float>,
                      bias: SIMD8<Float>, batchNorm: Bool, tau: Float, threshold: Float) {
  let tauVector = SIMD8<Float>(repeating: tau)
  let thresholdVector = SIMD8<Float>(repeating: threshold)
  let zero = SIMD8<Float>(repeating: 0)
  let one = SIMD8<Float>(repeating: 1)
  var v = zero
  var t = 0
  while t < steps {
    var tile = Tile8(loading: first + t, rowStride: rowStride)
    tile.transpose()
    tile.forEachLane { x in
      let input = batchNorm ? (x - mean) * factor + bias : x
      // As LIFNeurons.forward in evaluation: h = v - v / tau + x, spike at the threshold, and
      // the membrane reset to 0 by h (1 - spike).
      let h = v - v / tauVector + input
      // The mask holds -1 in the lanes that fire; converted and negated it is the spike.
      let spike = zero - SIMD8<Float>((h .>= thresholdVector)._storage)
      v = h * (one - spike)
      return spike
    }
    tile.transpose()
    tile.store(to: first + t, rowStride: rowStride)
    t += 8
  }
}

@inline(__always)
private func loadEight(_ source: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self)
}

/// The same address as Float values; callers check that `R` is `Float`.
@inline(__always)
private func asFloat<R: Real>(_ pointer: UnsafeMutablePointer<R>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func asFloat<R: Real>(_ pointer: UnsafePointer<R>) -> UnsafePointer<Float> {
  UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// An 8 x 8 block of values held as eight rows of eight lanes.
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

  /// Replaces row `k`, in order from 0 to 7, by `body(row k)`.
  @inline(__always)
  mutating func forEachLane(_ body: (SIMD8<Float>) -> SIMD8<Float>) {
    r0 = body(r0); r1 = body(r1); r2 = body(r2); r3 = body(r3)
    r4 = body(r4); r5 = body(r5); r6 = body(r6); r7 = body(r7)
  }

  /// Transposes the block. The 64 values, read row by row, are split into those at even and
  /// those at odd positions three times; each split rotates the 6-bit position right by one
  /// bit, and three rotations turn position 8 i + j into 8 j + i.
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
