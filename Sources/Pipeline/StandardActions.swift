import Datasets
import Foundation
import Reports
import SpikingNetwork

// The actions behind each stage kind of `reproduce`:
//
//   fetch       verified archives in the dataset cache        -> files.json
//   unpack      archives unpacked into the dataset cache      -> unpacked.json
//   preprocess  frames of every split                         -> train/, test/ (and valid/)
//   train       one network, resumable per epoch              -> run.json, metrics.json, sample.json,
//                                                                checkpoint.safetensors, best.safetensors
//   evaluate    the selected epoch's network on the test split -> evaluation.json
//   report      tables and figures of every run               -> README.md, tables/, figures/
//
// Archives and unpacked files stay in the dataset cache (`downloads/`, `unpacked/`), shared by
// every pipeline. The fetch and unpack stages record what is there, so a changed archive changes
// their outputs and every stage after them.

/// Returns the dataset description of a pipeline dataset name.
func datasetDescription(_ name: DatasetName) -> DatasetDescription {
  do {
    return try DatasetDescription.named(name.rawValue)
  } catch {
    preconditionFailure("no dataset description for \(name.rawValue): \(error)")
  }
}

/// Returns the name of a split's folder in a preprocess stage's outputs.
func splitFolderName(_ split: Split, of dataset: DatasetDescription) -> String? {
  switch split {
  case .train: return dataset.splits.contains("train") ? "train" : nil
  case .test: return dataset.splits.contains("test") ? "test" : nil
  case .validation: return dataset.splits.first { $0 != "train" && $0 != "test" }
  }
}

/// Writes `value` as sorted, pretty-printed JSON.
func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
  let encoder = JSONEncoder.sorted
  encoder.outputFormatting.insert(.prettyPrinted)
  try encoder.encode(value).write(to: url)
}

struct FetchAction: StageAction {
  let cache: DatasetCache
  let shippedRoots: [URL]

  func run(_ context: StageContext) throws {
    let dataset = datasetDescription(try context.parameters(as: DatasetParameters.self).dataset)
    let fetcher = Fetcher(cache: cache, shippedRoots: shippedRoots, showsProgress: true)
    var files: [String: String] = [:]
    for file in dataset.files {
      _ = try fetcher.fetch(file)
      files[file.name] = file.checksum.description
    }
    try writeJSON(files, to: context.outputs.appendingPathComponent("files.json"))
  }
}

struct UnpackAction: StageAction {
  let cache: DatasetCache
  let shippedRoots: [URL]

  func run(_ context: StageContext) throws {
    let dataset = datasetDescription(try context.parameters(as: DatasetParameters.self).dataset)
    let preparer = DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: shippedRoots), showsProgress: true)
    var listing: [String: Int] = [:]
    for folder in try preparer.unpack(dataset) {
      let files = FileManager.default.enumerator(atPath: folder.path)?.allObjects.count ?? 0
      listing[folder.lastPathComponent] = files
    }
    try writeJSON(listing, to: context.outputs.appendingPathComponent("unpacked.json"))
  }
}

struct PreprocessAction: StageAction {
  let cache: DatasetCache
  let shippedRoots: [URL]

  func run(_ context: StageContext) throws {
    let parameters = try context.parameters(as: PreprocessParameters.self)
    let dataset = datasetDescription(parameters.dataset)
    var preparer = DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: shippedRoots), showsProgress: true)
    preparer.framesRoot = context.outputs
    preparer.subset = parameters.subset
    let splits = try preparer.prepare(dataset, binning: parameters.binning ?? .legacy)
    for name in splits.keys.sorted() {
      context.log("\(name): \(splits[name]!.count) samples of \(splits[name]!.channels) channels")
    }
  }
}

/// Returns the network and training settings of a train stage.
func trainingSetup(_ parameters: TrainParameters) -> (NetworkConfig, TrainingSettings) {
  let config = NetworkConfig(
    variant: parameters.variant, inputs: parameters.inputs, hidden: parameters.hidden,
    hiddenLayers: parameters.hiddenLayers, outputs: parameters.classes, taps: parameters.taps ?? 1,
    delaysPerSynapse: parameters.delaysPerSynapse ?? 1,
    tau: (parameters.tauMs + 1e-9) / parameters.timeStepMs, dropout: parameters.dropout)
  var settings = TrainingSettings(
    epochs: parameters.epochs, batchSize: parameters.batchSize, seed: UInt64(parameters.seed),
    learningRate: parameters.learningRate, maxLearningRate: parameters.maxLearningRate,
    weightDecay: parameters.weightDecay, positionLearningRateFactor: parameters.positionLearningRateFactor ?? 100)
  if let schedule = parameters.sigmaSchedule {
    settings.sigmaFinal = schedule.final
    settings.sigmaEpochsDivisor = schedule.epochsDivisor
  }
  return (config, settings)
}

