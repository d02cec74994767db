import XCTest
@testable import SpikingNetwork

/// Finite-difference checks of every layer's backward, in Double on tiny shapes.
final class LayerGradientTests: XCTestCase {
  let (T, B, I, O) = (4, 2, 3, 2)

  func makeDelay(count: Int, taps: Int, sigma: Double) -> DelaySynapse<Double> {
    var layer = DelaySynapse<Double>(inputs: I, outputs: O, count: count, taps: taps, moduleIndex: 0)
    layer.weight.value = randomValues(layer.weight.value.count, seed: 1)
    // Positions away from the clamp and from integers, where the triangle has kinks.
    layer.position.value = randomValues(layer.position.value.count, scale: 1.7, seed: 2).map { $0 + 0.13 }
    layer.sigma = sigma
    return layer
  }

  func testGaussianDelayGradients() {
    let layer = makeDelay(count: 2, taps: 5, sigma: 1.3)
    let input = randomValues(T * B * I, seed: 3)
    let outputSteps = T + 2
    let upstream = randomValues(outputSteps * B * O, seed: 4)
    var trained = layer
    let (_, cache) = trained.forward(input, steps: T, batch: B, shape: .gaussian)
    let inputGradient = trained.backward(upstream, cache: cache, needsInputGradient: true)

    assertGradient("input", analytic: inputGradient, values: input) {
      dot(upstream, layer.forward($0, steps: T, batch: B, shape: .gaussian).output)
    }
    assertGradient("weight", analytic: trained.weight.gradient, values: layer.weight.value) {
      var probe = layer
      probe.weight.value = $0
      return dot(upstream, probe.forward(input, steps: T, batch: B, shape: .gaussian).output)
    }
    assertGradient("position", analytic: trained.position.gradient, values: layer.position.value) {
      var probe = layer
      probe.position.value = $0
      return dot(upstream, probe.forward(input, steps: T, batch: B, shape: .gaussian).output)
    }
  }

  func testTriangleDelayWeightGradients() {
    let layer = makeDelay(count: 1, taps: 5, sigma: 0.4)
    let input = randomValues(T * B * I, seed: 5)
    let upstream = randomValues((T + 2) * B * O, seed: 6)
    var trained = layer
    let (_, cache) = trained.forward(input, steps: T, batch: B, shape: .triangle)
    let inputGradient = trained.backward(upstream, cache: cache, needsInputGradient: true)

    assertGradient("input", analytic: inputGradient, values: input) {
      dot(upstream, layer.forward($0, steps: T, batch: B, shape: .triangle).output)
    }
    assertGradient("weight", analytic: trained.weight.gradient, values: layer.weight.value) {
      var probe = layer
      probe.weight.value = $0
      return dot(upstream, probe.forward(input, steps: T, batch: B, shape: .triangle).output)
    }
  }

  func testIntegerDelayGradients() {
    let layer = makeDelay(count: 2, taps: 7, sigma: 0)
    let integer = IntegerDelays(layer)
    let input = randomValues(T * B * I, seed: 7)
    let upstream = randomValues((T + 3) * B * O, seed: 8)
    let (_, cache) = integer.forward(input, steps: T, batch: B)
    let (valueGradient, inputGradient) = integer.backward(upstream, cache: cache, needsInputGradient: true)

    assertGradient("input", analytic: inputGradient, values: input) {
      dot(upstream, integer.forward($0, steps: T, batch: B).output)
    }
    assertGradient("value", analytic: valueGradient, values: integer.value) {
      var probe = integer
      probe.value = $0
      return dot(upstream, probe.forward(input, steps: T, batch: B).output)
    }
  }

