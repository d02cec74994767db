/// Dropout on spikes with one mask per sample and channel shared by all time steps (SpikingJelly's
/// multi-step `Dropout`): kept values are scaled by `1 / (1 - p)`. Shapes: `(T, B, H)` values,
/// `(B, H)` mask.
public struct SharedDropout<R: Real> {
  public var probability: Double

  public init(probability: Double) {
    self.probability = probability
  }

  /// Draws a mask `(B, H)` of zeros and `1 / (1 - p)`.
  public func drawMask(batch: Int, width: Int, using generator: inout SeededGenerator) -> [R] {
    let keep = R(1 / (1 - probability))
    return (0..<(batch * width)).map { _ in generator.nextUnitDouble() < probability ? 0 : keep }
  }

  /// Multiplies every step by the mask; also the backward, since the map is linear.
  public func apply(_ values: [R], mask: [R], steps T: Int) -> [R] {
    var result = values
    let width = mask.count
    for t in 0..<T {
      for n in 0..<width { result[t * width + n] *= mask[n] }
    }
    return result
  }
}