/// Counts, for each DCLS layer of `network`, the weights per integer delay `K div 2 - round(p)`.
func delayCounts(_ network: Network<Float>) -> [[Int]] {
  network.synapses.compactMap { synapse -> [Int]? in
    guard case .delay(var layer) = synapse else { return nil }
    layer.roundPositions()
    var counts = [Int](repeating: 0, count: layer.taps)
    for position in layer.position.value { counts[layer.taps / 2 - Int(position)] += 1 }
    return counts
  }
}

struct TrainAction: StageAction {
  static let bestFile = "best.safetensors"

  func run(_ context: StageContext) throws {
    let parameters = try context.parameters(as: TrainParameters.self)
    let dataset = datasetDescription(parameters.dataset)
    let frames = context.inputs[0]
    func open(_ split: Split) throws -> FrameSplit? {
      guard let name = splitFolderName(split, of: dataset) else { return nil }
      return try FrameSplit(folder: frames.file(name))
    }
    guard let train = try open(.train), let test = try open(.test) else {
      preconditionFailure("\(dataset.name) has no train or test split")
    }
    let valid = try open(.validation)
    let (config, settings) = trainingSetup(parameters)
    let initial = Trainer(config: config, settings: settings)

    var trainer = initial
    var best: (accuracy: Double, state: SafeTensors)?
    if let checkpoint = context.checkpoints.latest(),
       let resumed = try Trainer.resume(from: checkpoint.folder, config: config, settings: settings) {
      trainer = resumed
      let bestURL = checkpoint.folder.appendingPathComponent(Self.bestFile)
      if let state = try? SafeTensors.read(bestURL), let accuracy = Double(state.metadata["dcls_delays.selection_accuracy"] ?? "") {
        best = (accuracy, state)
      }
      context.log("resuming after epoch \(trainer.epochsDone) of \(settings.epochs)")
    }
    context.log("\(config.variant == .none ? "no" : config.variant.rawValue) delays, \(config.hiddenLayers) x \(config.hidden), \(trainer.network.parameterCount) parameters, \(train.count) training samples")

    while trainer.epochsDone < settings.epochs {
      let record = trainer.runEpoch(train: FrameBatches(train), valid: valid.map(FrameBatches.init), test: FrameBatches(test),
                                    log: context.log)
      let selection = (parameters.selection == .validation ? record.validAccuracy : nil) ?? record.testAccuracy
      if best == nil || selection > best!.accuracy {
        var state = trainer.network.stateDictionary()
        state.metadata["dcls_delays.selection_accuracy"] = String(selection)
        state.metadata["dcls_delays.epoch"] = String(record.epoch)
        best = (selection, state)
      }
      try context.checkpoints.save(epoch: trainer.epochsDone) { folder in
        try trainer.save(to: folder)
        try best!.state.write(to: folder.appendingPathComponent(Self.bestFile))
      }
    }

    let outputs = context.outputs
    try trainer.save(to: outputs)
    try? FileManager.default.removeItem(at: outputs.appendingPathComponent(Trainer.optimiserFile))
    try best?.state.write(to: outputs.appendingPathComponent(Self.bestFile))
    let histograms = zip(delayCounts(initial.network), delayCounts(trainer.network)).enumerated().map {
      DelayHistogram(layer: $0.offset + 1, initial: $0.element.0, final: $0.element.1)
    }
    let input: InputKind = parameters.binning.map { $0 == .legacy ? .legacy : .grid } ?? .mel
    let settingsRecord = RunSettings(
      dataset: dataset.name, input: input, seed: settings.seed, network: config, epochsPlanned: settings.epochs,
      hasValidationSplit: valid != nil, delayHistograms: histograms.isEmpty ? nil : histograms)
    try writeJSON(settingsRecord, to: outputs.appendingPathComponent("run.json"))
    let frames0 = test.frames(of: 0)
    let channels = test.channels
    let sample = InputSample(
      label: test.labels[0], className: test.classNames.indices.contains(test.labels[0]) ? test.classNames[test.labels[0]] : nil,
      frames: stride(from: 0, to: frames0.count, by: channels).map { frames0[$0..<($0 + channels)].map(Double.init) })
    try writeJSON(sample, to: outputs.appendingPathComponent("sample.json"))
  }
}

/// The accuracy and loss an evaluate stage measured.
struct EvaluationRecord: Codable {
  var split: String
  var epoch: Int
  var accuracy: Double
  var loss: Double
  var samples: Int
  var variant: DelayVariant
  var seed: Int
}

