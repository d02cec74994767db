import SpikingNetwork

/// One published top-1 test accuracy of learned delays, with the network that produced it.
///
/// "The paper" in this module is Hammouamri, Khalfaoui-Hassani and Masquelier, "Learning Delays
/// in Spiking Neural Networks using Dilated Convolutions with Learnable Spacings" (ICLR 2024),
/// and "the paper's code" its public PyTorch implementation (SNN-delays).
public struct PaperResult: Equatable, Sendable {
  /// Dataset name as runs store it (`shd`, `ssc`, `gsc`).
  public var dataset: String
  public var hiddenLayers: Int
  public var hidden: Int
  public var delaysPerSynapse: Int
  /// Parameter count as printed in the paper (for example "0.2 M").
  public var parametersText: String
  /// Mean and spread over seeds, in percent.
  public var accuracy: Double
  public var spread: Double
  /// Epochs the paper trains on this dataset.
  public var epochs: Int

  public init(
    dataset: String, hiddenLayers: Int, hidden: Int, delaysPerSynapse: Int, parametersText: String,
    accuracy: Double, spread: Double, epochs: Int
  ) {
    self.dataset = dataset
    self.hiddenLayers = hiddenLayers
    self.hidden = hidden
    self.delaysPerSynapse = delaysPerSynapse
    self.parametersText = parametersText
    self.accuracy = accuracy
    self.spread = spread
    self.epochs = epochs
  }

  /// Returns whether `network`, trained with learned delays, is the network of this result.
  public func matches(dataset name: String, network: NetworkConfig) -> Bool {
    name == dataset && network.variant == .learned && network.hiddenLayers == hiddenLayers
      && network.hidden == hidden && network.delaysPerSynapse == delaysPerSynapse
  }

  /// The source of `published`.
  public static let citation =
    "I. Hammouamri, I. Khalfaoui-Hassani, T. Masquelier, \"Learning Delays in Spiking Neural Networks using Dilated Convolutions with Learnable Spacings\", ICLR 2024, arXiv:2306.17670"

  /// Top-1 test accuracy of learned delays as the paper reports it (mean +- spread over seeds).
  /// The list contains no numbers for the `none` and `fixed` variants of the paper's ablation.
  public static let published: [PaperResult] = [
    PaperResult(dataset: "shd", hiddenLayers: 2, hidden: 256, delaysPerSynapse: 1, parametersText: "0.2 M", accuracy: 95.07, spread: 0.24, epochs: 150),
    PaperResult(dataset: "ssc", hiddenLayers: 2, hidden: 512, delaysPerSynapse: 2, parametersText: "1.4 M", accuracy: 80.16, spread: 0.09, epochs: 60),
    PaperResult(dataset: "ssc", hiddenLayers: 3, hidden: 512, delaysPerSynapse: 2, parametersText: "2.5 M", accuracy: 80.69, spread: 0.21, epochs: 60),
    PaperResult(dataset: "gsc", hiddenLayers: 2, hidden: 512, delaysPerSynapse: 2, parametersText: "1.4 M", accuracy: 95.00, spread: 0.06, epochs: 100),
    PaperResult(dataset: "gsc", hiddenLayers: 3, hidden: 512, delaysPerSynapse: 2, parametersText: "2.5 M", accuracy: 95.35, spread: 0.04, epochs: 100),
  ]

  /// Epochs the paper trains per dataset, for the comparability notes.
  public static let epochsByDataset: [String: Int] = ["shd": 150, "ssc": 60, "gsc": 100]
}
