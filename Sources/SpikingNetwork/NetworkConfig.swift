/// The synapse variant of a network: the subject of the paper's ablation.
public enum DelayVariant: String, Codable, Sendable, CaseIterable {
  /// Dense synapses, one linear map per time step (the reference's `snn`).
  case none
  /// DCLS synapses with positions drawn at initialisation, rounded and never trained
  /// (`snn_delays_lr0`).
  case fixed
  /// DCLS synapses with trained positions (`snn_delays`).
  case learned
}

/// The settings of one network, as stored in a checkpoint's `dcls_delays.config` metadata.
///
/// Key names match the checkpoint interface: `variant`, `inputs`, `hidden`, `hiddenLayers`,
/// `outputs`, `taps`, `delaysPerSynapse`, `tau`, `threshold`, `outputThreshold`, `batchNorm`,
/// `dropout`, `surrogateAlpha`.
public struct NetworkConfig: Codable, Equatable, Sendable {
  public var variant: DelayVariant
  /// Input channels I.
  public var inputs: Int
  /// Width H of each hidden layer.
  public var hidden: Int
  /// Number L of hidden layers.
  public var hiddenLayers: Int
  /// Output classes C.
  public var outputs: Int
  /// Kernel taps K of every DCLS layer (odd); ignored by the `none` variant.
  public var taps: Int
  /// Weight-position pairs n per synapse (DCLS `kernel_count`).
  public var delaysPerSynapse: Int
  /// Membrane time constant in time steps, `(init_tau_ms + 1e-9) / time_step_ms`.
  public var tau: Double
  /// Firing threshold of the hidden LIF neurons.
  public var threshold: Double
  /// Threshold of the readout neurons, high enough that they never fire.
  public var outputThreshold: Double
  /// Whether each hidden block has batch normalisation.
  public var batchNorm: Bool
  /// Dropout probability on hidden spikes.
  public var dropout: Double
  /// Steepness `alpha` of the ATan surrogate gradient.
  public var surrogateAlpha: Double

  public init(
    variant: DelayVariant, inputs: Int, hidden: Int, hiddenLayers: Int, outputs: Int, taps: Int,
    delaysPerSynapse: Int, tau: Double, threshold: Double = 1.0, outputThreshold: Double = 1e9,
    batchNorm: Bool = true, dropout: Double, surrogateAlpha: Double = 5.0
  ) {
    self.variant = variant
    self.inputs = inputs
    self.hidden = hidden
    self.hiddenLayers = hiddenLayers
    self.outputs = outputs
    self.taps = taps
    self.delaysPerSynapse = delaysPerSynapse
    self.tau = tau
    self.threshold = threshold
    self.outputThreshold = outputThreshold
    self.batchNorm = batchNorm
    self.dropout = dropout
    self.surrogateAlpha = surrogateAlpha
  }
}

/// The measurements of one training epoch. One JSON object per epoch in a run's `metrics.json`.
public struct EpochMetrics: Codable, Equatable, Sendable {
  /// Epoch number, starting at 1.
  public var epoch: Int
  /// Mean training loss over the epoch's batches.
  public var trainLoss: Double
  /// Fraction of training samples classified correctly (training-mode forward).
  public var trainAccuracy: Double
  /// Evaluation loss and per-sample accuracy on the validation split, when the dataset has one.
  public var validLoss: Double?
  public var validAccuracy: Double?
  /// Evaluation loss and per-sample accuracy on the test split.
  public var testLoss: Double
  public var testAccuracy: Double
  /// Wall time of the training part of the epoch, in seconds.
  public var trainSeconds: Double
  /// Wall time of the evaluation part of the epoch, in seconds.
  public var evalSeconds: Double
  /// Learning rate of the weights during this epoch.
  public var learningRate: Double
  /// Sigma of the DCLS layers after this epoch's schedule step (0 for `none` and `fixed`).
  public var sigma: Double
  /// Mean absolute change of the positions over this epoch, in time steps (0 unless `learned`).
  public var meanPositionChange: Double

  public init(
    epoch: Int, trainLoss: Double, trainAccuracy: Double, validLoss: Double? = nil,
    validAccuracy: Double? = nil, testLoss: Double, testAccuracy: Double, trainSeconds: Double,
    evalSeconds: Double, learningRate: Double, sigma: Double, meanPositionChange: Double
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.validLoss = validLoss
    self.validAccuracy = validAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.trainSeconds = trainSeconds
    self.evalSeconds = evalSeconds
    self.learningRate = learningRate
    self.sigma = sigma
    self.meanPositionChange = meanPositionChange
  }
}
