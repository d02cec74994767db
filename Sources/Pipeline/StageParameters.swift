import SpikingNetwork

// The parameters of each kind of stage as the planner writes them. A stage action decodes its
// stage's parameters with `StageContext.parameters(as:)`.

/// Parameters of `fetch` and `unpack` stages.
public struct DatasetParameters: Codable, Equatable, Sendable {
  public var dataset: DatasetName
}

/// Parameters of a `preprocess` stage: frames of one dataset.
public struct PreprocessParameters: Codable, Equatable, Sendable {
  public var dataset: DatasetName
  /// Binning of spike events; nil for audio datasets.
  public var binning: Binning?
  public var timeStepMs: Double
}

/// Parameters of a `train` stage: one variant on one dataset with one seed.
///
/// Settings that the variant does not use are nil, so changing them does not retrain it. The
/// `none` variant has no taps, delays per synapse, position learning rate or sigma schedule.
/// The `fixed` variant trains no positions and keeps sigma at 0.
public struct TrainParameters: Codable, Equatable, Sendable {
  public var dataset: DatasetName
  public var binning: Binning?
  public var variant: DelayVariant
  public var seed: Int
  /// Input channels I.
  public var inputs: Int
  /// Output classes C.
  public var classes: Int
  /// The split on which the best epoch is selected.
  public var selection: Split
  public var hiddenLayers: Int
  public var hidden: Int
  public var taps: Int?
  public var delaysPerSynapse: Int?
  public var dropout: Double
  public var tauMs: Double
  public var timeStepMs: Double
  public var batchSize: Int
  public var epochs: Int
  public var learningRate: Double
  public var weightDecay: Double
  public var maxLearningRate: Double
  public var positionLearningRateFactor: Double?
  public var sigmaSchedule: SigmaScheduleSettings?

  public init(dataset entry: DatasetEntry, variant: DelayVariant, seed: Int, network: NetworkSettings) {
    dataset = entry.name
    binning = entry.binning
    self.variant = variant
    self.seed = seed
    inputs = entry.name.inputs
    classes = entry.name.classes
    selection = entry.name.selectionSplit
    hiddenLayers = network.hiddenLayers
    hidden = network.hidden
    taps = variant == .none ? nil : network.taps
    delaysPerSynapse = variant == .none ? nil : network.delaysPerSynapse
    dropout = network.dropout
    tauMs = network.tauMs
    timeStepMs = network.timeStepMs
    batchSize = network.batchSize
    epochs = network.epochs
    learningRate = network.learningRate
    weightDecay = network.weightDecay
    maxLearningRate = network.maxLearningRate
    positionLearningRateFactor = variant == .learned ? network.positionLearningRateFactor : nil
    sigmaSchedule = variant == .learned ? network.sigmaSchedule : nil
  }
}

/// Parameters of an `evaluate` stage: the selected model of one training run on one split.
public struct EvaluateParameters: Codable, Equatable, Sendable {
  public var dataset: DatasetName
  public var binning: Binning?
  public var variant: DelayVariant
  public var seed: Int
  public var split: Split
}

/// Parameters of the `report` stage: which runs it compares, in report order.
public struct ReportParameters: Codable, Equatable, Sendable {
  /// Dataset labels such as `shd-legacy`.
  public var datasets: [String]
  public var variants: [DelayVariant]
  public var seeds: [Int]
}

/// Cosmetic settings of the `report` stage, outside its key.
public struct ReportPresentation: Codable, Equatable, Sendable {
  public var pipeline: String
  public var description: String
  public var title: String
  public var figureTitles: [String: String]
}
