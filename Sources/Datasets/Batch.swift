/// One padded mini-batch, time-major.
///
/// Shape legend: T time steps (the longest sample of the batch), B samples, C channels.
public struct Batch: Sendable {
  /// Input frames, `(T, B, C)` row-major: `inputs[(t * B + b) * C + c]`. Samples shorter than
  /// `T` are padded with zero frames at the end, as the reference's collate function does.
  public var inputs: [Float]
  /// T, the number of time steps after padding.
  public var steps: Int
  /// B, the number of samples.
  public var batchSize: Int
  /// C, the number of input channels.
  public var channels: Int
  /// The true number of frames of each sample, `(B,)`.
  public var lengths: [Int]
  /// The class of each sample, `(B,)`.
  public var labels: [Int]
  /// The index of each sample in its split, `(B,)`.
  public var indices: [Int]

  public init(
    inputs: [Float], steps: Int, batchSize: Int, channels: Int, lengths: [Int], labels: [Int],
    indices: [Int]
  ) {
    precondition(inputs.count == steps * batchSize * channels,
                 "Batch: \(inputs.count) values for shape (\(steps), \(batchSize), \(channels))")
    precondition(lengths.count == batchSize && labels.count == batchSize && indices.count == batchSize,
                 "Batch: lengths \(lengths.count), labels \(labels.count), indices \(indices.count) for B = \(batchSize)")
    self.inputs = inputs
    self.steps = steps
    self.batchSize = batchSize
    self.channels = channels
    self.lengths = lengths
    self.labels = labels
    self.indices = indices
  }
}
