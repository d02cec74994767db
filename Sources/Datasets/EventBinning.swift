/// The binning mode that turns spike events into 10 ms frames.
public enum Binning: String, Sendable, Codable, CaseIterable {
  /// The frames of the paper's code (SpikingJelly from git, 2023-03 to 2024-03, under NumPy 1.x).
  /// A frame starts at the first event not yet binned, at `t_l` in ms, and takes every following
  /// event with `t - t_l <= 10`. The next frame starts at the next event. Times in ms are
  /// `Float(1000) * t` and the differences are Float operations, as NumPy 1.x computes them for
  /// float16 input. Silent gaps vanish, so the frame count depends on the data.
  case legacy
  /// Frame `floor(t / 10 ms)` from the recording start, `floor(t_last / 10 ms) + 1` frames.
  case grid
}

/// Turns the events of one sample into frames of spike counts per input channel.
///
/// Shape legend: T frames, I inputs (700 channels binned by 5 into 140).
public enum EventBinning {
  /// Cochlear channels per input.
  public static let channelsPerInput = 5
  /// I, the number of inputs: 700 / 5.
  public static let inputCount = SpikeEventFile.channelCount / channelsPerInput
  public static let frameDurationMs: Float = 10

  /// Returns the frame of each event under `mode`, non-decreasing, and the frame count T.
  ///
  /// An empty sample has no frames in either mode.
  /// NOTE: the paper's code fails on a sample without events; here it becomes zero frames, which a
  /// batch pads with zeros like any short sample.
  public static func frameIndices(times: [Float], mode: Binning) -> (frames: [Int], count: Int) {
    guard let last = times.last else { return ([], 0) }
    switch mode {
    case .grid:
      // Times are float16 or float32 seconds, so `t * 100` is exact in Double and floor is exact
      // on a 10 ms boundary.
      let frames = times.map { Int((Double($0) * 100).rounded(.down)) }
      return (frames, Int((Double(last) * 100).rounded(.down)) + 1)
    case .legacy:
      var frames = [Int](repeating: 0, count: times.count)
      var frame = 0
      var start = 0
      while start < times.count {
        let opening = Float(1000) * times[start]
        var end = start
        while end < times.count, Float(1000) * times[end] - opening <= frameDurationMs {
          frames[end] = frame
          end += 1
        }
        frame += 1
        start = end
      }
      return (frames, frame)
    }
  }

  /// Returns the spike counts `(T, I)` row-major: event `e` adds one to frame `frames[e]`, input
  /// `units[e] / 5`.
  public static func frames(of sample: SpikeSample, mode: Binning) -> (values: [Float], steps: Int) {
    let (indices, steps) = frameIndices(times: sample.times, mode: mode)
    var values = [Float](repeating: 0, count: steps * inputCount)
    for (frame, unit) in zip(indices, sample.units) {
      values[frame * inputCount + unit / channelsPerInput] += 1
    }
    return (values, steps)
  }
}
