import Foundation
import SpikingNetwork

/// A pipeline file of `pipelines/`: which datasets to train on, with which network settings,
/// which delay variants to compare, over which seeds, and how the report looks.
///
/// Decoding is strict: an unknown key, a value of the wrong type or out of range, an unknown
/// dataset or variant is an error naming the JSON path and the allowed values. Settings left out
/// take the defaults of `DatasetName.defaultNetwork`. Encoding writes the resolved form, with
/// every default filled in, which decodes back to an equal value.
public struct PipelineFile: Equatable, Sendable {
  /// Name of the pipeline; its results go to `results/<name>/`.
  public var name: String
  /// Free text for readers of the file and the report; not part of any stage key.
  public var description: String
  public var datasets: [DatasetEntry]
  /// The delay variants to compare, in report order.
  public var variants: [DelayVariant]
  /// One training run per seed, variant and dataset.
  public var seeds: [Int]
  public var report: ReportOptions

  public init(
    name: String, description: String = "", datasets: [DatasetEntry], variants: [DelayVariant],
    seeds: [Int], report: ReportOptions = ReportOptions()
  ) {
    self.name = name
    self.description = description
    self.datasets = datasets
    self.variants = variants
    self.seeds = seeds
    self.report = report
  }

  /// Reads and validates the pipeline file at `url`. Errors name the file as `displayPath`
  /// (the path the user typed) when given, else as `url.path`.
  public static func load(from url: URL, displayPath: String? = nil) throws -> PipelineFile {
    let file = displayPath ?? url.path
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw PipelineError.unreadableFile(file: file, reason: "the file does not exist or cannot be read. Pipeline files live in pipelines/, such as pipelines/fsdd.json.")
    }
    return try decode(data, file: file)
  }

  /// Validates the pipeline file contents `data`; `file` names the file in errors.
  public static func decode(_ data: Data, file: String) throws -> PipelineFile {
    let root: JSONValue
    do {
      root = try JSONDecoder().decode(JSONValue.self, from: data)
    } catch {
      throw PipelineError.unreadableFile(file: file, reason: "the file is not valid JSON: \(jsonSyntaxDetail(data)).")
    }
    do {
      return try PipelineFile(node: SchemaNode(value: root, path: "$"))
    } catch let violation as SchemaViolation {
      throw PipelineError.invalidFile(file: file, path: violation.path, message: violation.message)
    }
  }

  /// Describes where `data` stops being JSON, from `JSONSerialization`'s message ("Invalid value
  /// around character 17.") with the character offset turned into a line and column.
  private static func jsonSyntaxDetail(_ data: Data) -> String {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return "unexpected structure"
    } catch {
      var detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
      if detail.hasSuffix(".") { detail.removeLast() }
      guard let range = detail.range(of: "character "), let offset = Int(detail[range.upperBound...]) else {
        return detail
      }
      let before = data.prefix(offset)
      let line = before.filter { $0 == 0x0A }.count + 1
      let column = before.count - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
      return "\(detail) (line \(line), column \(column))"
    }
  }

  /// Returns the network settings of `variant` on `dataset`: the dataset's settings with the
  /// variant's overrides applied.
  public func network(for variant: DelayVariant, on dataset: DatasetEntry) -> NetworkSettings {
    dataset.variantOverrides[variant] ?? dataset.network
  }
}

/// The datasets a pipeline can train on.
public enum DatasetName: String, Codable, Sendable, CaseIterable {
  /// Spiking Heidelberg Digits: spike events of 700 channels, 20 classes.
  case shd
  /// Spiking Speech Commands: spike events of 700 channels, 35 classes.
  case ssc
  /// Google Speech Commands v0.02 with 35 classes: 16 kHz audio.
  case gsc
  /// Free Spoken Digit Dataset 1.0.10: 8 kHz audio, 10 classes, shipped with the project.
  case fsdd
  /// The FSDD recordings turned into spike events of 700 channels by the cochlear encoder.
  case spikingFsdd = "spiking-fsdd"

  /// Whether the inputs are spike events (binned into frames) rather than audio (mel frames).
  public var isSpiking: Bool { self == .shd || self == .ssc || self == .spikingFsdd }

  /// Input channels I of the network: 700 spike channels binned by 5, or 140 mel bands.
  public var inputs: Int { 140 }

  /// Output classes C.
  public var classes: Int {
    switch self {
    case .shd: return 20
    case .ssc, .gsc: return 35
    case .fsdd, .spikingFsdd: return 10
    }
  }

  /// The split that selects the best epoch: SHD and FSDD have no validation split, so their
  /// runs select on the test split, as the reference code does for SHD.
  public var selectionSplit: Split { self == .ssc || self == .gsc ? .validation : .test }

