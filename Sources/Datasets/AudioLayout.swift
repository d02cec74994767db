import Foundation

/// One recording to prepare: its file and class.
public struct AudioItem: Sendable, Equatable {
  public var url: URL
  public var label: Int
}

/// The recordings of an unpacked audio dataset, grouped by split.
public struct AudioSplits: Sendable {
  /// Class names indexed by label.
  public var classNames: [String]
  /// Recordings of each split, in a fixed order (sorted by path).
  public var splits: [String: [AudioItem]]

  /// Reads an unpacked FSDD: `recordings/DIGIT_SPEAKER_INDEX.wav`, index 0-4 test, 5 and above train.
  public static func freeSpokenDigits(in folder: URL) throws -> AudioSplits {
    let files = try wavFiles(under: folder).filter { $0.deletingLastPathComponent().lastPathComponent == "recordings" }
    guard !files.isEmpty else {
      throw DatasetError.invalidLayout(folder: folder.path, reason: "no recordings/*.wav files")
    }
    var splits: [String: [AudioItem]] = ["train": [], "test": []]
    for file in files {
      let parts = file.deletingPathExtension().lastPathComponent.split(separator: "_")
      guard parts.count == 3, let digit = Int(parts[0]), (0...9).contains(digit), let index = Int(parts[2]) else {
        throw DatasetError.invalidLayout(folder: folder.path, reason: "\(file.lastPathComponent) is not named DIGIT_SPEAKER_INDEX.wav")
      }
      splits[index < 5 ? "test" : "train", default: []].append(AudioItem(url: file, label: digit))
    }
    return AudioSplits(classNames: (0...9).map(String.init), splits: splits)
  }

  /// Reads an unpacked Speech Commands archive: one folder per word (folders starting with `_`,
  /// such as `_background_noise_`, are not classes), `validation_list.txt` and `testing_list.txt`
  /// with paths `WORD/FILE.wav`. Files in neither list are training samples.
  public static func speechCommands(in folder: URL) throws -> AudioSplits {
    let fileManager = FileManager.default
    var root = folder
    if !fileManager.fileExists(atPath: root.appendingPathComponent("testing_list.txt").path),
       let nested = try? fileManager.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
         .first(where: { fileManager.fileExists(atPath: $0.appendingPathComponent("testing_list.txt").path) }) {
      root = nested
    }
    func list(_ name: String) throws -> [String] {
      let url = root.appendingPathComponent(name)
      guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        throw DatasetError.invalidLayout(folder: folder.path, reason: "\(name) is missing")
      }
      return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    let validation = try list("validation_list.txt")
    let testing = try list("testing_list.txt")
    let words = try fileManager.contentsOfDirectory(atPath: root.path).filter { name in
      var isFolder: ObjCBool = false
      return !name.hasPrefix("_") && !name.hasPrefix(".")
        && fileManager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder) && isFolder.boolValue
    }.sorted()
    guard !words.isEmpty else {
      throw DatasetError.invalidLayout(folder: folder.path, reason: "no word folders")
    }
    let labelOfWord = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
    func item(_ relative: String, listedIn list: String) throws -> AudioItem {
      let word = String(relative.split(separator: "/").first ?? "")
      let url = root.appendingPathComponent(relative)
      guard let label = labelOfWord[word], fileManager.fileExists(atPath: url.path) else {
        throw DatasetError.invalidLayout(folder: folder.path, reason: "\(list) names \(relative), which is missing")
      }
      return AudioItem(url: url, label: label)
    }
    let held = Set(validation).union(testing)
    var training: [AudioItem] = []
    for word in words {
      let files = try fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(word).path)
        .filter { $0.hasSuffix(".wav") }.sorted()
      for file in files where !held.contains("\(word)/\(file)") {
        training.append(AudioItem(url: root.appendingPathComponent("\(word)/\(file)"), label: labelOfWord[word]!))
      }
    }
    return AudioSplits(classNames: words, splits: [
      "train": training,
      "valid": try validation.sorted().map { try item($0, listedIn: "validation_list.txt") },
      "test": try testing.sorted().map { try item($0, listedIn: "testing_list.txt") },
    ])
  }

  private static func wavFiles(under folder: URL) throws -> [URL] {
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
      throw DatasetError.invalidLayout(folder: folder.path, reason: "the folder cannot be listed")
    }
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "wav" }
      .sorted { $0.path < $1.path }
  }
}

/// Turns a recording into mel frames: the first second (zero-padded at the end when shorter),
/// resampled to 8 kHz when recorded at 16 kHz, then `MelSpectrogram` decibels, `(101, 140)`.
public final class AudioFrontEnd: @unchecked Sendable {
  public let melSpectrogram = MelSpectrogram()
  private let resampler = Resampler(from: 16000, to: MelSpectrogram.sampleRate)

  public init() {}

  /// Returns the recording's first second, padded with zeros at the end to exactly one second.
  public static func oneSecond(_ audio: WAVAudio) -> [Float] {
    var samples = Array(audio.samples.prefix(audio.sampleRate))
    samples.append(contentsOf: repeatElement(0, count: audio.sampleRate - samples.count))
    return samples
  }

  /// Returns the mel frames `(101, 140)` of an 8 kHz or 16 kHz recording.
  public func frames(of audio: WAVAudio) -> [Float] {
    precondition(audio.sampleRate == 8000 || audio.sampleRate == 16000,
                 "AudioFrontEnd: \(audio.sampleRate) Hz is rejected by the WAV reader")
    let second = Self.oneSecond(audio)
    let narrowband = audio.sampleRate == 16000 ? resampler.resample(second) : second
    return melSpectrogram.decibels(of: narrowband)
  }
}