  func testDenseGradients() {
    var layer = DenseSynapse<Double>(inputs: I, outputs: O, moduleIndex: 0)
    layer.weight.value = randomValues(I * O, seed: 9)
    let input = randomValues(T * B * I, seed: 10)
    let upstream = randomValues(T * B * O, seed: 11)
    let reference = layer
    let inputGradient = layer.backward(upstream, input: input, rows: T * B, needsInputGradient: true)

    assertGradient("input", analytic: inputGradient, values: input) {
      dot(upstream, reference.forward($0, rows: T * B))
    }
    assertGradient("weight", analytic: layer.weight.gradient, values: reference.weight.value) {
      var probe = reference
      probe.weight.value = $0
      return dot(upstream, probe.forward(input, rows: T * B))
    }
  }

  func testBatchNormGradients() {
    var layer = BatchNorm<Double>(channels: 3, moduleIndex: 1)
    layer.scale.value = [0.5, 1.5, -0.7]
    layer.shift.value = [0.1, -0.2, 0.3]
    let rows = 5
    let input = randomValues(rows * 3, seed: 12)
    let upstream = randomValues(rows * 3, seed: 13)
    let reference = layer
    let (_, cache) = layer.forwardTraining(input, rows: rows)
    let inputGradient = layer.backward(upstream, cache: cache, rows: rows)
    func loss(_ probe: BatchNorm<Double>, _ x: [Double]) -> Double {
      var copy = probe
      return dot(upstream, copy.forwardTraining(x, rows: rows).output)
    }

    assertGradient("input", analytic: inputGradient, values: input) { loss(reference, $0) }
    assertGradient("scale", analytic: layer.scale.gradient, values: reference.scale.value) {
      var probe = reference
      probe.scale.value = $0
      return loss(probe, input)
    }
    assertGradient("shift", analytic: layer.shift.gradient, values: reference.shift.value) {
      var probe = reference
      probe.shift.value = $0
      return loss(probe, input)
    }
  }

  func testSmoothLIFGradients() {
    var neurons = LIFNeurons<Double>(tau: 2, threshold: 1, alpha: 5)
    neurons.smoothSpikes = true
    neurons.detachReset = false
    let width = 4
    let input = randomValues(T * width, scale: 1.2, seed: 14).map { $0 + 0.5 }
    let upstream = randomValues(T * width, seed: 15)
    let (_, cache) = neurons.forward(input, steps: T, width: width)
    let inputGradient = neurons.backward(upstream, cache: cache, steps: T, width: width)

    assertGradient("input", analytic: inputGradient, values: input) {
      dot(upstream, neurons.forward($0, steps: T, width: width).spikes)
    }
  }

  func testReadoutGradients() {
    let readout = ReadoutNeurons<Double>(tau: 1.5, threshold: 1e9)
    let width = 3
    let input = randomValues(T * width, seed: 16)
    let upstream = randomValues(T * width, seed: 17)

    assertGradient("input", analytic: readout.backward(upstream, steps: T, width: width), values: input) {
      dot(upstream, readout.forward($0, steps: T, width: width))
    }
  }

  func testDropoutGradients() {
    let dropout = SharedDropout<Double>(probability: 0.4)
    var generator = SeededGenerator(seed: 18)
    let mask: [Double] = dropout.drawMask(batch: B, width: 3, using: &generator)
    let input = randomValues(T * B * 3, seed: 19)
    let upstream = randomValues(T * B * 3, seed: 20)

    assertGradient("input", analytic: dropout.apply(upstream, mask: mask, steps: T), values: input) {
      dot(upstream, dropout.apply($0, mask: mask, steps: T))
    }
  }

  func testLossGradients() {
    let classes = 3
    let output = randomValues(T * B * classes, scale: 2, seed: 21)
    let labels = [2, 0]
    let loss = SumOfSoftmaxLoss(output: output, steps: T, batch: B, classes: classes, labels: labels)

    assertGradient("output", analytic: loss.outputGradient(), values: output) {
      SumOfSoftmaxLoss(output: $0, steps: T, batch: B, classes: classes, labels: labels).loss
    }
  }
}
