import Foundation

/// The Meddis inner hair cell: three transmitter pools that turn a basilar-membrane signal into a
/// firing probability of the auditory-nerve fibres it drives.
///
/// Source: R. Meddis, "Simulation of mechanical to neural transduction in the auditory receptor",
/// J. Acoust. Soc. Am. 79(3), 702-711 (1986), and "Simulation of auditory-neural transduction:
/// Further studies", J. Acoust. Soc. Am. 83(3), 1056-1063 (1988). The constants are those that
/// Cramer et al. 2020 used for SHD and SSC (the defaults of their Lauscher code).
///
/// With input `s(t)`, the permeability of the membrane is
///
///     k(t) = g (s + A) / (s + A + B)   when s + A > 0, else 0,
///
/// and the free transmitter `q`, the cleft contents `c` and the reprocessing store `w` follow
///
///     dq/dt = y (M - q) + x w - k q      (replenishment only while q < M)
///     dc/dt = k q - l c - r c
///     dw/dt = r c - x w
///
/// The probability that one fibre fires within a step `dt` is `h c dt`.
///
/// | constant | value | meaning |
/// |---|---|---|
/// | y | 5.05 /s | replenishment rate |
/// | g | 2000 /s | maximum permeability |
/// | l | 2500 /s | loss rate from the cleft |
/// | r | 6580 /s | reuptake rate from the cleft |
/// | x | 66.3 /s | reprocessing rate back to the free pool |
/// | A | 5 | permeability offset (input units) |
/// | B | 300 | permeability half-saturation (input units) |
/// | h | 50000 /s | firing rate per unit of cleft contents |
/// | M | 1 | maximum free transmitter |
///
/// Integration is forward Euler as in Meddis 1986, in substeps of at most 1/16000 s, because at
/// 8 kHz a single step has `(l + r) dt = 1.14` and makes the cleft contents oscillate. Euler's
/// fixed points are those of the equations, so the resting state stays exactly at rest.
struct MeddisHairCell: Equatable {
  static let y = 5.05
  static let g = 2000.0
  static let l = 2500.0
  static let r = 6580.0
  static let x = 66.3
  static let a = 5.0
  static let b = 300.0
  static let h = 50_000.0
  static let m = 1.0

  /// The longest Euler substep, in seconds.
  static let longestSubstep = 1.0 / 16_000

  /// Free transmitter.
  var q: Double
  /// Transmitter in the cleft.
  var c: Double
  /// Transmitter in the reprocessing store.
  var w: Double

  /// The permeability for input `s`.
  static func permeability(_ s: Double) -> Double {
    s + a > 0 ? g * (s + a) / (s + a + b) : 0
  }

  /// The resting equilibrium, where the input is 0 and all three derivatives vanish:
  ///
  ///     k0 = g A / (A + B),  c = M y k0 / (l k0 + y (l + r)),  q = c (l + r) / k0,  w = c r / x.
  ///
  /// Its spontaneous firing rate `h c` is about 64.8 spikes per second per fibre.
  static var resting: MeddisHairCell {
    let k0 = permeability(0)
    let c = m * y * k0 / (l * k0 + y * (l + r))
    return MeddisHairCell(q: c * (l + r) / k0, c: c, w: c * r / x)
  }

  /// Advances the pools by one Euler step of `dt` seconds under permeability `k`
  /// (`permeability(s)` of the input), keeping them non-negative.
  mutating func step(permeability k: Double, dt: Double) {
    let replenish = q < Self.m ? Self.y * (Self.m - q) * dt : 0
    let eject = k * q * dt
    let reuptake = Self.r * c * dt
    let loss = Self.l * c * dt
    let reprocess = Self.x * w * dt
    q = max(q + replenish - eject + reprocess, 0)
    c = max(c + eject - reuptake - loss, 0)
    w = max(w + reuptake - reprocess, 0)
  }

  /// Runs the hair cell from rest over `input` (one value per sample at `sampleRate`) and writes
  /// the firing probability of one fibre in each sample, `h dt` times the mean cleft contents of
  /// the sample's substeps, capped at 1.
  static func firingProbabilities(_ input: UnsafeBufferPointer<Double>, sampleRate: Double,
                                  into output: UnsafeMutableBufferPointer<Float>) {
    precondition(input.count == output.count, "MeddisHairCell: \(input.count) inputs, \(output.count) outputs")
    let substeps = max(1, Int((1 / (sampleRate * longestSubstep)).rounded(.up)))
    let dt = 1 / (sampleRate * Double(substeps))
    let scale = h * dt  // h c over one substep; summed over the substeps of a sample
    var cell = resting
    for n in 0..<input.count {
      let k = permeability(input[n])
      var probability = 0.0
      for _ in 0..<substeps {
        cell.step(permeability: k, dt: dt)
        probability += cell.c * scale
      }
      output[n] = Float(min(probability, 1))
    }
  }
}
