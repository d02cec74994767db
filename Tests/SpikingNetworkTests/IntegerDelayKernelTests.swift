import XCTest
@testable import SpikingNetwork

/// The vectorised integer-delay kernels against their plain loops and against the K-tap kernel
/// path, on shapes that are not multiples of the 16- and 32-step blocks.
final class IntegerDelayKernelTests: XCTestCase {
  func makeLayer(inputs: Int, outputs: Int, count: Int, taps: Int) -> DelaySynapse<Float> {
    var layer = DelaySynapse<Float>(inputs: inputs, outputs: outputs, count: count, taps: taps, moduleIndex: 0)
    var generator = SeededGenerator(seed: 40)
    layer.initialise(using: &generator)
    layer.roundPositions()
    return layer
  }

  func testForwardMatchesPlainLoops() {
    // 150 inputs span three channel groups of the forward kernel.
    for (T, B, I, O, n, K) in [(1, 1, 1, 1, 1, 1), (37, 3, 5, 7, 2, 9), (50, 2, 3, 4, 1, 25), (40, 2, 150, 3, 2, 5)] {
      let layer = makeLayer(inputs: I, outputs: O, count: n, taps: K)
      let integer = IntegerDelays(layer)
      let input = randomValues(T * B * I, seed: 41).map(Float.init)
      let fast = integer.forward(input, steps: T, batch: B).output
      let plain = integer.forwardReference(input, steps: T, batch: B)
      XCTAssertEqual(fast.count, plain.count)
      let worst = zip(fast, plain).map { abs($0 - $1) }.max() ?? 0
      XCTAssertLessThan(worst, 1e-5, "T \(T) B \(B) I \(I) O \(O) n \(n) K \(K)")
    }
  }

  func testForwardMatchesKernelPath() {
    let (T, B) = (43, 3)
    let layer = makeLayer(inputs: 6, outputs: 5, count: 2, taps: 11)
    let input = randomValues(T * B * 6, seed: 42).map(Float.init)
    let fast = IntegerDelays(layer).forward(input, steps: T, batch: B).output
    let kernel = layer.forward(input, steps: T, batch: B, shape: .triangle).output
    let worst = zip(fast, kernel).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThan(worst, 1e-5)
  }

  func testBackwardMatchesKernelPath() {
    let (T, B) = (29, 2)
    let layer = makeLayer(inputs: 4, outputs: 3, count: 1, taps: 7)
    let input = randomValues(T * B * 4, seed: 43).map(Float.init)
    let upstream = randomValues((T + 3) * B * 3, seed: 44).map(Float.init)
    let integer = IntegerDelays(layer)
    let (_, cache) = integer.forward(input, steps: T, batch: B)
    let (valueGradient, inputGradient) = integer.backward(upstream, cache: cache, needsInputGradient: true)
    var kernelLayer = layer
    let (_, kernelCache) = kernelLayer.forward(input, steps: T, batch: B, shape: .triangle)
    let kernelInputGradient = kernelLayer.backward(upstream, cache: kernelCache, needsInputGradient: true)
    let weightGradient = valueGradient.map { $0 * integer.bump }
    XCTAssertLessThan(zip(inputGradient, kernelInputGradient).map { abs($0 - $1) }.max() ?? 1, 1e-5)
    XCTAssertLessThan(zip(weightGradient, kernelLayer.weight.gradient).map { abs($0 - $1) }.max() ?? 1, 1e-4)
  }

