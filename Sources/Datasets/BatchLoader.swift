/// Cuts a `FrameSplit` into padded `(T, B, C)` batches.
///
/// Only the samples of the batch being built are read from the memory-mapped frames, so the split
/// is never copied into memory as a whole. The last batch of an epoch contains the remaining
/// samples and may be smaller than `batchSize`.
public struct BatchLoader: Sendable {
  public let split: FrameSplit
  public let batchSize: Int

  public init(split: FrameSplit, batchSize: Int) {
    precondition(batchSize > 0, "BatchLoader: batch size \(batchSize) must be positive")
    self.split = split
    self.batchSize = batchSize
  }

  /// The number of batches per epoch, the last one possibly smaller.
  public var batchCount: Int { (split.count + batchSize - 1) / batchSize }

  /// Draws the sample order of one training epoch: a Fisher-Yates shuffle driven by `generator`.
  ///
  /// Each swap index is `(next() * (i + 1)) >> 64` (the high word of the 128-bit product), so the
  /// order depends only on the generator's sequence, never on the Swift standard library.
  public static func shuffledOrder(count: Int, using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    var index = count - 1
    while index > 0 {
      let other = Int(generator.next().multipliedFullWidth(by: UInt64(index + 1)).high)
      order.swapAt(index, other)
      index -= 1
    }
    return order
  }

  /// Returns the batches of one training epoch in an order shuffled by `generator`.
  public func shuffledBatches(using generator: inout SeededGenerator) -> BatchSequence {
    BatchSequence(loader: self, order: Self.shuffledOrder(count: split.count, using: &generator))
  }

  /// Returns the batches in split order, for evaluation.
  public func orderedBatches() -> BatchSequence {
    BatchSequence(loader: self, order: Array(0..<split.count))
  }

  /// Builds one batch from the samples `indices`, padded with zero frames at the end of each
  /// sample to the longest sample among them.
  public func makeBatch(indices: [Int]) -> Batch {
    let channels = split.channels
    let lengths = indices.map { split.length(of: $0) }
    let steps = lengths.max() ?? 0
    let width = indices.count
    var inputs = [Float](repeating: 0, count: steps * width * channels)
    inputs.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      for (column, index) in indices.enumerated() {
        split.copyFrames(of: index, into: base + column * channels, stride: width * channels)
      }
    }
    return Batch(inputs: inputs, steps: steps, batchSize: width, channels: channels, lengths: lengths,
                 labels: indices.map { split.labels[$0] }, indices: indices)
  }
}

/// The batches of one epoch, built lazily one at a time.
public struct BatchSequence: Sequence, Sendable {
  public let loader: BatchLoader
  /// The sample order of the epoch.
  public let order: [Int]

  public var count: Int { loader.batchCount }

  public func makeIterator() -> Iterator { Iterator(sequence: self) }

  public struct Iterator: IteratorProtocol {
    let sequence: BatchSequence
    var start = 0

    public mutating func next() -> Batch? {
      guard start < sequence.order.count else { return nil }
      let end = Swift.min(start + sequence.loader.batchSize, sequence.order.count)
      defer { start = end }
      return sequence.loader.makeBatch(indices: Array(sequence.order[start..<end]))
    }
  }
}
