import Foundation

/// A bushy cell of the cochlear nucleus: 40 auditory-nerve fibres of one channel converge on one
/// leaky integrate-and-fire neuron, whose spikes are the channel's output events.
///
/// Source: Cramer et al. 2020, "The Heidelberg Spiking Data Sets for the Systematic Evaluation of
/// Spiking Neural Networks", which models the fibres as Bernoulli processes driven by the Meddis
/// hair cell, with a dead time, converging on one bushy cell per channel.
///
/// Fibres: in each sample, each fibre that is not in its dead time fires with the hair cell's
/// probability `p`. A fibre that fired in sample `n` cannot fire again before sample
/// `n + round(1 ms * sampleRate)`. The fibres of a channel are exchangeable, so instead of 40
/// draws per sample one binomial draw gives the number of spikes among the `N` fibres that are
/// available: `Binomial(N, p)`, which has exactly the distribution of the sum of those Bernoulli
/// draws.
///
/// Neuron (per sample of length `dt`, threshold 1, reset to 0):
///
///     I <- I exp(-dt / tau_syn) + spikes
///     v <- v exp(-dt / tau_mem) + weight I dt      (v held at 0 while refractory)
///     spike when v >= 1, then v <- 0 and refractory for tau_ref
///
/// with tau_syn = 0.5 ms, tau_mem = 1 ms, tau_ref = 1 ms and weight = 13000 / 40 per fibre spike.
/// At rest the 40 fibres fire about 2600 spikes per second in all, which keeps `v` near 0.5 on
/// average, so the neuron fires only on chance coincidences. Driven fibres, and fibres locked to
/// the phase of a tone, push it over threshold.
struct BushyCell {
  static let fibreCount = 40
  static let fibreDeadTime = 1e-3
  static let synapticTimeConstant = 0.5e-3
  static let membraneTimeConstant = 1e-3
  static let refractoryPeriod = 1e-3
  /// The weight of one fibre spike: 13000 over the 40 fibres.
  static let weight = 13_000.0 / Double(fibreCount)
  static let threshold = 1.0

  let sampleRate: Double
  /// Samples from a fibre's spike to its next possible spike.
  let deadSamples: Int
  /// Samples after an output spike during which the membrane is held at 0.
  let refractorySamples: Int
  let synapticDecay: Double
  let membraneDecay: Double

  init(sampleRate: Double) {
    precondition(sampleRate > 0, "BushyCell: sample rate \(sampleRate)")
    self.sampleRate = sampleRate
    deadSamples = max(1, Int((Self.fibreDeadTime * sampleRate).rounded()))
    refractorySamples = max(1, Int((Self.refractoryPeriod * sampleRate).rounded()))
    synapticDecay = exp(-1 / (sampleRate * Self.synapticTimeConstant))
    membraneDecay = exp(-1 / (sampleRate * Self.membraneTimeConstant))
  }

  /// Simulates the fibres and the neuron of one channel over `probabilities` (one fibre's firing
  /// probability per sample) and appends the sample indices of the neuron's spikes to `spikes`.
  /// `fibreSpikes` is scratch space of at least `deadSamples` entries.
  func run(probabilities: UnsafeBufferPointer<Float>, generator: inout SeededGenerator, spikes: inout [Int32],
           fibreSpikes: UnsafeMutableBufferPointer<Int32>) {
    precondition(fibreSpikes.count >= deadSamples, "BushyCell: scratch of \(fibreSpikes.count) entries, expected \(deadSamples)")
    // fibreSpikes[n % deadSamples] contains the fibre spikes of sample n for the last deadSamples
    // samples. Those fibres are unavailable until the entry is overwritten.
    for index in 0..<deadSamples { fibreSpikes[index] = 0 }
    var blocked: Int32 = 0
    var slot = 0
    let drive = Self.weight / sampleRate
    var current = 0.0
    var voltage = 0.0
    var refractoryLeft = 0

    for n in 0..<probabilities.count {
      blocked -= fibreSpikes[slot]  // fibres that fired deadSamples ago are available again
      let available = Int32(Self.fibreCount) - blocked
      let count = Self.binomial(trials: available, probability: probabilities[n], uniform: generator.nextUnitFloat())
      fibreSpikes[slot] = count
      blocked += count
      slot = slot + 1 == deadSamples ? 0 : slot + 1

      current = current * synapticDecay + Double(count)
      if refractoryLeft > 0 {
        refractoryLeft -= 1
        continue
      }
      voltage = voltage * membraneDecay + drive * current
      if voltage >= Self.threshold {
        spikes.append(Int32(n))
        voltage = 0
        refractoryLeft = refractorySamples - 1
      }
    }
  }

  /// Draws from `Binomial(trials, probability)` by inverting its distribution function at `uniform`
  /// (in [0, 1)). Bernoulli's inequality `(1 - p)^n >= 1 - n p` settles most draws of 0 spikes
  /// without computing the power.
  static func binomial(trials: Int32, probability p: Float, uniform u: Float) -> Int32 {
    guard trials > 0, p > 0 else { return 0 }
    guard p < 1 else { return trials }
    if u < 1 - Float(trials) * p { return 0 }
    let odds = p / (1 - p)
    var term = exp(Float(trials) * log1p(-p))  // P(0 spikes)
    var cumulative = term
    var count: Int32 = 0
    while u >= cumulative && count < trials {
      term *= odds * Float(trials - count) / Float(count + 1)
      count += 1
      cumulative += term
    }
    return count
  }
}
