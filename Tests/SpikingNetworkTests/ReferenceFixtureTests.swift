import Foundation
import XCTest
@testable import SpikingNetwork

/// Float32 agreement with the PyTorch reference. Both sides sum the same products in different
/// orders (OpenBLAS against PyTorch's convolution and matmul kernels), which moves results by a
/// few units in the last place, about 1e-7 relative per operation; over the tiny network's few
/// dozen chained operations that stays below 1e-5 of each tensor's largest magnitude. Spikes
/// are 0 or 1 and must agree exactly, which the fixture guarantees by keeping every membrane at
/// least 1e-4 away from the threshold.
let referenceTolerance = 1e-5

final class ReferenceFixtureTests: XCTestCase {
  struct Fixture {
    var file: SafeTensors
    var path: String
    var config: NetworkConfig

    init(_ name: String) throws {
      let url = Bundle.module.url(forResource: "Fixtures/engine_\(name)", withExtension: "safetensors")!
      file = try SafeTensors.read(url)
      path = url.path
      config = try Network<Float>.config(of: file, path: path)
    }

    func tensor(_ name: String) throws -> [Double] { try file.tensor(name, path: path).doubles }
    func has(_ name: String) -> Bool { file.tensors[name] != nil }
  }

  /// Asserts `actual` matches `expected` within `referenceTolerance` of the largest magnitude
  /// of `expected`, reporting the worst index.
  func assertClose(_ name: String, _ actual: [Double], _ expected: [Double], tolerance: Double = referenceTolerance,
                   file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(name): length", file: file, line: line)
    guard actual.count == expected.count else { return }
    let scale = max(expected.map(abs).max() ?? 0, 1e-6)
    var worst = (index: 0, difference: 0.0)
    for index in expected.indices where abs(actual[index] - expected[index]) > worst.difference {
      worst = (index, abs(actual[index] - expected[index]))
    }
    XCTAssertLessThanOrEqual(worst.difference / scale, tolerance,
                             "\(name): index \(worst.index) ours \(actual[worst.index]) reference \(expected[worst.index])",
                             file: file, line: line)
  }

  /// Our kernel `(K, O, I)` reordered as the reference's `(O, I, K)`.
  func referenceOrder(_ kernel: [Float], outputs O: Int, inputs I: Int, taps K: Int) -> [Double] {
    var result = [Double](repeating: 0, count: kernel.count)
    for k in 0..<K {
      for o in 0..<O {
        for i in 0..<I { result[(o * I + i) * K + k] = Double(kernel[(k * O + o) * I + i]) }
      }
    }
    return result
  }

  func stateEntries(_ network: Network<Float>) -> [(String, [Double])] {
    let state = network.stateDictionary()
    return state.names.map { ($0, state.tensors[$0]!.doubles) }
  }

  func checkCase(_ name: String, alwaysUseKernel: Bool = false) throws {
    let fixture = try Fixture(name)
    let config = fixture.config
    var trainer = Trainer(config: config, settings: TrainingSettings(epochs: 10, batchSize: 3, seed: 0))
    trainer.network.alwaysUseKernel = alwaysUseKernel
    try trainer.network.load(fixture.file, prefix: "init.", path: fixture.path)
    let input = try fixture.tensor("input").map(Float.init)
    let labels = try fixture.tensor("labels").map { Int($0) }
    let (B, I) = (labels.count, config.inputs)
    let T = input.count / (B * I)
    let stride = config.batchNorm ? 4 : 3

    // Kernels built from the initial parameters.
    for (layer, synapse) in trainer.network.synapses.enumerated() {
      guard case .delay(let delay) = synapse else { continue }
      let kernel = delay.buildKernel(config.variant == .learned ? .gaussian : .triangle)
      assertClose("\(name) kernel.\(layer * stride)",
                  referenceOrder(kernel.values, outputs: delay.outputs, inputs: delay.inputs, taps: delay.taps),
                  try fixture.tensor("kernel.\(layer * stride)"))
    }

    // Training-mode forward, loss and gradients.
    var generator = SeededGenerator(seed: 0)
    let pass = trainer.network.forward(input, steps: T, batch: B, mode: .training, generator: &generator, recordModules: true)
    let lastModule = config.hiddenLayers * stride + 1
    for (index, output) in pass.moduleOutputs where index != lastModule {
      assertClose("\(name) train.\(index)", output.map(Double.init), try fixture.tensor("train.\(index)"))
    }
    assertClose("\(name) train.output", pass.output.map(Double.init), try fixture.tensor("train.output"))
    let objective = SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: B, classes: config.outputs, labels: labels)
    assertClose("\(name) train.m", objective.scores.map(Double.init), try fixture.tensor("train.m"))
    assertClose("\(name) train.loss", [Double(objective.loss)], try fixture.tensor("train.loss"))
    trainer.network.zeroGradients()
    trainer.network.backward(pass, outputGradient: objective.outputGradient())
    var gradients: [(String, [Double])] = []
    trainer.network.visitParameters { parameter, _ in gradients.append((parameter.name, parameter.gradient.map(Double.init))) }
    XCTAssertFalse(gradients.isEmpty)
    for (parameter, gradient) in gradients {
      assertClose("\(name) grad.\(parameter)", gradient, try fixture.tensor("grad.\(parameter)"))
    }

