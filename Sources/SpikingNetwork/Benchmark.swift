import CBLAS
import Foundation

/// Timings of the engine on the paper's network sizes, measured by `dcls-delays bench`.
public enum EngineBenchmark {
  /// One network size to time.
  public struct Case: Sendable {
    public var name: String
    public var config: NetworkConfig
    public var batch: Int
    public var steps: Int
    public var density: Double
  }

  /// The paper's SHD network (140 inputs, 2 x 256, 20 outputs, 25 taps, batch 256, 100 steps,
  /// 5% input density) and SSC network (3 x 512, 35 outputs, 31 taps, batch 128).
  public static func paperCases(variant: DelayVariant) -> [Case] {
    [
      Case(name: "SHD", config: NetworkConfig(variant: variant, inputs: 140, hidden: 256, hiddenLayers: 2, outputs: 20,
                                              taps: 25, delaysPerSynapse: 1, tau: 1.0050000001, dropout: 0.4),
           batch: 256, steps: 100, density: 0.05),
      Case(name: "SSC", config: NetworkConfig(variant: variant, inputs: 140, hidden: 512, hiddenLayers: 3, outputs: 35,
                                              taps: 31, delaysPerSynapse: 1, tau: 1.5000000001, dropout: 0.25),
           batch: 128, steps: 100, density: 0.05),
    ]
  }

  /// Returns the median of `values`.
  public static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }

  /// Returns the median seconds of `body` over `repeats` runs, after one warm-up run unless
  /// `warmUp` is false.
  static func time(repeats: Int, warmUp: Bool = true, _ body: () -> Void) -> Double {
    if warmUp { body() }
    var samples: [Double] = []
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(samples)
  }

  /// Measures the machine's single-precision matrix-product rate in GFLOP/s, the median of
  /// `repeats` products of 2048 x 2048 matrices.
  public static func sgemmRate(repeats: Int = 5) -> Double {
    let n = 2048
    let a = [Float](repeating: 0.5, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let seconds = time(repeats: repeats) {
      a.withUnsafeBufferPointer { x in
        c.withUnsafeMutableBufferPointer { y in
          Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: x.baseAddress!, lda: n,
                     b: x.baseAddress!, ldb: n, beta: 0, c: y.baseAddress!, ldc: n)
        }
      }
    }
    return 2 * Double(n * n * n) / seconds / 1e9
  }

  /// Multiply-adds of one forward pass over `steps` input steps and `batch` samples: the K-tap
  /// kernel for learned training, one tap per delay for integer delays, one product for dense.
  public static func forwardMultiplyAdds(_ config: NetworkConfig, steps: Int, batch: Int, mode: ForwardMode) -> Double {
    let extra = config.variant == .none ? 0 : (config.taps - 1) / 2
    var total = 0.0
    var length = steps
    for layer in 0...config.hiddenLayers {
      let fanIn = layer == 0 ? config.inputs : config.hidden
      let fanOut = layer == config.hiddenLayers ? config.outputs : config.hidden
      length += extra
      let perStep = Double(fanIn * fanOut)
      switch (config.variant, mode) {
      case (.none, _): total += perStep * Double(length * batch)
      case (.learned, .training): total += perStep * Double(config.taps * length * batch)
      default: total += perStep * Double(config.delaysPerSynapse * length * batch)
      }
    }
    return total
  }

  /// Peak resident memory of this process in MiB.
  public static func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  /// One row of the benchmark table.
  public struct Result: Sendable {
    public var trainSeconds: Double
    public var trainGFLOPs: Double
    /// Evaluation with every product computed. For a delay model that means every input channel
    /// over every run of steps, silent or not: the cost whatever the network's activity.
    public var evalSeconds: Double
    public var evalGFLOPs: Double
    /// Evaluation of a delay model as `dcls-delays` runs it, leaving out the input channels that
    /// are silent over a run of steps. Its time depends on the hidden activity. `nil` without
    /// delays.
    public var skippingEvalSeconds: Double?
    /// The fraction of hidden-neuron steps with a spike in the first 16 samples of the evaluated
    /// batch.
    public var hiddenSpikeDensity: Double
  }

  /// Times training and evaluation batches of `testCase`; returns one table row.
  public static func run(_ testCase: Case, repeats: Int) -> Result {
    let settings = TrainingSettings(epochs: 10, batchSize: testCase.batch, seed: 1)
    var trainer = Trainer(config: testCase.config, settings: settings)
    let data = SyntheticBatches(samples: testCase.batch, steps: testCase.steps, channels: testCase.config.inputs,
                                classes: testCase.config.outputs, density: testCase.density, seed: 2)
    let batch = data.batches(size: testCase.batch, shuffleSeed: nil).next()!
    var generator = SeededGenerator(seed: 3)
    // The warm-up batch. Evaluation times the network it leaves, so the hidden activity does not
    // depend on the number of repeats.
    _ = trainer.trainBatch(batch, generator: &generator)
    var network = trainer.network
    let trainSeconds = time(repeats: repeats, warmUp: false) { _ = trainer.trainBatch(batch, generator: &generator) }
    var evalSeconds: Double
    var skippingEvalSeconds: Double?
    if network.usesIntegerDelays(.evaluation) {
      evalSeconds = time(repeats: repeats) {
        _ = network.forwardEvaluationBatchMajor(batch.inputs, steps: batch.steps, batch: batch.batchSize, skipsSilentChannels: false)
      }
      skippingEvalSeconds = time(repeats: repeats) {
        _ = network.forward(batch.inputs, steps: batch.steps, batch: batch.batchSize, mode: .evaluation, generator: &generator)
      }
    } else {
      evalSeconds = time(repeats: repeats) {
        _ = network.forward(batch.inputs, steps: batch.steps, batch: batch.batchSize, mode: .evaluation, generator: &generator)
      }
    }
    // On the first 16 samples: recording every module's output for the whole batch would take
    // more memory than the timed work.
    let (T, B, I) = (batch.steps, batch.batchSize, testCase.config.inputs)
    let sampled = min(B, 16)
    let inputs = (0..<T).flatMap { t in batch.inputs[(t * B * I)..<((t * B + sampled) * I)] }
    let recorded = network.forward(inputs, steps: T, batch: sampled, mode: .evaluation, generator: &generator, recordModules: true)
    // The reference's module numbering: synapse, batch norm (when present), LIF, dropout per layer.
    let perLayer = testCase.config.batchNorm ? 4 : 3
    let spikeIndices = (0..<testCase.config.hiddenLayers).map { $0 * perLayer + perLayer - 2 }
    let spikes = spikeIndices.compactMap { recorded.moduleOutputs[$0] }.joined()
    let hiddenSpikeDensity = Double(spikes.filter { $0 != 0 }.count) / Double(max(spikes.count, 1))
    // A training batch computes the forward products and two backward products of the same size.
    let trainFlops = 3 * 2 * forwardMultiplyAdds(testCase.config, steps: testCase.steps, batch: testCase.batch, mode: .training)
    let evalFlops = 2 * forwardMultiplyAdds(testCase.config, steps: testCase.steps, batch: testCase.batch, mode: .evaluation)
    return Result(trainSeconds: trainSeconds, trainGFLOPs: trainFlops / trainSeconds / 1e9, evalSeconds: evalSeconds,
                  evalGFLOPs: evalFlops / evalSeconds / 1e9, skippingEvalSeconds: skippingEvalSeconds,
                  hiddenSpikeDensity: hiddenSpikeDensity)
  }
}
