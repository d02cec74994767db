/// Random spike-count batches for benchmarks and tests: every input is 1 with probability
/// `density` (else 0), labels uniform over the classes, every sample `steps` long.
public struct SyntheticBatches: BatchProvider {
  public let sampleCount: Int
  public let steps: Int
  public let channels: Int
  public let classes: Int
  public let density: Double
  public let seed: UInt64

  public init(samples: Int, steps: Int, channels: Int, classes: Int, density: Double, seed: UInt64) {
    sampleCount = samples
    self.steps = steps
    self.channels = channels
    self.classes = classes
    self.density = density
    self.seed = seed
  }

  /// The frames `(T, C)` and label of sample `index`, the same on every call.
  public func sample(_ index: Int) -> (frames: [Float], label: Int) {
    var generator = SeededGenerator(seed: seed &+ UInt64(index), stream: "synthetic")
    let label = Int(generator.next() % UInt64(classes))
    let frames = (0..<(steps * channels)).map { _ in generator.nextUnitDouble() < density ? Float(1) : 0 }
    return (frames, label)
  }

  public func batches(size: Int, shuffleSeed: UInt64?) -> AnyIterator<Batch> {
    var order = Array(0..<sampleCount)
    if let shuffleSeed {
      var generator = SeededGenerator(seed: shuffleSeed, stream: "shuffle")
      order.shuffle(using: &generator)
    }
    var start = 0
    let (T, C) = (steps, channels)
    return AnyIterator {
      guard start < order.count else { return nil }
      let members = Array(order[start..<min(start + size, order.count)])
      start += size
      let B = members.count
      var inputs = [Float](repeating: 0, count: T * B * C)
      var labels: [Int] = []
      for (b, index) in members.enumerated() {
        let (frames, label) = sample(index)
        labels.append(label)
        for t in 0..<T {
          for c in 0..<C { inputs[(t * B + b) * C + c] = frames[t * C + c] }
        }
      }
      return Batch(inputs: inputs, steps: T, batchSize: B, channels: C,
                   lengths: [Int](repeating: T, count: B), labels: labels, indices: members)
    }
  }
}
