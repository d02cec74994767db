import Foundation

/// Turns a mono recording into spike events of 700 cochlear channels, as SHD and SSC were made.
///
/// An approximation of the "Lauscher" model of Cramer et al. 2020 ("The Heidelberg Spiking Data
/// Sets for the Systematic Evaluation of Spiking Neural Networks"), in four stages per recording:
///
/// 1. Normalisation: the samples are scaled to an RMS of 0.3, then multiplied by a Hann window
///    `0.5 - 0.5 cos(2 pi n / (N - 1))` over the whole recording, so it starts and ends at 0.
/// 2. Basilar membrane: a fourth-order band-pass filter per channel on the place map
///    `CochlearPlaceMap` (see `BasilarMembraneFilterBank` for the choice of filter). Channels
///    whose characteristic frequency is at or above the Nyquist frequency are skipped and silent.
/// 3. Inner hair cells: the filter output times `hairCellInputGain` drives a Meddis hair cell per
///    channel, starting at its resting equilibrium (`MeddisHairCell`).
/// 4. Bushy cells: 40 auditory-nerve fibres per channel with a 1 ms dead time converge on one
///    leaky integrate-and-fire neuron (`BushyCell`), whose spikes are the output.
///
/// Spike times are sample indices over the sample rate, in seconds from the first sample. Every
/// channel draws from its own `SeededGenerator`, derived from the seed and the channel, so one
/// seed gives identical spikes whatever the order or thread in which recordings are encoded.
public struct CochlearEncoder: Sendable {
  /// The RMS of the normalised recording.
  public static let targetRMS: Float = 0.3
  /// The factor from filter output (normalised waveform units) to the hair cell's input `s`.
  ///
  /// The hydrodynamic membrane of Lauscher outputs a velocity in its own units, which a band-pass
  /// filter with unit peak gain does not reproduce, so the scale is chosen here. A tone at the
  /// target RMS (amplitude 0.42) reaches `s = 127` in its own channel, about 40% of the
  /// permeability's half-saturation `B = 300`. Channels 10 times quieter still raise the
  /// permeability well above its resting value.
  /// NOTE: this gain is a choice of this encoder, not a published constant; it sets how many
  /// channels around a formant fire and so the density of the events.
  public static let hairCellInputGain = 300.0

  public let sampleRate: Int
  private let filterBank: BasilarMembraneFilterBank
  private let bushyCell: BushyCell

  /// Prepares the filters for recordings sampled at `sampleRate` hertz, which must exceed 200 Hz
  /// so that at least channel 699 (100 Hz) lies below the Nyquist frequency.
  public init(sampleRate: Int) {
    precondition(Double(sampleRate) / 2 > CochlearPlaceMap.apexFrequency,
                 "CochlearEncoder: sample rate \(sampleRate) Hz leaves no channel below the Nyquist frequency")
    self.sampleRate = sampleRate
    filterBank = BasilarMembraneFilterBank(sampleRate: Double(sampleRate))
    bushyCell = BushyCell(sampleRate: Double(sampleRate))
  }

  /// The channels this encoder simulates; the others stay silent.
  public var activeChannels: Range<Int> { filterBank.activeChannels }

  /// Encodes `waveform` (samples at `sampleRate`) into spike events sorted by time, then channel.
  /// The result carries `label` unchanged. A silent recording is not scaled (its RMS is 0) and
  /// gives only spontaneous activity.
  public func encode(_ waveform: [Float], label: Int, seed: UInt64) -> SpikeSample {
    let count = waveform.count
    guard count > 0 else { return SpikeSample(times: [], units: [], label: label) }
    let signal = Self.normalise(waveform)

    let filtered = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
    let probabilities = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    let fibreSpikes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: bushyCell.deadSamples)
    defer {
      filtered.deallocate()
      probabilities.deallocate()
      fibreSpikes.deallocate()
    }

    // Events packed as sample * 1024 + channel, so one integer sort orders by time, then channel.
    var events: [Int64] = []
    var channelSpikes: [Int32] = []
    signal.withUnsafeBufferPointer { input in
      for channel in activeChannels {
        filterBank.filter(channel: channel, input, gain: Self.hairCellInputGain, into: filtered)
        MeddisHairCell.firingProbabilities(UnsafeBufferPointer(filtered), sampleRate: Double(sampleRate), into: probabilities)
        var generator = Self.generator(seed: seed, channel: channel)
        channelSpikes.removeAll(keepingCapacity: true)
        bushyCell.run(probabilities: UnsafeBufferPointer(probabilities), generator: &generator, spikes: &channelSpikes,
                      fibreSpikes: fibreSpikes)
        for sample in channelSpikes { events.append(Int64(sample) << 10 | Int64(channel)) }
      }
    }
    events.sort()

    let secondsPerSample = 1 / Double(sampleRate)
    return SpikeSample(times: events.map { Float(Double($0 >> 10) * secondsPerSample) },
                       units: events.map { Int($0 & 1023) }, label: label)
  }

  /// Scales `waveform` to an RMS of `targetRMS` and applies a Hann window over its whole length.
  static func normalise(_ waveform: [Float]) -> [Float] {
    let count = waveform.count
    var sumOfSquares = 0.0
    for sample in waveform { sumOfSquares += Double(sample) * Double(sample) }
    let rms = (sumOfSquares / Double(count)).squareRoot()
    let gain = rms > 0 ? Double(targetRMS) / rms : 1
    guard count > 1 else { return [0] }  // a one-sample Hann window is 0
    let step = 2 * Double.pi / Double(count - 1)
    return waveform.enumerated().map { n, sample in
      Float(Double(sample) * gain * (0.5 - 0.5 * cos(step * Double(n))))
    }
  }

  /// The generator of one channel, independent of every other channel of the same seed.
  static func generator(seed: UInt64, channel: Int) -> SeededGenerator {
    SeededGenerator(seed: seed, stream: "cochlea channel \(channel)")
  }
}
