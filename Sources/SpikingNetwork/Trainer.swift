import Foundation

/// The optimisation settings of a run; the defaults are those of the reference implementation.
public struct TrainingSettings: Codable, Equatable, Sendable {
  public var epochs: Int
  public var batchSize: Int
  /// Adam's learning rate before the schedule takes over (the schedule sets it at creation).
  public var learningRate: Double = 1e-3
  /// `OneCycleLR`'s peak learning rate.
  public var maxLearningRate: Double = 5e-3
  /// L2 weight decay of synapse weights.
  public var weightDecay: Double = 1e-5
  /// Positions train with this multiple of `learningRate`.
  public var positionLearningRateFactor: Double = 100
  /// The seed of initialisation, shuffling and dropout.
  public var seed: UInt64
  /// The value sigma decays to, and the share of the epochs it takes (`epochs div divisor`).
  public var sigmaFinal: Double = 0.23
  public var sigmaEpochsDivisor: Int = 4

  public init(epochs: Int, batchSize: Int, seed: UInt64, learningRate: Double = 1e-3, maxLearningRate: Double = 5e-3,
              weightDecay: Double = 1e-5, positionLearningRateFactor: Double = 100) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.seed = seed
    self.learningRate = learningRate
    self.maxLearningRate = maxLearningRate
    self.weightDecay = weightDecay
    self.positionLearningRateFactor = positionLearningRateFactor
  }
}

/// Something that yields the batches of one split.
public protocol BatchProvider {
  /// The number of samples in the split.
  var sampleCount: Int { get }
  /// Returns the batches of one pass, in a shuffled order drawn from `shuffleSeed`, or in
  /// storage order when it is nil.
  func batches(size: Int, shuffleSeed: UInt64?) -> AnyIterator<Batch>
}

/// Loss and per-sample accuracy over a split.
public struct SplitScore: Sendable {
  public var loss: Double
  public var accuracy: Double
  public var samples: Int
}

/// Trains one network: epochs of batches, optimiser and schedule steps in the reference's order,
/// evaluation, metrics and checkpoints.
public struct Trainer {
  public var network: Network<Float>
  public let settings: TrainingSettings
  /// Adam over synapse weights (with weight decay) and batch-norm parameters (without).
  public var weightOptimiser: Adam<Float>
  /// Adam over positions, for learned delays.
  public var positionOptimiser: Adam<Float>
  public let oneCycle: OneCycleSchedule
  public let cosine: CosineSchedule
  public let sigmaSchedule: SigmaSchedule
  /// Epochs completed so far.
  public private(set) var epochsDone = 0
  public private(set) var metrics: [EpochMetrics] = []

  /// Creates a trainer with a network initialised from `settings.seed`.
  public init(config: NetworkConfig, settings: TrainingSettings) {
    var network = Network<Float>(config: config)
    var generator = SeededGenerator(seed: settings.seed, stream: "init")
    network.initialise(using: &generator)
    self.network = network
    self.settings = settings
    oneCycle = OneCycleSchedule(maxLearningRate: settings.maxLearningRate, totalSteps: settings.epochs)
    let start = oneCycle.values(atStep: 0)
    weightOptimiser = Adam(learningRate: start.learningRate, beta1: start.beta1,
                           weightDecay: [.weights: settings.weightDecay])
    let positionRate = settings.learningRate * settings.positionLearningRateFactor
    positionOptimiser = Adam(learningRate: positionRate)
    cosine = CosineSchedule(baseLearningRate: positionRate, totalSteps: settings.epochs)
    sigmaSchedule = SigmaSchedule(initial: Double(config.taps / 2), epochs: settings.epochs,
                                  final: settings.sigmaFinal, epochsDivisor: settings.sigmaEpochsDivisor)
  }

  /// Takes one optimiser step from the accumulated gradients, then clamps the positions.
  public mutating func step() {
    weightOptimiser.beginStep()
    let trainsPositions = network.config.variant == .learned
    if trainsPositions { positionOptimiser.beginStep() }
    var weights = weightOptimiser
    var positions = positionOptimiser
    network.visitParameters { parameter, group in
      switch group {
      case .weights, .normalisation: weights.update(&parameter, group: group)
      case .positions: positions.update(&parameter, group: group)
      }
    }
    weightOptimiser = weights
    positionOptimiser = positions
    network.clampPositions()
  }

