/// Errors of the `Datasets` module: fetching, unpacking, reading events or audio, and frames.
///
/// Each case carries the file or value involved, and `description` states what was expected and
/// what to do next. Tests pin the text of the common cases.
public enum DatasetError: ReportableError, Equatable {
  /// The dataset name is not in the catalogue.
  case unknownDataset(name: String, known: [String])
  /// No mirror could deliver a file, and no copy was placed by hand.
  case downloadFailed(file: String, urls: [String], checksum: String, folder: String, reason: String)
  /// A file's size or checksum differs from the catalogue. A downloaded or hand-placed file was
  /// moved to `movedTo`; a file shipped in the repository is left in place (`movedTo` nil).
  case verificationFailed(file: String, expected: String, found: String, movedTo: String?)
  /// An archive ended early or its data is damaged.
  case corruptArchive(archive: String, lastEntry: String?, reason: String)
  /// An archive entry would be written outside the folder it is unpacked into.
  case unsafeArchiveEntry(archive: String, entry: String)
  /// A required HDF5 object is absent or has the wrong type.
  case invalidEventFile(file: String, reason: String)
  /// One sample of an event file breaks the SHD/SSC rules.
  case invalidSample(file: String, sample: Int, reason: String)
  /// A WAV file is not mono PCM 16-bit or 32-bit float at a supported rate.
  case unsupportedWAV(file: String, found: String)
  /// A WAV file's headers do not match its content.
  case damagedWAV(file: String, reason: String)
  /// An unpacked dataset lacks the files its layout requires.
  case invalidLayout(folder: String, reason: String)
  /// A split was requested before `dcls-delays data prepare` made its frames folder.
  case notPrepared(dataset: String, folder: String)
  /// A frames folder is incomplete or its files disagree.
  case invalidFrames(folder: String, reason: String)
  /// An operating-system or library call failed for a reason outside the user's input.
  case ioFailed(path: String, reason: String)

  public var isInputError: Bool {
    switch self {
    case .ioFailed: return false
    default: return true
    }
  }

  public var description: String {
    switch self {
    case let .unknownDataset(name, known):
      return "unknown dataset '\(name)'; expected one of \(known.joined(separator: ", "))."
    case let .downloadFailed(file, urls, checksum, folder, reason):
      return "could not download \(file) from \(urls.joined(separator: " or ")) (\(reason)). "
        + "Place a copy of \(file) (\(checksum)) in \(folder)/ and run the command again."
    case let .verificationFailed(file, expected, found, movedTo):
      let fate = movedTo.map { "The file was moved aside to \($0)" } ?? "The file was left in place and not used"
      return "\(file) failed verification: expected \(expected), found \(found). "
        + "\(fate); fetch it again or place a good copy by hand."
    case let .corruptArchive(archive, lastEntry, reason):
      let entry = lastEntry.map { "after entry '\($0)'" } ?? "before its first entry"
      return "\(archive) is truncated or corrupt \(entry): \(reason). "
        + "Delete it and fetch it again."
    case let .unsafeArchiveEntry(archive, entry):
      return "\(archive) contains entry '\(entry)' that would land outside the target folder; "
        + "nothing was unpacked. Check where the archive came from."
    case let .invalidEventFile(file, reason):
      return "\(file): \(reason). Expected the SHD/SSC layout "
        + "(spikes/times, spikes/units, labels); fetch the file again."
    case let .invalidSample(file, sample, reason):
      return "\(file): sample \(sample): \(reason). Fetch the file again; if it persists, the file is not SHD/SSC data."
    case let .unsupportedWAV(file, found):
      return "\(file): found \(found); expected a mono WAV file, PCM 16-bit or 32-bit float, at 8 or 16 kHz."
    case let .damagedWAV(file, reason):
      return "\(file): \(reason); the file is truncated or its header is wrong. Replace it with a good copy."
    case let .invalidLayout(folder, reason):
      return "\(folder): \(reason). Delete the folder and run 'dcls-delays data prepare' again."
    case let .notPrepared(dataset, folder):
      return "no frames at \(folder); run 'dcls-delays data prepare \(dataset)' first."
    case let .invalidFrames(folder, reason):
      return "frames folder \(folder): \(reason). Delete it and run 'dcls-delays data prepare' again."
    case let .ioFailed(path, reason):
      return "\(path): \(reason)."
    }
  }
}
