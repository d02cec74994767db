import CHDF5
import XCTest

@testable import Datasets

/// Returns the spike count of each of the 700 channels.
private func channelCounts(_ sample: SpikeSample) -> [Int] {
  var counts = [Int](repeating: 0, count: CochlearPlaceMap.channelCount)
  for unit in sample.units { counts[unit] += 1 }
  return counts
}

/// Returns `seconds` of a sine of `frequency` hertz at 8 kHz.
private func tone(_ frequency: Double, seconds: Double = 1) -> [Float] {
  (0..<Int(seconds * 8000)).map { Float(sin(2 * Double.pi * frequency * Double($0) / 8000)) }
}

final class CochlearEncoderTests: XCTestCase {
  let encoder = CochlearEncoder(sampleRate: 8000)

  /// Returns the centre of the channels that fire at least half as much as the most active one, with
  /// counts summed over a window of 9 channels. A pure tone saturates a broad band of channels,
  /// so the centre of that band marks the place better than its noisy maximum.
  private func peakChannel(_ sample: SpikeSample) -> Double {
    let counts = channelCounts(sample)
    let window = 4
    let smoothed = counts.indices.map { centre in
      (max(0, centre - window)...min(counts.count - 1, centre + window)).map { counts[$0] }.reduce(0, +)
    }
    let peak = smoothed.indices.max { smoothed[$0] < smoothed[$1] }!
    var (low, high) = (peak, peak)
    while low > 0 && 2 * smoothed[low - 1] >= smoothed[peak] { low -= 1 }
    while high < counts.count - 1 && 2 * smoothed[high + 1] >= smoothed[peak] { high += 1 }
    return Double(low + high) / 2
  }

  func testTonesPeakAtTheirPlace() {
    for frequency in [500.0, 1000.0, 2000.0] {
      let sample = encoder.encode(tone(frequency, seconds: 2), label: 0, seed: 3)
      let expected = CochlearPlaceMap.channel(ofFrequency: frequency)
      XCTAssertEqual(peakChannel(sample), expected, accuracy: 4, "\(frequency) Hz")
    }
  }

  func testToneDrivesItsPlaceAboveSilence() {
    let silence = channelCounts(encoder.encode([Float](repeating: 0, count: 8000), label: 0, seed: 3))
    let driven = channelCounts(encoder.encode(tone(1000), label: 0, seed: 3))
    let place = Int(CochlearPlaceMap.channel(ofFrequency: 1000).rounded())
    let around = (place - 4)...(place + 4)
    XCTAssertGreaterThan(around.map { driven[$0] }.reduce(0, +), 4 * around.map { silence[$0] }.reduce(0, +))
  }

  /// Silence gives spontaneous activity only: a few spikes per second in each channel below the
  /// Nyquist frequency, none above it.
  func testSilenceGivesLowSpontaneousRate() {
    let sample = encoder.encode([Float](repeating: 0, count: 16000), label: 0, seed: 5)
    let counts = channelCounts(sample)
    let active = encoder.activeChannels
    let rate = Double(active.map { counts[$0] }.reduce(0, +)) / Double(active.count) / 2
    XCTAssertGreaterThan(rate, 1)
    XCTAssertLessThan(rate, 10)
    XCTAssertEqual(counts[..<active.lowerBound].reduce(0, +), 0)
  }

  func testChannelsAboveNyquistSilent() {
    let sample = encoder.encode(tone(3900), label: 0, seed: 1)
    XCTAssertEqual(sample.units.min(), 223)
  }

  func testSameSeedSameSpikes() {
    let first = encoder.encode(tone(700, seconds: 0.5), label: 4, seed: 11)
    let second = encoder.encode(tone(700, seconds: 0.5), label: 4, seed: 11)
    XCTAssertEqual(first, second)
    XCTAssertGreaterThan(first.units.count, 0)
  }

  func testOtherSeedOtherSpikes() {
    let first = encoder.encode(tone(700, seconds: 0.5), label: 4, seed: 11)
    let second = encoder.encode(tone(700, seconds: 0.5), label: 4, seed: 12)
    XCTAssertNotEqual(first.units, second.units)
  }

