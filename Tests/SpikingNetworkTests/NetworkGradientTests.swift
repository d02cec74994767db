import XCTest
@testable import SpikingNetwork

/// Finite-difference checks of the whole network's backward for each variant, in Double, with
/// the smooth spike function and the reset kept in the gradient so that the loss is differentiable.
final class NetworkGradientTests: XCTestCase {
  func tinyConfig(_ variant: DelayVariant, batchNorm: Bool = true) -> NetworkConfig {
    NetworkConfig(variant: variant, inputs: 3, hidden: 4, hiddenLayers: 2, outputs: 3, taps: 5,
                  delaysPerSynapse: variant == .learned ? 2 : 1, tau: 2, batchNorm: batchNorm,
                  dropout: 0.3)
  }

  func checkNetwork(_ config: NetworkConfig, file: StaticString = #filePath, line: UInt = #line) {
    var network = Network<Double>(config: config)
    var generator = SeededGenerator(seed: 30)
    network.initialise(using: &generator)
    if config.variant == .learned { network.sigma = 1.1 }
    network.neurons.smoothSpikes = true
    network.neurons.detachReset = false
    let (T, B) = (5, 2)
    let input = randomValues(T * B * config.inputs, seed: 31).map { abs($0) * 2 }
    let labels = [1, 2]
    func loss(_ probe: Network<Double>) -> Double {
      var copy = probe
      var masks = SeededGenerator(seed: 32)
      let pass = copy.forward(input, steps: T, batch: B, mode: .training, generator: &masks)
      return SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: B, classes: config.outputs, labels: labels).loss
    }
    var trained = network
    var masks = SeededGenerator(seed: 32)
    let pass = trained.forward(input, steps: T, batch: B, mode: .training, generator: &masks)
    let objective = SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: B, classes: config.outputs, labels: labels)
    trained.backward(pass, outputGradient: objective.outputGradient())

    var analytic: [(String, [Double])] = []
    trained.visitParameters { parameter, _ in analytic.append((parameter.name, parameter.gradient)) }
    var checked = 0
    for (name, gradient) in analytic {
      var values: [Double] = []
      network.visitParameters { parameter, _ in if parameter.name == name { values = parameter.value } }
      assertGradient("\(config.variant) \(name)", analytic: gradient, values: values, loss: { probeValues in
        var probe = network
        probe.visitParameters { parameter, _ in if parameter.name == name { parameter.value = probeValues } }
        return loss(probe)
      }, file: file, line: line)
      checked += 1
    }
    XCTAssertGreaterThan(checked, 0, file: file, line: line)
  }

  func testNoDelayNetwork() { checkNetwork(tinyConfig(.none)) }
  func testNoDelayNetworkWithoutBatchNorm() { checkNetwork(tinyConfig(.none, batchNorm: false)) }
  func testFixedDelayNetwork() { checkNetwork(tinyConfig(.fixed)) }
  func testLearnedDelayNetwork() { checkNetwork(tinyConfig(.learned)) }
}
