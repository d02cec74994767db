import Foundation

/// The place-frequency map of the 700 cochlear channels.
///
/// Channel 0 sits at the base of the basilar membrane and has the highest characteristic
/// frequency, 22.5 kHz. Channel 699 sits at the apex with 100 Hz. Characteristic frequencies are
/// spaced evenly on a logarithmic axis,
///
///     cf(c) = 22500 Hz * (100 / 22500)^(c / 699),
///
/// which is log2(225) = 7.81 octaves over 699 steps, 89.5 channels per octave. This is the range
/// of the 700 channels of the Heidelberg spiking data sets (Cramer et al. 2020, "The Heidelberg
/// Spiking Data Sets for the Systematic Evaluation of Spiking Neural Networks"), whose
/// hydrodynamic membrane has an exponential stiffness profile and so a roughly exponential map.
public enum CochlearPlaceMap {
  /// The number of channels, as in SHD and SSC.
  public static let channelCount = 700
  /// The characteristic frequency of channel 0, in hertz.
  public static let baseFrequency = 22_500.0
  /// The characteristic frequency of channel 699, in hertz.
  public static let apexFrequency = 100.0

  /// Channels per octave: 699 / log2(22500 / 100), about 89.5.
  public static var channelsPerOctave: Double {
    Double(channelCount - 1) / log2(baseFrequency / apexFrequency)
  }

  /// Returns the characteristic frequency of `channel` in hertz; fractional channels interpolate.
  public static func characteristicFrequency(ofChannel channel: Double) -> Double {
    baseFrequency * pow(apexFrequency / baseFrequency, channel / Double(channelCount - 1))
  }

  /// Returns the (fractional) channel whose characteristic frequency is `frequency` hertz.
  public static func channel(ofFrequency frequency: Double) -> Double {
    Double(channelCount - 1) * log(frequency / baseFrequency) / log(apexFrequency / baseFrequency)
  }

  /// Returns the channels whose characteristic frequency lies below the Nyquist frequency of
  /// `sampleRate`, from the first such channel to 699. The other channels cannot be driven by a
  /// signal at that rate and stay silent: at 8 kHz, channels 223-699 are active.
  public static func activeChannels(sampleRate: Double) -> Range<Int> {
    let nyquist = sampleRate / 2
    let first = (0..<channelCount).first { characteristicFrequency(ofChannel: Double($0)) < nyquist } ?? channelCount
    return first..<channelCount
  }
}

/// One second-order section in transposed direct form II, normalised so that `a0 = 1`:
/// `y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]`.
struct Biquad: Equatable {
  var b0, b1, b2, a1, a2: Double

  /// The band-pass section with unit gain at `centre` hertz and quality factor `q`, from the
  /// bilinear transform of `H(s) = (s/(Q w0)) / (s^2/w0^2 + s/(Q w0) + 1)` with the frequency
  /// prewarped so the peak lands exactly on `centre` (R. Bristow-Johnson, "Cookbook formulae for
  /// audio EQ biquad filter coefficients", band-pass with constant 0 dB peak gain):
  /// `alpha = sin(w0) / (2Q)`, `b = (alpha, 0, -alpha) / (1 + alpha)`,
  /// `a = (-2 cos w0, 1 - alpha) / (1 + alpha)`, `w0 = 2 pi centre / sampleRate`.
  static func bandPass(centre: Double, q: Double, sampleRate: Double) -> Biquad {
    let w0 = 2 * Double.pi * centre / sampleRate
    let alpha = sin(w0) / (2 * q)
    let a0 = 1 + alpha
    return Biquad(b0: alpha / a0, b1: 0, b2: -alpha / a0, a1: -2 * cos(w0) / a0, a2: (1 - alpha) / a0)
  }

  /// Returns the magnitude of the frequency response at `frequency` hertz.
  func magnitude(at frequency: Double, sampleRate: Double) -> Double {
    let w = 2 * Double.pi * frequency / sampleRate
    // H(e^{jw}) = (b0 + b1 e^{-jw} + b2 e^{-2jw}) / (1 + a1 e^{-jw} + a2 e^{-2jw})
    let numeratorReal = b0 + b1 * cos(w) + b2 * cos(2 * w)
    let numeratorImaginary = -b1 * sin(w) - b2 * sin(2 * w)
    let denominatorReal = 1 + a1 * cos(w) + a2 * cos(2 * w)
    let denominatorImaginary = -a1 * sin(w) - a2 * sin(2 * w)
    let numerator = numeratorReal * numeratorReal + numeratorImaginary * numeratorImaginary
    let denominator = denominatorReal * denominatorReal + denominatorImaginary * denominatorImaginary
    return (numerator / denominator).squareRoot()
  }
}