  /// The settings of the reference's configuration for this dataset. FSDD has no reference
  /// configuration and takes the GSC settings, since both are mel frames of 1 s of audio.
  /// spiking-fsdd takes the SHD settings, since both are cochlear spike trains of spoken digits.
  public var defaultNetwork: NetworkSettings {
    switch self {
    case .shd, .spikingFsdd:
      return NetworkSettings(
        hiddenLayers: 2, hidden: 256, taps: 25, delaysPerSynapse: 1, dropout: 0.4, tauMs: 10.05,
        batchSize: 256, epochs: 150)
    case .ssc:
      return NetworkSettings(
        hiddenLayers: 3, hidden: 512, taps: 31, delaysPerSynapse: 2, dropout: 0.25, tauMs: 15,
        batchSize: 128, epochs: 60)
    case .gsc, .fsdd:
      return NetworkSettings(
        hiddenLayers: 3, hidden: 512, taps: 31, delaysPerSynapse: 2, dropout: 0.25, tauMs: 15,
        batchSize: 128, epochs: 100)
    }
  }
}

/// A split of a dataset.
public enum Split: String, Codable, Sendable, CaseIterable {
  case train, validation, test
}

/// One dataset of a pipeline with its network settings.
public struct DatasetEntry: Equatable, Sendable {
  public var name: DatasetName
  /// Binning of spike events; nil for the audio datasets, which have no binning choice.
  public var binning: Binning?
  /// Settings of every variant without an override.
  public var network: NetworkSettings
  /// Complete settings of the variants that override some of `network`.
  public var variantOverrides: [DelayVariant: NetworkSettings]
  /// At most this many samples per split, taken evenly over each split so that every class
  /// stays; nil keeps every sample. For quick trial runs and tests.
  public var subset: Int?

  public init(
    name: DatasetName, binning: Binning? = nil, network: NetworkSettings? = nil,
    variantOverrides: [DelayVariant: NetworkSettings] = [:], subset: Int? = nil
  ) {
    self.name = name
    self.binning = binning ?? (name.isSpiking ? .legacy : nil)
    self.network = network ?? name.defaultNetwork
    self.variantOverrides = variantOverrides
    self.subset = subset
  }

  /// The dataset's name in stage names: `shd-legacy`, `ssc-grid`, `gsc`, `fsdd`.
  public var label: String {
    binning.map { "\(name.rawValue)-\($0.rawValue)" } ?? name.rawValue
  }
}

/// Network and training settings of one dataset (or of one variant on it).
public struct NetworkSettings: Codable, Equatable, Sendable {
  /// Number L of hidden layers.
  public var hiddenLayers: Int
  /// Width H of each hidden layer.
  public var hidden: Int
  /// Kernel taps K of the delay layers (odd): the maximum delay is `K - 1` time steps.
  public var taps: Int
  /// Weight-position pairs n per synapse.
  public var delaysPerSynapse: Int
  /// Dropout probability on hidden spikes.
  public var dropout: Double
  /// Membrane time constant in milliseconds.
  public var tauMs: Double
  /// Time step in milliseconds; every preprocessing mode produces 10 ms frames.
  public var timeStepMs: Double
  public var batchSize: Int
  public var epochs: Int
  /// Base learning rate of the weights (Adam).
  public var learningRate: Double
  /// L2 weight decay on synapse weights.
  public var weightDecay: Double
  /// Peak learning rate of the one-cycle schedule.
  public var maxLearningRate: Double
  /// Learning rate of the positions as a multiple of `learningRate`.
  public var positionLearningRateFactor: Double
  public var sigmaSchedule: SigmaScheduleSettings

  public init(
    hiddenLayers: Int, hidden: Int, taps: Int, delaysPerSynapse: Int, dropout: Double,
    tauMs: Double, timeStepMs: Double = 10, batchSize: Int, epochs: Int,
    learningRate: Double = 1e-3, weightDecay: Double = 1e-5, maxLearningRate: Double = 5e-3,
    positionLearningRateFactor: Double = 100, sigmaSchedule: SigmaScheduleSettings = SigmaScheduleSettings()
  ) {
    self.hiddenLayers = hiddenLayers
    self.hidden = hidden
    self.taps = taps
    self.delaysPerSynapse = delaysPerSynapse
    self.dropout = dropout
    self.tauMs = tauMs
    self.timeStepMs = timeStepMs
    self.batchSize = batchSize
    self.epochs = epochs
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.maxLearningRate = maxLearningRate
    self.positionLearningRateFactor = positionLearningRateFactor
    self.sigmaSchedule = sigmaSchedule
  }
}

/// The schedule of the width sigma of learned delays. Starting from `taps div 2`, sigma is
/// multiplied after each of the first `epochs div epochsDivisor` epochs by a constant factor, so
/// that it reaches `final`.
public struct SigmaScheduleSettings: Codable, Equatable, Sendable {
  public var final: Double
  public var epochsDivisor: Int

  public init(final: Double = 0.23, epochsDivisor: Int = 4) {
    self.final = final
    self.epochsDivisor = epochsDivisor
  }
}

/// Cosmetic settings of the report. None of them is part of a stage key.
public struct ReportOptions: Codable, Equatable, Sendable {
  /// Title of the report; the pipeline name when absent.
  public var title: String?
  /// Titles of figures by figure name, replacing the report's default titles.
  public var figureTitles: [String: String]

  public init(title: String? = nil, figureTitles: [String: String] = [:]) {
    self.title = title
    self.figureTitles = figureTitles
  }
}
