import CFFTW
import Foundation

/// Mel-band decibels of 8 kHz audio, with the semantics of torchaudio's `Spectrogram`, `MelScale`
/// and `AmplitudeToDB` for the settings below.
///
/// Per frame: `n_fft` 256, hop 80 samples (10 ms), periodic Hann window of 256, centred frames with
/// reflect padding of 128 (edge sample not repeated), one-sided power spectrum of 129 bins (power 2,
/// no normalisation). Then 140 triangular HTK mel filters with peak 1 over bin frequencies
/// `k * 4000 / 128`, edges equally spaced in mel from 50 Hz to 14000 Hz. Because 14000 Hz is above
/// the 4 kHz Nyquist limit, filters 87-139 have no support and are all zero, as in the reference.
/// Finally `10 * log10(max(x, 1e-10))`, so empty bands and silence are exactly -100 dB.
///
/// Shape legend: T frames (`1 + samples / 80`, 101 for one second), M mel bands (140).
public final class MelSpectrogram: @unchecked Sendable {
  public static let fftSize = 256
  public static let hop = 80
  public static let binCount = fftSize / 2 + 1
  public static let bandCount = 140
  public static let sampleRate = 8000
  public static let minFrequency: Float = 50
  public static let maxFrequency: Float = 14000

  /// The periodic Hann window, `(256,)`.
  let window: [Float]
  /// Filter weights `(129, 140)` row-major: `filterbank[k * 140 + m]` weights bin k in band m.
  public let filterbank: [Float]
  /// For each band, the bins where its filter is non-zero.
  private let support: [Range<Int>]
  /// Planned once with FFTW_ESTIMATE on buffers from `fftwf_alloc_*`. The new-array execute call
  /// used by `decibels(of:)` is thread-safe, provided its buffers have the same alignment.
  private let plan: fftwf_plan

  /// FFTW's planner is not thread-safe, so plan creation and destruction take this lock.
  private static let plannerLock = NSLock()

  public init() {
    let size = Self.fftSize
    window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
    let weights = Self.makeFilterbank()
    filterbank = weights
    support = (0..<Self.bandCount).map { band in
      let bins = (0..<Self.binCount).filter { weights[$0 * Self.bandCount + band] != 0 }
      return (bins.first ?? 0)..<((bins.last ?? -1) + 1)
    }
    Self.plannerLock.lock()
    let input = fftwf_alloc_real(size)!
    let output = fftwf_alloc_complex(Self.binCount)!
    plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))!
    fftwf_free(input)
    fftwf_free(output)
    Self.plannerLock.unlock()
  }

  deinit {
    Self.plannerLock.lock()
    fftwf_destroy_plan(plan)
    Self.plannerLock.unlock()
  }

  /// Builds the triangular filters in Float arithmetic, step for step as torchaudio's
  /// `melscale_fbanks` computes them in float32 (HTK scale, no area normalisation).
  static func makeFilterbank() -> [Float] {
    func hertzToMel(_ hertz: Double) -> Double { 2595 * log10(1 + hertz / 700) }
    let edgeCount = bandCount + 2
    let frequencies = linspace(0, Float(sampleRate / 2), binCount)
    let mels = linspace(Float(hertzToMel(Double(minFrequency))), Float(hertzToMel(Double(maxFrequency))), edgeCount)
    let edges = mels.map { (Float(700) * (powf(10, $0 / Float(2595)) - Float(1))) }
    var weights = [Float](repeating: 0, count: binCount * bandCount)
    for bin in 0..<binCount {
      for band in 0..<bandCount {
        let lower = (Float(-1) * (edges[band] - frequencies[bin])) / (edges[band + 1] - edges[band])
        let upper = (edges[band + 2] - frequencies[bin]) / (edges[band + 2] - edges[band + 1])
        weights[bin * bandCount + band] = max(0, min(lower, upper))
      }
    }
    return weights
  }

  /// `count` values from `start` to `end` in Float, as `torch.linspace` computes them: the first
  /// half counts up from `start`, the second half down from `end`, by the same step.
  static func linspace(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
    let step = (end - start) / Float(count - 1)
    let half = count / 2
    return (0..<count).map { index in
      index < half ? start + step * Float(index) : end - step * Float(count - index - 1)
    }
  }

  /// The number of frames for `sampleCount` samples: `1 + sampleCount / 80`.
  public static func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hop }

  /// Returns the mel decibels of `samples` (8 kHz, at least 129 samples), `(T, M)` row-major.
  public func decibels(of samples: [Float]) -> [Float] {
    let size = Self.fftSize
    let half = size / 2
    let count = samples.count
    precondition(count > half, "MelSpectrogram: \(count) samples, reflect padding needs more than \(half)")
    let frames = Self.frameCount(sampleCount: count)
    let input = fftwf_alloc_real(size)!
    let spectrum = fftwf_alloc_complex(Self.binCount)!
    defer {
      fftwf_free(input)
      fftwf_free(spectrum)
    }
    var power = [Float](repeating: 0, count: Self.binCount)
    var output = [Float](repeating: 0, count: frames * Self.bandCount)
    for frame in 0..<frames {
      for offset in 0..<size {
        // Position in the reflect-padded signal, mapped back into 0..<count.
        var position = frame * Self.hop + offset - half
        if position < 0 { position = -position }
        if position >= count { position = 2 * (count - 1) - position }
        input[offset] = samples[position] * window[offset]
      }
      fftwf_execute_dft_r2c(plan, input, spectrum)
      for bin in 0..<Self.binCount {
        let (real, imaginary) = (spectrum[bin].0, spectrum[bin].1)
        power[bin] = real * real + imaginary * imaginary
      }
      for band in 0..<Self.bandCount {
        var sum: Float = 0
        for bin in support[band] {
          sum += power[bin] * filterbank[bin * Self.bandCount + band]
        }
        output[frame * Self.bandCount + band] = 10 * log10f(max(sum, 1e-10))
      }
    }
    return output
  }
}