    // One optimiser step with the clamp; every state_dict entry, running statistics included.
    trainer.step()
    for (entry, values) in stateEntries(trainer.network) {
      assertClose("\(name) step.\(entry)", values, try fixture.tensor("step.\(entry)"))
    }

    // The schedules.
    let lr = try fixture.tensor("schedule.lr")
    let beta1 = try fixture.tensor("schedule.beta1")
    for step in lr.indices {
      let values = trainer.oneCycle.values(atStep: step)
      XCTAssertEqual(values.learningRate, lr[step], accuracy: 1e-15, "\(name) schedule.lr[\(step)]")
      XCTAssertEqual(values.beta1, beta1[step], accuracy: 1e-15, "\(name) schedule.beta1[\(step)]")
    }
    if fixture.has("schedule.position_lr") {
      for (step, expected) in try fixture.tensor("schedule.position_lr").enumerated() {
        XCTAssertEqual(trainer.cosine.learningRate(atStep: step), expected, accuracy: 1e-15, "\(name) schedule.position_lr[\(step)]")
      }
    }

    // Evaluation from the stepped parameters: rounded delays, sigma 0, running statistics.
    let before = stateEntries(trainer.network)
    for (layer, synapse) in trainer.network.synapses.enumerated() {
      guard case .delay(var delay) = synapse else { continue }
      delay.roundPositions()
      delay.sigma = 0
      let kernel = delay.buildKernel(.triangle)
      assertClose("\(name) eval.kernel.\(layer * stride)",
                  referenceOrder(kernel.values, outputs: delay.outputs, inputs: delay.inputs, taps: delay.taps),
                  try fixture.tensor("eval.kernel.\(layer * stride)"))
    }
    let evaluation = trainer.network.forward(input, steps: T, batch: B, mode: .evaluation, generator: &generator)
    assertClose("\(name) eval.output", evaluation.output.map(Double.init), try fixture.tensor("eval.output"))
    let evaluationLoss = SumOfSoftmaxLoss(output: evaluation.output, steps: evaluation.steps, batch: B, classes: config.outputs, labels: labels)
    assertClose("\(name) eval.m", evaluationLoss.scores.map(Double.init), try fixture.tensor("eval.m"))
    assertClose("\(name) eval.loss", [Double(evaluationLoss.loss)], try fixture.tensor("eval.loss"))
    let after = stateEntries(trainer.network)
    XCTAssertEqual(before.map(\.1), after.map(\.1), "\(name): evaluation changed the training state")

    // A second step from the stepped parameters exercises Adam's moments.
    if fixture.has("step2.loss") {
      let result = trainer.trainBatch(Batch(inputs: input, steps: T, batchSize: B, channels: I, lengths: [Int](repeating: T, count: B),
                                            labels: labels, indices: Array(0..<B)), generator: &generator)
      assertClose("\(name) step2.loss", [result.loss], try fixture.tensor("step2.loss"))
      for (entry, values) in stateEntries(trainer.network) {
        assertClose("\(name) step2.\(entry)", values, try fixture.tensor("step2.\(entry)"))
      }
    }
  }

  func testNoDelayNetwork() throws { try checkCase("none") }
  func testNoDelayNetworkWithoutBatchNorm() throws { try checkCase("none_nobn") }
  func testFixedDelayNetwork() throws { try checkCase("fixed") }
  func testFixedDelayNetworkThroughKernel() throws { try checkCase("fixed", alwaysUseKernel: true) }
  func testLearnedDelayNetwork() throws { try checkCase("learned") }
  func testLearnedDelayNetworkThroughKernel() throws { try checkCase("learned", alwaysUseKernel: true) }
  func testLearnedTwoDelaysPerSynapse() throws { try checkCase("learned_n2") }
}