  /// Forward, loss, backward and one optimiser step on `batch`; returns the loss and the number
  /// of correct predictions.
  public mutating func trainBatch(_ batch: Batch, generator: inout SeededGenerator) -> (loss: Double, correct: Int) {
    network.zeroGradients()
    let pass = network.forward(batch.inputs, steps: batch.steps, batch: batch.batchSize, mode: .training, generator: &generator)
    let objective = SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: batch.batchSize,
                                     classes: network.config.outputs, labels: batch.labels)
    network.backward(pass, outputGradient: objective.outputGradient())
    step()
    return (Double(objective.loss), objective.correct)
  }

  /// Returns the evaluation loss and per-sample accuracy on `split` (rounded integer delays,
  /// sigma 0, running statistics). The training state is not changed.
  public func evaluate(_ split: BatchProvider, progress: Progress? = nil) -> SplitScore {
    var copy = network
    var unused = SeededGenerator(seed: 0)
    var lossSum = 0.0
    var correct = 0
    var samples = 0
    for batch in IteratorSequence(split.batches(size: settings.batchSize, shuffleSeed: nil)) {
      let pass = copy.forward(batch.inputs, steps: batch.steps, batch: batch.batchSize, mode: .evaluation, generator: &unused)
      let objective = SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: batch.batchSize,
                                       classes: network.config.outputs, labels: batch.labels)
      lossSum += Double(objective.loss) * Double(batch.batchSize)
      correct += objective.correct
      samples += batch.batchSize
      progress?.advance(by: batch.batchSize)
    }
    return SplitScore(loss: samples > 0 ? lossSum / Double(samples) : 0,
                      accuracy: samples > 0 ? Double(correct) / Double(samples) : 0, samples: samples)
  }

  /// Trains one epoch on `train`, steps the schedules, and evaluates on `valid` (when given) and
  /// `test`. Returns and records the epoch's metrics.
  @discardableResult
  public mutating func runEpoch(train: BatchProvider, valid: BatchProvider?, test: BatchProvider,
                                log: ((String) -> Void)? = nil) -> EpochMetrics {
    let epoch = epochsDone
    let startPositions = network.allPositions
    let learningRate = weightOptimiser.learningRate
    // Shuffling and dropout draw from streams of the run's seed and the epoch, so a run resumed
    // at an epoch boundary draws the same numbers as an uninterrupted one.
    let epochSeed = settings.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15
    var dropoutGenerator = SeededGenerator(seed: epochSeed, stream: "dropout")
    let started = Date()
    let bar = Progress(label: "epoch \(epoch + 1)/\(settings.epochs) train", total: train.sampleCount)
    var lossSum = 0.0
    var correct = 0
    var samples = 0
    for batch in IteratorSequence(train.batches(size: settings.batchSize, shuffleSeed: epochSeed)) {
      let result = trainBatch(batch, generator: &dropoutGenerator)
      lossSum += result.loss * Double(batch.batchSize)
      correct += result.correct
      samples += batch.batchSize
      bar.advance(by: batch.batchSize, note: String(format: "loss %.4f", lossSum / Double(samples)))
    }
    bar.finish()
    let trainSeconds = Date().timeIntervalSince(started)

    // Each scheduler steps once per epoch, then the sigma schedule.
    let next = oneCycle.values(atStep: epoch + 1)
    weightOptimiser.learningRate = next.learningRate
    weightOptimiser.beta1 = next.beta1
    positionOptimiser.learningRate = cosine.learningRate(atStep: epoch + 1)
    if network.config.variant == .learned {
      network.sigma = Float(sigmaSchedule.next(after: epoch, sigma: Double(network.sigma)))
    }

    let evaluationStart = Date()
    let validScore = valid.map { evaluate($0, progress: Progress(label: "epoch \(epoch + 1) valid", total: $0.sampleCount)) }
    let testScore = evaluate(test, progress: Progress(label: "epoch \(epoch + 1) test", total: test.sampleCount))
    let endPositions = network.allPositions
    let change = endPositions.isEmpty ? 0 :
      zip(startPositions, endPositions).reduce(0.0) { $0 + Double(abs($1.1 - $1.0)) } / Double(endPositions.count)
    let record = EpochMetrics(
      epoch: epoch + 1, trainLoss: samples > 0 ? lossSum / Double(samples) : 0,
      trainAccuracy: samples > 0 ? Double(correct) / Double(samples) : 0,
      validLoss: validScore?.loss, validAccuracy: validScore?.accuracy,
      testLoss: testScore.loss, testAccuracy: testScore.accuracy,
      trainSeconds: trainSeconds, evalSeconds: Date().timeIntervalSince(evaluationStart),
      learningRate: learningRate, sigma: network.config.variant == .learned ? Double(network.sigma) : 0,
      meanPositionChange: network.config.variant == .learned ? change : 0)
    metrics.append(record)
    epochsDone += 1
    log?(String(format: "epoch %d/%d  train loss %.4f acc %.4f  %@test loss %.4f acc %.4f  lr %.2e  sigma %.3f  %.1fs",
                record.epoch, settings.epochs, record.trainLoss, record.trainAccuracy,
                record.validAccuracy.map { String(format: "valid acc %.4f  ", $0) } ?? "",
                record.testLoss, record.testAccuracy, learningRate, record.sigma, trainSeconds + record.evalSeconds))
    return record
  }
}

