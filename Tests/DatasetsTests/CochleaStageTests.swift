import XCTest

@testable import Datasets

final class CochlearPlaceMapTests: XCTestCase {
  func testEndsOfMap() {
    XCTAssertEqual(CochlearPlaceMap.characteristicFrequency(ofChannel: 0), 22_500, accuracy: 1e-9)
    XCTAssertEqual(CochlearPlaceMap.characteristicFrequency(ofChannel: 699), 100, accuracy: 1e-9)
    XCTAssertEqual(CochlearPlaceMap.channelsPerOctave, 89.5, accuracy: 0.05)
  }

  func testChannelOfFrequencyInverts() {
    let channel = CochlearPlaceMap.channel(ofFrequency: 1000)
    XCTAssertEqual(CochlearPlaceMap.characteristicFrequency(ofChannel: channel), 1000, accuracy: 1e-9)
    XCTAssertEqual(channel, 401.83, accuracy: 0.01)
  }

  func testActiveChannelsAt8kHz() {
    XCTAssertEqual(CochlearPlaceMap.activeChannels(sampleRate: 8000), 223..<700)
    XCTAssertGreaterThanOrEqual(CochlearPlaceMap.characteristicFrequency(ofChannel: 222), 4000)
    XCTAssertLessThan(CochlearPlaceMap.characteristicFrequency(ofChannel: 223), 4000)
  }

  func testAllChannelsActiveAt48kHz() {
    XCTAssertEqual(CochlearPlaceMap.activeChannels(sampleRate: 48000), 0..<700)
  }
}

final class BasilarMembraneFilterTests: XCTestCase {
  let bank = BasilarMembraneFilterBank(sampleRate: 8000)

  func testUnitGainAtCharacteristicFrequency() {
    for channel in [223, 300, 402, 650, 699] {
      let centre = CochlearPlaceMap.characteristicFrequency(ofChannel: Double(channel))
      XCTAssertEqual(bank.magnitude(channel: channel, at: centre), 1, accuracy: 1e-9, "channel \(channel)")
    }
  }

  /// Returns centre frequency over -3 dB bandwidth of `channel`, each flank found by bisection.
  private func measuredQ(channel: Int) -> Double {
    let centre = CochlearPlaceMap.characteristicFrequency(ofChannel: Double(channel))
    func halfPowerPoint(from inside: Double, to outside: Double) -> Double {
      var (low, high) = (inside, outside)
      for _ in 0..<60 {
        let middle = (low + high) / 2
        if bank.magnitude(channel: channel, at: middle) > 0.5.squareRoot() { low = middle } else { high = middle }
      }
      return low
    }
    return centre / (halfPowerPoint(from: centre, to: 3999) - halfPowerPoint(from: centre, to: 1))
  }

  func testQualityFactorThreeAtLowFrequencies() {
    XCTAssertEqual(measuredQ(channel: 699), 3, accuracy: 0.01)
    XCTAssertEqual(measuredQ(channel: Int(CochlearPlaceMap.channel(ofFrequency: 250).rounded())), 3, accuracy: 0.03)
  }

  /// The bilinear transform narrows the band toward the Nyquist frequency, as documented.
  func testQualityFactorRisesTowardNyquist() {
    XCTAssertEqual(measuredQ(channel: Int(CochlearPlaceMap.channel(ofFrequency: 1000).rounded())), 3.35, accuracy: 0.05)
    XCTAssertEqual(measuredQ(channel: Int(CochlearPlaceMap.channel(ofFrequency: 2000).rounded())), 4.8, accuracy: 0.1)
  }

  /// The recursion's steady-state amplitude for a sine equals the designed magnitude response.
  func testFilterMatchesResponse() {
    let channel = 402
    for frequency in [1000.0, 500.0, 2000.0] {
      let input = (0..<16000).map { Float(sin(2 * Double.pi * frequency * Double($0) / 8000)) }
      var output = [Double](repeating: 0, count: input.count)
      input.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { bank.filter(channel: channel, source, into: $0) }
      }
      let amplitude = (2 * output[8000...].map { $0 * $0 }.reduce(0, +) / 8000).squareRoot()
      XCTAssertEqual(amplitude, bank.magnitude(channel: channel, at: frequency), accuracy: 2e-3, "\(frequency) Hz")
    }
  }
}

