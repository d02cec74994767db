/// A prepared split as the trainer's batch source: shuffled batches for training, storage order
/// for evaluation, built one at a time from the memory-mapped frames.
public struct FrameBatches: BatchProvider {
  public let split: FrameSplit

  public init(_ split: FrameSplit) {
    self.split = split
  }

  public var sampleCount: Int { split.count }

  public func batches(size: Int, shuffleSeed: UInt64?) -> AnyIterator<Batch> {
    let loader = BatchLoader(split: split, batchSize: size)
    if let shuffleSeed {
      var generator = SeededGenerator(seed: shuffleSeed, stream: "shuffle")
      var iterator = loader.shuffledBatches(using: &generator).makeIterator()
      return AnyIterator { iterator.next() }
    }
    var iterator = loader.orderedBatches().makeIterator()
    return AnyIterator { iterator.next() }
  }
}
