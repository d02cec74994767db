import Foundation

/// The spiking version of the Free Spoken Digit Dataset: every recording through
/// `CochlearEncoder`, written as one SHD-layout HDF5 file per split.
///
/// Splits are those of the mel path: recording index 0-4 test (300), 5-49 train (2700). Labels
/// are the digits 0-9, and `extra/keys` contains "0" to "9". `extra/speaker` holds a speaker id per
/// recording and `extra/speaker_names` the names, sorted, so ids agree between the two files.
/// Each whole recording is encoded (not only its first second), at its own sample rate.
public enum SpikingFreeSpokenDigits {
  /// The splits, in the order they are encoded.
  public static let splits = ["train", "test"]

  /// Returns the file name of `split`'s events, `spiking_fsdd_SPLIT.h5`.
  public static func fileName(split: String) -> String { "spiking_fsdd_\(split).h5" }

  /// Verifies the shipped FSDD archive (or fetches it) through `cache`, unpacks it there, and
  /// encodes both splits into `folder`. Returns the written files by split name.
  public static func encode(cache: DatasetCache, fetcher: Fetcher? = nil, into folder: URL, seed: UInt64,
                            showsProgress: Bool = false) throws -> [String: URL] {
    let dataset = DatasetDescription.fsdd
    guard let file = dataset.files.first else {
      preconditionFailure("SpikingFreeSpokenDigits: the catalogue lists no FSDD archive")
    }
    let archive = try (fetcher ?? Fetcher(cache: cache)).fetch(file)
    let unpacked = try ArchiveUnpacker.unpack(archive, into: cache.unpacked(dataset.name))
    return try encode(recordingsIn: unpacked, into: folder, seed: seed, showsProgress: showsProgress)
  }

  /// Encodes the FSDD recordings found under `recordingsFolder` (`recordings/DIGIT_SPEAKER_INDEX.wav`)
  /// into `folder`, on all cores. The same seed gives identical files: each recording's spikes
  /// are seeded from `seed` and its file name, whatever thread encodes it.
  public static func encode(recordingsIn recordingsFolder: URL, into folder: URL, seed: UInt64,
                            showsProgress: Bool = false, blockSize: Int = 256) throws -> [String: URL] {
    let layout = try AudioSplits.freeSpokenDigits(in: recordingsFolder)
    let speakerNames = Set(splits.flatMap { layout.splits[$0] ?? [] }.map(speaker(of:))).sorted()
    let speakerIDs = Dictionary(uniqueKeysWithValues: speakerNames.enumerated().map { ($1, $0) })

    var written: [String: URL] = [:]
    for split in splits {
      let items = layout.splits[split] ?? []
      let progress = ProgressLine(label: "encode spiking-fsdd \(split)", total: items.count, enabled: showsProgress)
      var samples: [SpikeSample] = []
      samples.reserveCapacity(items.count)
      var start = 0
      while start < items.count {
        let block = Array(items[start..<min(start + blockSize, items.count)])
        let encoded = DatasetPreparer.parallelMap(block) { item in
          Result { try encodeRecording(item, seed: seed) }
        }
        samples += try encoded.map { try $0.get() }
        start += block.count
        progress.update(done: start)
      }
      let url = folder.appendingPathComponent(fileName(split: split))
      try SpikeEventWriter.write(
        samples, to: url, classNames: layout.classNames,
        speakers: SpikeEventWriter.Speakers(ids: items.map { speakerIDs[speaker(of: $0)]! }, names: speakerNames))
      progress.finish()
      written[split] = url
    }
    return written
  }

  /// Reads and encodes one recording with a seed drawn from `seed` and the recording's file name.
  static func encodeRecording(_ item: AudioItem, seed: UInt64) throws -> SpikeSample {
    let audio = try WAVAudio(contentsOf: item.url)
    var generator = SeededGenerator(seed: seed, stream: "spiking-fsdd \(item.url.lastPathComponent)")
    return CochlearEncoder(sampleRate: audio.sampleRate).encode(audio.samples, label: item.label, seed: generator.next())
  }

  /// Returns the speaker part of `DIGIT_SPEAKER_INDEX.wav`, which `AudioSplits.freeSpokenDigits` has checked.
  static func speaker(of item: AudioItem) -> String {
    String(item.url.deletingPathExtension().lastPathComponent.split(separator: "_")[1])
  }
}
