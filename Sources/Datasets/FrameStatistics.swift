import Foundation

/// Summary figures of a prepared split, for `dcls-delays data inspect`.
public struct FrameStatistics: Sendable, Equatable {
  public var sampleCount: Int
  /// Samples per class, indexed by label.
  public var classHistogram: [Int]
  /// Frames per sample: minimum, mean and maximum.
  public var minFrames: Int
  public var meanFrames: Double
  public var maxFrames: Int
  /// Over all frame values: minimum, mean and maximum (spike counts or decibels).
  public var minValue: Float
  public var meanValue: Double
  public var maxValue: Float
  /// The sum of all values per sample, averaged: spikes per sample for spike counts.
  public var meanSumPerSample: Double

  /// Reads every frame of `split` once, through its memory mapping.
  public init(_ split: FrameSplit) {
    sampleCount = split.count
    classHistogram = [Int](repeating: 0, count: split.classCount)
    for label in split.labels { classHistogram[label] += 1 }
    let lengths = (0..<split.count).map(split.length(of:))
    minFrames = lengths.min() ?? 0
    maxFrames = lengths.max() ?? 0
    meanFrames = lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    var low = Float.infinity, high = -Float.infinity, total = 0.0, values = 0
    for index in 0..<split.count {
      for value in split.frames(of: index) {
        low = min(low, value)
        high = max(high, value)
        total += Double(value)
      }
      values += lengths[index] * split.channels
    }
    minValue = values > 0 ? low : 0
    maxValue = values > 0 ? high : 0
    meanValue = values > 0 ? total / Double(values) : 0
    meanSumPerSample = split.count > 0 ? total / Double(split.count) : 0
  }

  /// Human-readable lines; `frameDurationMs` converts frames to durations, `classNames` labels the
  /// histogram, and `valueName` ("spikes" or "decibels") names the values.
  public func lines(frameDurationMs: Double, classNames: [String], valueName: String) -> [String] {
    let duration = { (frames: Double) in String(format: "%.2f s", frames * frameDurationMs / 1000) }
    var lines = [
      "samples: \(sampleCount)",
      String(format: "frames per sample: min %d, mean %.1f, max %d (", minFrames, meanFrames, maxFrames)
        + "\(duration(Double(minFrames))), \(duration(meanFrames)), \(duration(Double(maxFrames))))",
      String(format: "%@ per value: min %.3g, mean %.4g, max %.3g", valueName, minValue, meanValue, maxValue),
    ]
    if valueName == "spikes" {
      lines.append(String(format: "spikes per sample: mean %.1f", meanSumPerSample))
    }
    lines.append("classes:")
    for (label, count) in classHistogram.enumerated() {
      let name = label < classNames.count ? classNames[label] : String(label)
      lines.append(String(format: "  %3d %-16@ %d", label, name as NSString, count))
    }
    return lines
  }
}