/// The basilar membrane: one fourth-order band-pass filter per active channel.
///
/// Each channel is two identical band-pass biquads in cascade (`Biquad.bandPass`) centred on the
/// channel's characteristic frequency `f0`, with unit gain there. Two analog sections of quality
/// factor `Qs` are each down by 2^(-1/4) at the half-power points of the cascade, so the cascade
/// has `Q = Qs / sqrt(sqrt(2) - 1)`; the sections use `Qs = 3 sqrt(sqrt(2) - 1) = 1.93` for Q = 3.
/// NOTE: the bilinear transform compresses the band toward the Nyquist frequency. Sampling at
/// 8 kHz, the digital Q is 3.0 up to about 250 Hz but 3.08 at 500 Hz, 3.35 at 1 kHz and 4.8 at 2 kHz. Widening the analog prototype to compensate makes the channels near the Nyquist
/// frequency so broad that they respond to every tone above fs/4, which is worse.
///
/// Why this filter bank: the hydrodynamic membrane model of Cramer et al. 2020 is evaluated in
/// the frequency domain with Hankel and Bessel functions per channel, far too costly for the
/// 5-minute budget on all FSDD recordings. A fourth-order band-pass matches the order of the
/// gammatone filters commonly used for cochlear filtering, but runs as two recursive sections of
/// 5 multiply-adds each per sample with no FFT and no buffering, and its peak lands exactly on the
/// characteristic frequency because the transform is prewarped there. Its tuning curve is nearly
/// symmetric on a log-frequency axis, unlike the membrane's steep high-frequency flank.
struct BasilarMembraneFilterBank {
  /// The quality factor of each channel (centre frequency over -3 dB bandwidth).
  static let qualityFactor = 3.0

  let sampleRate: Double
  /// The channels with a filter; all others are silent.
  let activeChannels: Range<Int>
  /// One section per active channel, in the order of `activeChannels`; both cascaded sections use it.
  let sections: [Biquad]

  init(sampleRate: Double) {
    self.sampleRate = sampleRate
    activeChannels = CochlearPlaceMap.activeChannels(sampleRate: sampleRate)
    let sectionQ = Self.qualityFactor * (2.0.squareRoot() - 1).squareRoot()
    sections = activeChannels.map { channel in
      Biquad.bandPass(centre: CochlearPlaceMap.characteristicFrequency(ofChannel: Double(channel)),
                      q: sectionQ, sampleRate: sampleRate)
    }
  }

  /// Filters `input` (samples) through the channel's cascade into `output` (same count), scaled by `gain`.
  func filter(channel: Int, _ input: UnsafeBufferPointer<Float>, gain: Double = 1,
              into output: UnsafeMutableBufferPointer<Double>) {
    precondition(activeChannels.contains(channel), "BasilarMembraneFilterBank: channel \(channel) outside \(activeChannels)")
    precondition(input.count == output.count, "BasilarMembraneFilterBank: \(input.count) input samples, \(output.count) output")
    let section = sections[channel - activeChannels.lowerBound]
    let (b0, b2, a1, a2) = (section.b0, section.b2, section.a1, section.a2)  // b1 is 0 for a band-pass
    let (scaledB0, scaledB2) = (b0 * gain, b2 * gain)  // the gain applied to the first section
    var first1 = 0.0, first2 = 0.0, second1 = 0.0, second2 = 0.0
    for n in 0..<input.count {
      let x = Double(input[n])
      let middle = scaledB0 * x + first1
      first1 = -a1 * middle + first2
      first2 = scaledB2 * x - a2 * middle
      let y = b0 * middle + second1
      second1 = -a1 * y + second2
      second2 = b2 * middle - a2 * y
      output[n] = y
    }
  }

  /// Returns the magnitude response of `channel`'s cascade at `frequency` hertz.
  func magnitude(channel: Int, at frequency: Double) -> Double {
    let single = sections[channel - activeChannels.lowerBound].magnitude(at: frequency, sampleRate: sampleRate)
    return single * single
  }
}