// MARK: - Saving and resuming

extension Trainer {
  /// File names inside a run folder.
  public static let checkpointFile = "checkpoint.safetensors"
  public static let optimiserFile = "optimiser.safetensors"
  public static let metricsFile = "metrics.json"
  /// The checkpoint metadata key holding the `TrainingSettings` of the run as JSON.
  public static let settingsMetadataKey = "dcls_delays.training"

  /// Writes the network, the optimiser state and the metrics into `folder`, each file under a
  /// temporary name first. The metrics file is written last, so it marks the epoch as complete.
  public func save(to folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var checkpoint = network.stateDictionary()
    checkpoint.metadata["dcls_delays.epochs_done"] = String(epochsDone)
    if let json = try? JSONEncoder.sorted.encode(settings) {
      checkpoint.metadata[Self.settingsMetadataKey] = String(decoding: json, as: UTF8.self)
    }
    try checkpoint.write(to: folder.appendingPathComponent(Self.checkpointFile))
    var state = SafeTensors()
    for (name, optimiser) in [("weights", weightOptimiser), ("positions", positionOptimiser)] {
      for key in optimiser.firstMoment.keys.sorted() {
        let m = optimiser.firstMoment[key]!
        state.add("\(name).m.\(key)", SafeTensors.Tensor(m, shape: [m.count]))
        let v = optimiser.secondMoment[key]!
        state.add("\(name).v.\(key)", SafeTensors.Tensor(v, shape: [v.count]))
      }
      state.metadata["\(name).step"] = String(optimiser.step)
    }
    state.metadata["epochs_done"] = String(epochsDone)
    try state.write(to: folder.appendingPathComponent(Self.optimiserFile))
    let metricsURL = folder.appendingPathComponent(Self.metricsFile)
    let temporary = folder.appendingPathComponent(".\(Self.metricsFile).partial")
    let encoder = JSONEncoder.sorted
    encoder.outputFormatting.insert(.prettyPrinted)
    do {
      try encoder.encode(metrics).write(to: temporary)
      try renameReplacing(temporary, metricsURL)
    } catch {
      throw CheckpointError.unwritable(path: metricsURL.path, reason: error.localizedDescription)
    }
  }

