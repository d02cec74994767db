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
              for c in 0..<H {
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