final class MeddisHairCellTests: XCTestCase {
  func testRestingStateIsFixedPoint() {
    let resting = MeddisHairCell.resting
    var cell = resting
    for _ in 0..<16000 { cell.step(permeability: MeddisHairCell.permeability(0), dt: 1.0 / 16000) }
    XCTAssertEqual(cell.q, resting.q, accuracy: resting.q * 1e-12)
    XCTAssertEqual(cell.c, resting.c, accuracy: resting.c * 1e-12)
    XCTAssertEqual(cell.w, resting.w, accuracy: resting.w * 1e-12)
  }

  func testSpontaneousRate() {
    XCTAssertEqual(MeddisHairCell.h * MeddisHairCell.resting.c, 64.8, accuracy: 0.05)
  }

  func testSilenceKeepsRestingProbability() {
    let input = [Double](repeating: 0, count: 800)
    var output = [Float](repeating: -1, count: input.count)
    input.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { MeddisHairCell.firingProbabilities(source, sampleRate: 8000, into: $0) }
    }
    let expected = Float(MeddisHairCell.h * MeddisHairCell.resting.c / 8000)
    XCTAssertEqual(output.min()!, expected, accuracy: expected * 1e-6)
    XCTAssertEqual(output.max()!, expected, accuracy: expected * 1e-6)
  }

  func testPermeabilityRectifies() {
    XCTAssertEqual(MeddisHairCell.permeability(-5), 0)
    XCTAssertEqual(MeddisHairCell.permeability(-100), 0)
    XCTAssertEqual(MeddisHairCell.permeability(0), 2000 * 5 / 305, accuracy: 1e-12)
  }

  /// A step of input releases transmitter at once (onset), then the rate adapts to a lower level.
  func testOnsetThenAdaptation() {
    let input = [Double](repeating: 0, count: 80) + [Double](repeating: 300, count: 1600)
    var output = [Float](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { MeddisHairCell.firingProbabilities(source, sampleRate: 8000, into: $0) }
    }
    let onset = output[80...90].max()!
    XCTAssertGreaterThan(onset, 10 * output[0])
    XCTAssertLessThan(output.last!, onset / 5)
    XCTAssertGreaterThan(output.last!, output[0])
  }
}

final class BushyCellTests: XCTestCase {
  func testBinomialEdgeCases() {
    XCTAssertEqual(BushyCell.binomial(trials: 0, probability: 0.5, uniform: 0.9), 0)
    XCTAssertEqual(BushyCell.binomial(trials: 40, probability: 0, uniform: 0.9), 0)
    XCTAssertEqual(BushyCell.binomial(trials: 40, probability: 1, uniform: 0.1), 40)
    XCTAssertEqual(BushyCell.binomial(trials: 40, probability: 0.5, uniform: 0.99), 27)
  }

  /// Mean and variance of 200000 draws match n p and n p (1 - p) for a quiet and a driven fibre.
  func testBinomialMoments() {
    var generator = SeededGenerator(seed: 7)
    for (trials, probability) in [(Int32(40), Float(0.008)), (33, 0.1), (40, 0.6)] {
      let draws = (0..<200_000).map { _ in
        Double(BushyCell.binomial(trials: trials, probability: probability, uniform: generator.nextUnitFloat()))
      }
      let mean = draws.reduce(0, +) / Double(draws.count)
      let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
      let n = Double(trials), p = Double(probability)
      XCTAssertEqual(mean, n * p, accuracy: 0.01 * n * p + 0.005, "n \(trials), p \(probability)")
      XCTAssertEqual(variance, n * p * (1 - p), accuracy: 0.03 * n * p * (1 - p), "n \(trials), p \(probability)")
    }
  }

  /// With every fibre firing whenever it can, each fibre fires once per dead time, so the cell
  /// receives 40 spikes every 8 samples at 8 kHz.
  func testDeadTimeLimitsFibres() {
    let cell = BushyCell(sampleRate: 8000)
    XCTAssertEqual(cell.deadSamples, 8)
    var generator = SeededGenerator(seed: 1)
    var spikes: [Int32] = []
    let probabilities = [Float](repeating: 1, count: 80)
    let scratch = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cell.deadSamples)
    defer { scratch.deallocate() }
    probabilities.withUnsafeBufferPointer {
      cell.run(probabilities: $0, generator: &generator, spikes: &spikes, fibreSpikes: scratch)
    }
    // The first volley of 40 spikes drives the membrane over threshold at once; after each 1 ms
    // refractory period the next volley arrives.
    XCTAssertEqual(spikes.first, 0)
    XCTAssertEqual(zip(spikes, spikes.dropFirst()).map { $1 - $0 }.min(), 8)
  }
}
