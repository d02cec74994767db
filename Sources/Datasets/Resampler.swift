import Foundation

/// Band-limited resampling between integer rates with a Hann-windowed sinc kernel, following the
/// defaults of torchaudio's `Resample` (`lowpass_filter_width` 6, `rolloff` 0.99).
///
/// With `g = gcd(from, to)`, `p = from / g` input samples map to `q = to / g` output samples. The
/// cut-off is `b = min(p, q) * rolloff` and the kernel half-width `w = ceil(6 * p / b)` input
/// samples. Output phase `j` uses taps `i = -w ..< w + p` with
/// `t = clamp((i / p - j / q) * b, -6, 6)`, weight `sinc(pi t) * cos(pi t / 12)^2 * b / p`,
/// computed in Double and rounded to Float. The input gets `w` zeros before it and `w + p` after,
/// phase `j` of output block `n` is the dot product of its taps with the padded input from
/// `n * p`, and the output keeps `ceil(count * q / p)` samples. For 16 kHz to 8 kHz: 28 taps,
/// stride 2, 13 zeros of left padding.
public struct Resampler: Sendable {
  public let inputRate: Int
  public let outputRate: Int
  /// Input samples per block (p) and output samples per block (q).
  let inputStep: Int
  let outputStep: Int
  /// Zeros added before the input (w).
  let width: Int
  /// `(q, 2w + p)` row-major: the taps of each output phase.
  let kernel: [Float]

  public init(from inputRate: Int, to outputRate: Int) {
    precondition(inputRate > 0 && outputRate > 0, "Resampler: rates \(inputRate) and \(outputRate) must be positive")
    let filterWidth = 6.0
    let rolloff = 0.99
    var a = inputRate, b = outputRate
    while b != 0 { (a, b) = (b, a % b) }
    inputStep = inputRate / a
    outputStep = outputRate / a
    self.inputRate = inputRate
    self.outputRate = outputRate
    let cutoff = Double(min(inputStep, outputStep)) * rolloff
    width = Int((filterWidth * Double(inputStep) / cutoff).rounded(.up))
    let taps = 2 * width + inputStep
    var kernel = [Float](repeating: 0, count: outputStep * taps)
    for phase in 0..<outputStep {
      for tap in 0..<taps {
        let position = Double(-phase) / Double(outputStep) + Double(tap - width) / Double(inputStep)
        let t = min(max(position * cutoff, -filterWidth), filterWidth)
        let window = pow(cos(t * Double.pi / filterWidth / 2), 2)
        let angle = t * Double.pi
        let sinc = angle == 0 ? 1 : sin(angle) / angle
        kernel[phase * taps + tap] = Float(sinc * window * cutoff / Double(inputStep))
      }
    }
    self.kernel = kernel
  }

  /// The number of taps per output phase (28 for 16 kHz to 8 kHz).
  public var tapCount: Int { 2 * width + inputStep }

  /// Resamples `input`, returning `ceil(input.count * q / p)` samples.
  public func resample(_ input: [Float]) -> [Float] {
    let taps = tapCount
    let outputCount = (input.count * outputStep + inputStep - 1) / inputStep
    var padded = [Float](repeating: 0, count: width + input.count + width + inputStep)
    padded.replaceSubrange(width..<width + input.count, with: input)
    var output = [Float](repeating: 0, count: outputCount)
    for index in 0..<outputCount {
      let block = index / outputStep
      let phase = index % outputStep
      var sum: Float = 0
      let start = block * inputStep
      for tap in 0..<taps {
        sum += kernel[phase * taps + tap] * padded[start + tap]
      }
      output[index] = sum
    }
    return output
  }
}