  func testEventsSortedByTimeThenChannel() {
    let sample = encoder.encode(tone(1000, seconds: 0.3), label: 2, seed: 1)
    let pairs = zip(sample.times, sample.units).map { ($0, $1) }
    XCTAssertTrue(zip(pairs, pairs.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
    XCTAssertEqual(sample.label, 2)
    XCTAssertLessThan(sample.times.last!, 0.3)
  }

  func testEmptyRecordingHasNoSpikes() {
    XCTAssertEqual(encoder.encode([], label: 1, seed: 1), SpikeSample(times: [], units: [], label: 1))
  }

  /// A constant recording becomes 0.3 times the Hann window: 0 at both ends, 0.3 in the middle.
  func testNormaliseScalesAndTapers() {
    let normalised = CochlearEncoder.normalise([Float](repeating: -2, count: 101))
    XCTAssertEqual(normalised[0], 0, accuracy: 1e-7)
    XCTAssertEqual(normalised[50], -0.3, accuracy: 1e-6)
    XCTAssertEqual(normalised[100], 0, accuracy: 1e-7)
    XCTAssertEqual(normalised[25], -0.15, accuracy: 1e-6)
  }

  func testNormaliseKeepsSilence() {
    XCTAssertEqual(CochlearEncoder.normalise([0, 0, 0]), [0, 0, 0])
  }
}

final class SpikingFreeSpokenDigitsTests: TemporaryFolderTestCase {
  /// Writes four short FSDD-named recordings (two speakers, both splits) and returns their folder.
  private func recordings() throws -> URL {
    let root = folder.appendingPathComponent("fsdd")
    let recordings = root.appendingPathComponent("recordings")
    try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
    let files = [("3_jackson_4", 600.0), ("3_jackson_5", 650.0), ("7_theo_0", 1500.0), ("7_theo_49", 1600.0)]
    for (name, frequency) in files {
      let samples = (0..<2400).map { Int16(6000 * sin(2 * Double.pi * frequency * Double($0) / 8000)) }
      try WAVBuilder.pcm16(samples).write(to: recordings.appendingPathComponent("\(name).wav"))
    }
    return root
  }

  func testEncodedFilesPassValidation() throws {
    let output = folder.appendingPathComponent("out")
    let files = try SpikingFreeSpokenDigits.encode(recordingsIn: try recordings(), into: output, seed: 9)
    XCTAssertEqual(files["train"]?.lastPathComponent, "spiking_fsdd_train.h5")
    for split in ["train", "test"] {
      let file = try SpikeEventFile(url: files[split]!, classCount: 10)
      XCTAssertEqual(file.count, 2)
      let samples = try file.read(0..<2)
      XCTAssertEqual(samples.map(\.label), [3, 7])
      XCTAssertEqual(file.classNames, (0...9).map(String.init))
      XCTAssertTrue(samples.allSatisfy { !$0.units.isEmpty })
    }
  }

  /// The stored events are the encoder's, with times rounded to float16.
  func testStoredEventsMatchEncoder() throws {
    let root = try recordings()
    let files = try SpikingFreeSpokenDigits.encode(recordingsIn: root, into: folder.appendingPathComponent("out"), seed: 9)
    let stored = try SpikeEventFile(url: files["test"]!, classCount: 10).read(0..<2)
    let item = AudioItem(url: root.appendingPathComponent("recordings/7_theo_0.wav"), label: 7)
    let expected = try SpikingFreeSpokenDigits.encodeRecording(item, seed: 9)
    XCTAssertEqual(stored[1].units, expected.units)
    XCTAssertEqual(stored[1].times, expected.times.map { Float(Float16($0)) })
  }

  func testSameSeedSameFiles() throws {
    let root = try recordings()
    let first = try SpikingFreeSpokenDigits.encode(recordingsIn: root, into: folder.appendingPathComponent("a"), seed: 9, blockSize: 1)
    let second = try SpikingFreeSpokenDigits.encode(recordingsIn: root, into: folder.appendingPathComponent("b"), seed: 9)
    for split in ["train", "test"] {
      XCTAssertEqual(try SpikeEventFile(url: first[split]!, classCount: 10).read(0..<2),
                     try SpikeEventFile(url: second[split]!, classCount: 10).read(0..<2))
    }
  }

  func testSpeakersStored() throws {
    let files = try SpikingFreeSpokenDigits.encode(recordingsIn: try recordings(), into: folder.appendingPathComponent("out"), seed: 9)
    let file = H5Fopen(files["train"]!.path, 0, 0)
    defer { H5Fclose(file) }
    let speakers = H5Dopen2(file, "extra/speaker", 0)
    defer { H5Dclose(speakers) }
    var ids = [UInt16](repeating: 99, count: 2)
    XCTAssertGreaterThanOrEqual(H5Dread(speakers, H5T_NATIVE_UINT16_g, 0, 0, 0, &ids), 0)
    XCTAssertEqual(ids, [0, 1])
    let names = H5Dopen2(file, "extra/speaker_names", 0)
    defer { H5Dclose(names) }
    let type = H5Dget_type(names)
    defer { H5Tclose(type) }
    let width = H5Tget_size(type)
    var bytes = [UInt8](repeating: 0, count: width * 2)
    XCTAssertGreaterThanOrEqual(H5Dread(names, type, 0, 0, 0, &bytes), 0)
    let decoded = (0..<2).map { String(decoding: bytes[$0 * width..<($0 + 1) * width].prefix { $0 != 0 }, as: UTF8.self) }
    XCTAssertEqual(decoded, ["jackson", "theo"])
  }

  func testNoTemporaryFileLeft() throws {
    let output = folder.appendingPathComponent("out")
    _ = try SpikingFreeSpokenDigits.encode(recordingsIn: try recordings(), into: output, seed: 9)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted(),
                   ["spiking_fsdd_test.h5", "spiking_fsdd_train.h5"])
  }

  func testDamagedRecordingNamesFile() throws {
    let root = try recordings()
    let bad = root.appendingPathComponent("recordings/3_jackson_5.wav")
    try Data("not a wave".utf8).write(to: bad)
    let output = folder.appendingPathComponent("out")
    let error = datasetError { _ = try SpikingFreeSpokenDigits.encode(recordingsIn: root, into: output, seed: 9) }
    XCTAssertEqual(error?.description, "\(bad.path): found no RIFF/WAVE header; expected a mono WAV file, PCM 16-bit or 32-bit float, at 8 or 16 kHz.")
    XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("spiking_fsdd_train.h5").path))
  }
}