  /// Restores a trainer saved by `save(to:)` after its last complete epoch, or returns nil when
  /// `folder` contains no complete save. The schedules are replayed to the saved epoch.
  public static func resume(from folder: URL, config: NetworkConfig, settings: TrainingSettings) throws -> Trainer? {
    let metricsURL = folder.appendingPathComponent(metricsFile)
    let checkpointURL = folder.appendingPathComponent(checkpointFile)
    let optimiserURL = folder.appendingPathComponent(optimiserFile)
    let manager = FileManager.default
    guard manager.fileExists(atPath: metricsURL.path), manager.fileExists(atPath: checkpointURL.path),
          manager.fileExists(atPath: optimiserURL.path) else { return nil }
    let metrics: [EpochMetrics]
    do {
      metrics = try JSONDecoder().decode([EpochMetrics].self, from: Data(contentsOf: metricsURL))
    } catch {
      throw CheckpointError.malformed(path: metricsURL.path, reason: "not a list of epoch metrics (\(error))")
    }
    let checkpoint = try SafeTensors.read(checkpointURL)
    // A run continues only with the settings it started with; anything else would mix two runs.
    let savedConfig = try Network<Float>.config(of: checkpoint, path: checkpointURL.path)
    if savedConfig != config {
      let (saved, requested) = differingFields(savedConfig, config)
      throw CheckpointError.otherSettings(path: checkpointURL.path, saved: saved, requested: requested)
    }
    if let text = checkpoint.metadata[settingsMetadataKey],
       let saved = try? JSONDecoder().decode(TrainingSettings.self, from: Data(text.utf8)), saved != settings {
      let (savedFields, requested) = differingFields(saved, settings)
      throw CheckpointError.otherSettings(path: checkpointURL.path, saved: savedFields, requested: requested)
    }
    let state = try SafeTensors.read(optimiserURL)
    let epochs = metrics.count
    // The three files are renamed one after the other; a save cut between them is not resumed.
    guard checkpoint.metadata["dcls_delays.epochs_done"] == String(epochs), state.metadata["epochs_done"] == String(epochs) else {
      return nil
    }
    var trainer = Trainer(config: config, settings: settings)
    try trainer.network.load(checkpoint, path: checkpointURL.path)
    for name in ["weights", "positions"] {
      var optimiser = name == "weights" ? trainer.weightOptimiser : trainer.positionOptimiser
      for tensorName in state.names where tensorName.hasPrefix("\(name).m.") {
        let key = String(tensorName.dropFirst("\(name).m.".count))
        optimiser.firstMoment[key] = state.tensors[tensorName]!.values(as: Float.self)
        optimiser.secondMoment[key] = try state.tensor("\(name).v.\(key)", path: optimiserURL.path).values(as: Float.self)
      }
      optimiser.restore(step: Int(state.metadata["\(name).step"] ?? "0") ?? 0)
      if name == "weights" { trainer.weightOptimiser = optimiser } else { trainer.positionOptimiser = optimiser }
    }
    let next = trainer.oneCycle.values(atStep: epochs)
    trainer.weightOptimiser.learningRate = next.learningRate
    trainer.weightOptimiser.beta1 = next.beta1
    trainer.positionOptimiser.learningRate = trainer.cosine.learningRate(atStep: epochs)
    trainer.metrics = metrics
    trainer.epochsDone = epochs
    return trainer
  }
}

/// Returns a short description of settings for error messages: the JSON with sorted keys.
/// Returns the fields in which `saved` and `requested` differ, as `name value` lists, or both
/// whole when their JSON forms cannot be compared field by field.
private func differingFields<T: Encodable>(_ saved: T, _ requested: T) -> (saved: String, requested: String) {
  func fields(_ value: T) -> [String: String] {
    guard let data = try? JSONEncoder.sorted.encode(value),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
    return object.mapValues { "\($0)" }
  }
  let (old, new) = (fields(saved), fields(requested))
  let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
  guard !names.isEmpty else { return (describe(saved), describe(requested)) }
  func list(_ values: [String: String]) -> String { names.map { "\($0) \(values[$0] ?? "none")" }.joined(separator: ", ") }
  return (list(old), list(new))
}

private func describe<T: Encodable>(_ value: T) -> String {
  (try? JSONEncoder.sorted.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
}
