import Foundation
import SpikingNetwork

// The input of a report: one folder per training run.
//
// A run folder contains:
//
//   run.json      RunSettings: dataset, input kind, seed, network, epochs planned, validation
//                 split, and optionally the delay histograms of each DCLS layer.
//   metrics.json  An array of SpikingNetwork.EpochMetrics, one object per finished epoch, in
//                 epoch order. Absent or empty while the run has not finished an epoch.
//   sample.json   Optional InputSample: one input sample for the raster or spectrogram figure.
//
// A training stage writes run.json when it plans the run and rewrites metrics.json after each
// epoch, so a report rendered mid-pipeline shows finished, partial and missing runs.

/// The preprocessing that made a run's input frames.
public enum InputKind: String, Codable, Sendable, CaseIterable {
  /// Spike events binned the way the paper's code did (frames start at the first unbinned event).
  case legacy
  /// Spike events binned on a uniform 10 ms grid counted from the recording start.
  case grid
  /// Audio turned into 140 mel bands in decibels, 101 frames per second.
  case mel

  /// Whether the frames hold spike counts (shown as a raster) rather than a spectrogram.
  public var isSpikes: Bool { self != .mel }
}

/// The delays of one DCLS layer, counted per integer delay.
///
/// `initial[d]` and `final[d]` count the weight-position pairs of the layer whose rounded position
/// `p` gives a delay of `d = K div 2 - p` time steps, for `d` in `0..<K` (K kernel taps).
/// `initial` is taken right after initialisation, `final` after the last epoch. Each array sums
/// to the layer's pair count, `outputs * inputs * delaysPerSynapse`.
public struct DelayHistogram: Codable, Equatable, Sendable {
  /// Synapse layer, from 1 (input to first hidden layer) to L + 1 (last hidden layer to readout).
  public var layer: Int
  public var initial: [Int]
  public var final: [Int]

  public init(layer: Int, initial: [Int], final: [Int]) {
    self.layer = layer
    self.initial = initial
    self.final = final
  }
}

/// The settings of one run, stored as its `run.json`.
///
/// The delay variant is `network.variant`. The parameter count is not stored: the report
/// computes it from `network` with `parameterCount(of:)`, so every table counts the same way.
public struct RunSettings: Codable, Equatable, Sendable {
  /// Dataset name: `shd`, `ssc`, `gsc` and `fsdd` are known to the report; other names are
  /// shown as given and have no published number.
  public var dataset: String
  public var input: InputKind
  public var seed: UInt64
  public var network: NetworkConfig
  /// Epochs the run is configured to train.
  public var epochsPlanned: Int
  /// Whether the dataset has a validation split; it decides the model-selection rule.
  public var hasValidationSplit: Bool
  /// Delay histograms of the DCLS layers, one per synapse layer (DCLS variants only).
  public var delayHistograms: [DelayHistogram]?

  public init(
    dataset: String, input: InputKind, seed: UInt64, network: NetworkConfig, epochsPlanned: Int,
    hasValidationSplit: Bool, delayHistograms: [DelayHistogram]? = nil
  ) {
    self.dataset = dataset
    self.input = input
    self.seed = seed
    self.network = network
    self.epochsPlanned = epochsPlanned
    self.hasValidationSplit = hasValidationSplit
    self.delayHistograms = delayHistograms
  }

  public var variant: DelayVariant { network.variant }
}

/// One input sample, stored as a run's optional `sample.json`.
public struct InputSample: Codable, Equatable, Sendable {
  /// Class index of the sample.
  public var label: Int
  /// Class name, when the dataset has names (`extra/keys` of SHD and SSC, the word of GSC).
  public var className: String?
  /// Frames, shape (T, I): `frames[t][i]` is the spike count or the decibel value of input `i`
  /// in frame `t`.
  public var frames: [[Double]]
  /// Duration of one frame in milliseconds.
  public var frameMilliseconds: Double

  public init(label: Int, className: String? = nil, frames: [[Double]], frameMilliseconds: Double = 10) {
    self.label = label
    self.className = className
    self.frames = frames
    self.frameMilliseconds = frameMilliseconds
  }
}

/// A run as the report reads it: its settings, the epochs it finished and its optional sample.
public struct RunRecord: Equatable, Sendable {
  /// Folder name (or any short identifier) shown in the report's run list.
  public var name: String
  public var settings: RunSettings
  /// Finished epochs in order; empty when the run has not finished one.
  public var metrics: [EpochMetrics]
  public var sample: InputSample?

  public init(name: String, settings: RunSettings, metrics: [EpochMetrics], sample: InputSample? = nil) {
    self.name = name
    self.settings = settings
    self.metrics = metrics
    self.sample = sample
  }

  /// Whether the run finished every planned epoch.
  public var isComplete: Bool { metrics.count >= settings.epochsPlanned && !metrics.isEmpty }
}