struct EvaluateAction: StageAction {
  func run(_ context: StageContext) throws {
    let parameters = try context.parameters(as: EvaluateParameters.self)
    let dataset = datasetDescription(parameters.dataset)
    let training = context.inputs[0]
    let frames = context.inputs[1]
    guard let splitName = splitFolderName(parameters.split, of: dataset) else {
      preconditionFailure("\(dataset.name) has no \(parameters.split.rawValue) split")
    }
    let bestURL = training.file(TrainAction.bestFile)
    let state = try SafeTensors.read(bestURL)
    let config = try Network<Float>.config(of: state, path: bestURL.path)
    let trainParameters = try training.parameters.decode(TrainParameters.self)
    var (_, settings) = trainingSetup(trainParameters)
    settings.batchSize = trainParameters.batchSize
    var trainer = Trainer(config: config, settings: settings)
    try trainer.network.load(state, path: bestURL.path)
    let split = try FrameSplit(folder: frames.file(splitName))
    let score = trainer.evaluate(FrameBatches(split))
    context.log(String(format: "%@ accuracy %.4f (epoch %@, %d samples)", splitName, score.accuracy,
                       state.metadata["dcls_delays.epoch"] ?? "?", score.samples))
    try writeJSON(EvaluationRecord(split: splitName, epoch: Int(state.metadata["dcls_delays.epoch"] ?? "0") ?? 0,
                                   accuracy: score.accuracy, loss: score.loss, samples: score.samples,
                                   variant: parameters.variant, seed: parameters.seed),
                  to: context.outputs.appendingPathComponent("evaluation.json"))
  }
}

struct ReportAction: StageAction {
  let gnuplot: String

  func run(_ context: StageContext) throws {
    let presentation = try context.presentation(as: ReportPresentation.self)
    let trainInputs = context.inputs.filter { $0.kind == .train }
    var runs = try trainInputs.map { input -> RunRecord in
      var run = try loadRun(at: input.outputs)
      run.name = ReportAction.runName(input.stage)
      return run
    }
    // A no-delay network has no taps. It takes those of the delay runs it is compared with, so
    // that the report puts the three variants of one network in one group.
    for index in runs.indices where runs[index].settings.network.variant == .none {
      let network = runs[index].settings.network
      if let partner = runs.first(where: {
        $0.settings.dataset == runs[index].settings.dataset && $0.settings.network.variant != .none
          && $0.settings.network.hidden == network.hidden && $0.settings.network.hiddenLayers == network.hiddenLayers
      }) {
        runs[index].settings.network.taps = partner.settings.network.taps
        runs[index].settings.network.delaysPerSynapse = partner.settings.network.delaysPerSynapse
      }
    }
    var stages: [StageRecord] = []
    for input in context.inputs {
      var seconds: Double?
      if input.kind == .train, let run = try? loadRun(at: input.outputs) {
        seconds = run.metrics.reduce(0) { $0 + $1.trainSeconds + $1.evalSeconds }
      }
      stages.append(StageRecord(stage: input.stage, key: input.manifest.key, wallSeconds: seconds))
    }
    let settings = ReportSettings(pipeline: presentation.pipeline, stages: stages, software: SoftwareVersion.detect(),
                                  machine: MachineInfo.current(), gnuplot: gnuplot)
    try renderReport(runs: runs, into: context.outputs, settings: settings)
    try publishRunRecords(runs, context)
  }

  /// Returns the run name of a train or evaluate stage: its name without the kind, such as
  /// `fsdd/learned/seed0`.
  static func runName(_ stage: String) -> String {
    stage.split(separator: "/").dropFirst().joined(separator: "/")
  }

  /// Writes each run's settings (as the report used them), metrics and evaluation into
  /// `runs/NAME/`, so that the published results hold the numbers their tables are computed from.
  private func publishRunRecords(_ runs: [RunRecord], _ context: StageContext) throws {
    let manager = FileManager.default
    let root = context.outputs.appendingPathComponent("runs")
    for run in runs {
      let folder = root.appendingPathComponent(run.name)
      try manager.createDirectory(at: folder, withIntermediateDirectories: true)
      try writeJSON(run.settings, to: folder.appendingPathComponent("run.json"))
      try writeJSON(run.metrics, to: folder.appendingPathComponent("metrics.json"))
    }
    for input in context.inputs where input.kind == .evaluate {
      let folder = root.appendingPathComponent(Self.runName(input.stage))
      try manager.createDirectory(at: folder, withIntermediateDirectories: true)
      try manager.copyItem(at: input.file("evaluation.json"), to: folder.appendingPathComponent("evaluation.json"))
    }
  }
}

extension StandardStages {
  /// Returns the actions of every stage kind, over the dataset cache at `cacheRoot`.
  public static func actions(cacheRoot: URL, shippedRoots: [URL] = Fetcher.defaultShippedRoots,
                             gnuplot: String = "gnuplot") -> [StageKind: any StageAction] {
    let cache = DatasetCache(root: cacheRoot)
    return [
      .fetch: FetchAction(cache: cache, shippedRoots: shippedRoots),
      .unpack: UnpackAction(cache: cache, shippedRoots: shippedRoots),
      .preprocess: PreprocessAction(cache: cache, shippedRoots: shippedRoots),
      .train: TrainAction(),
      .evaluate: EvaluateAction(),
      .report: ReportAction(gnuplot: gnuplot),
    ]
  }
}