  func testBatchMajorEvaluationMatchesTimeMajorPath() {
    for variant in [DelayVariant.fixed, .learned] {
      for batchNorm in [true, false] {
        // 19 hidden channels: two tiles of eight SIMD lanes and three channels on their own; 23
        // steps end inside a tile.
        let config = NetworkConfig(variant: variant, inputs: 5, hidden: 19, hiddenLayers: 2, outputs: 3, taps: 9,
                                   delaysPerSynapse: 2, tau: 1.5, batchNorm: batchNorm, dropout: 0.2)
        var network = Network<Float>(config: config)
        var generator = SeededGenerator(seed: 45)
        network.initialise(using: &generator)
        for layer in network.norms.indices {
          network.norms[layer].runningMean = randomValues(19, seed: 47 + UInt64(layer)).map { Float($0 * 0.3) }
          network.norms[layer].runningVariance = randomValues(19, seed: 49 + UInt64(layer)).map { Float(0.5 + abs($0)) }
        }
        let (T, B) = (23, 5)
        let input = randomValues(T * B * 5, seed: 46).map { Float(abs($0) * 3) }
        let timeMajor = network.forward(input, steps: T, batch: B, mode: .evaluation, generator: &generator, recordModules: true)
        // One chunk per sample, and two chunks whose rows serve several samples in turn.
        for chunks in [nil, 2] {
          let batchMajor = network.forwardEvaluationBatchMajor(input, steps: T, batch: B, chunks: chunks)
          XCTAssertEqual(batchMajor.steps, timeMajor.steps)
          XCTAssertEqual(batchMajor.output, timeMajor.output, "\(variant), batch norm \(batchNorm), chunks \(chunks ?? 0)")
        }
        // The comparison means something only if the last hidden layer both fires and stays silent.
        let lastSpikes = timeMajor.moduleOutputs[batchNorm ? 6 : 4] ?? []
        let fired = lastSpikes.filter { $0 == 1 }.count
        XCTAssertGreaterThan(fired, 0, "\(variant), batch norm \(batchNorm)")
        XCTAssertLessThan(fired, lastSpikes.count, "\(variant), batch norm \(batchNorm)")
      }
    }
  }

  func testSkippingSilentChannelsChangesNoBit() {
    // Sparse spike counts: channel 2 never fires, sample 1 is silent, channel 0 pauses for 70
    // steps, and the rest fire in about one step in twelve. So some 40-, 56- and 88-step windows
    // of a channel are silent and others are not. Channel 3 fires once, at step 63, the last
    // step that the first 64-step window (steps -24 to 63) reads.
    let (T, B, I) = (150, 3, 6)
    let noise = randomValues(T * B * I, seed: 51)
    var input = [Float](repeating: 0, count: T * B * I)
    for t in 0..<T {
      for b in 0..<B where b != 1 {
        for i in 0..<I where i != 2 && i != 3 && !(i == 0 && (40..<110).contains(t)) {
          let index = (t * B + b) * I + i
          if abs(noise[index]) > 0.92 { input[index] = Float(4 + (t + i) % 3) }
        }
      }
    }
    input[(63 * B + 0) * I + 3] = 5
    let config = NetworkConfig(variant: .learned, inputs: I, hidden: 16, hiddenLayers: 1, outputs: 4, taps: 25,
                               delaysPerSynapse: 1, tau: 1.5, dropout: 0)
    var network = Network<Float>(config: config)
    var generator = SeededGenerator(seed: 52)
    network.initialise(using: &generator)
    let skipping = network.forwardEvaluationBatchMajor(input, steps: T, batch: B)
    let dense = network.forwardEvaluationBatchMajor(input, steps: T, batch: B, skipsSilentChannels: false)
    XCTAssertEqual(skipping.output, dense.output)
    XCTAssertTrue(skipping.output.contains { $0 != 0 })

    var layer = IntegerDelays(makeLayer(inputs: I, outputs: 5, count: 2, taps: 25))
    // Tap K - 1 on channel 3, so that output step 63 reads its only spike.
    for o in 0..<5 {
      for j in 0..<2 { layer.tap[(o * I + 3) * 2 + j] = 24 }
    }
    let outputSteps = T + 12
    let stride = layer.inputStride(outputSteps: outputSteps)
    var rows = [Float](repeating: 0, count: B * I * stride)
    transposeIn(input, steps: T, batch: B, channels: I, into: &rows, stride: stride, offset: 24)
    let outputStride = roundUp(outputSteps, 32)
    var results: [[Float]] = []
    for skips in [true, false] {
      var output = [Float](repeating: 0, count: B * 5 * outputStride)
      rows.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in
          let plan = IntegerDelayPlan(layer, inputStride: stride, outputSteps: outputSteps, outputStride: outputStride, outputOffset: 0)
          plan.forward(x.baseAddress!, batch: B, into: y.baseAddress!, skipsSilentChannels: skips)
        }
      }
      results.append(output)
    }
    XCTAssertEqual(results[0], results[1])
  }


}
