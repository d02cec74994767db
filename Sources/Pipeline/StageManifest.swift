import Foundation

/// The record a finished stage leaves beside its outputs, as `manifest.json`: its key, what
/// produced it, and the size, modification time and SHA-256 of every output file.
public struct StageManifest: Codable, Equatable, Sendable {
  public var key: String
  /// Name of the stage that first wrote this key (another pipeline may share the output).
  public var stage: String
  public var kind: StageKind
  public var version: Int
  public var parameters: JSONValue
  public var inputs: [ManifestInput]
  /// Output files sorted by path.
  public var outputs: [OutputRecord]
  /// Threads the stage ran with.
  public var threads: Int
  /// When the stage finished, in ISO 8601.
  public var finished: String

  /// The fingerprint that a dependent stage's key takes from this stage.
  public var fingerprint: InputFingerprint {
    InputFingerprint(key: key, outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0.path, $0.sha256) }))
  }
}

/// One input of a finished stage.
public struct ManifestInput: Codable, Equatable, Sendable {
  public var stage: String
  public var key: String
  /// `InputFingerprint.digest` of the input when this stage ran.
  public var digest: String
}

/// One output file of a finished stage.
public struct OutputRecord: Codable, Equatable, Sendable {
  /// Path relative to the stage's output folder, with `/` between folders.
  public var path: String
  public var sha256: String
  /// Size in bytes.
  public var size: Int64
  /// Modification time in nanoseconds since 1970. When size and time still match, the file is
  /// taken as unchanged without hashing it again.
  public var modifiedNanoseconds: Int64
}

/// Size and modification time of a regular file, from `lstat`.
struct FileStamp: Equatable {
  var size: Int64
  var modifiedNanoseconds: Int64

  /// The stamp of the regular file at `url`, or nil when there is none (missing, a folder or a
  /// symbolic link).
  init?(of url: URL) {
    var info = stat()
    guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    size = Int64(info.st_size)
    modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
  }
}

/// The state of a stage's outputs in the cache or in the results folder.
public enum OutputCheck: Equatable, Sendable {
  /// Every output is present with its recorded content.
  case valid(StageManifest)
  /// No finished folder exists for the key.
  case absent
  /// The output at this path is gone.
  case missing(String)
  /// The output at this path has other content than the manifest records.
  case modified(String)
  /// The manifest cannot be read or records another key.
  case damagedManifest(String)
}
