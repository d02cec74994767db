import Foundation

/// The cache folder: one folder per finished stage key, and work folders of unfinished stages.
///
/// Layout under `root`:
///
///     stages/KEY/manifest.json     the StageManifest of a finished stage
///     stages/KEY/outputs/...       its output files
///     work/KEY/outputs/            where a running stage writes its outputs
///     work/KEY/checkpoints/        per-epoch checkpoints (EpochCheckpoints), kept across attempts
///     lock                         held by a running `reproduce` (flock)
///
/// A stage's outputs appear under `stages/KEY` only by a rename of a complete folder, so a stage
/// that failed or was interrupted never looks finished. Its work folder stays, so the next
/// attempt can resume from its checkpoints.
public struct StageStore: Sendable {
  public let root: URL

  public init(root: URL) {
    self.root = root
  }

  /// Returns the cache folder named by `DCLS_DELAYS_CACHE`, or `~/.cache/dcls-delays` when it is
  /// unset.
  public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    if let path = environment["DCLS_DELAYS_CACHE"], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    return FileManager.default.homeDirectoryForCurrentUser
      .appendingPathComponent(".cache/dcls-delays", isDirectory: true)
  }

  /// Returns the folder of the finished stage `key`.
  public func finishedFolder(_ key: String) -> URL {
    root.appendingPathComponent("stages/\(key)", isDirectory: true)
  }

  /// Returns the folder in which the stage `key` runs until it finishes.
  public func workFolder(_ key: String) -> WorkFolder {
    WorkFolder(root: root.appendingPathComponent("work/\(key)", isDirectory: true))
  }

  // MARK: Checking

  /// Checks the finished folder of `key`: its manifest and every output file. A file whose size
  /// and modification time match the manifest is taken as unchanged unless `verifyContents`,
  /// which hashes every file.
  public func check(_ key: String, verifyContents: Bool = false) -> OutputCheck {
    let folder = finishedFolder(key)
    let manifestURL = folder.appendingPathComponent("manifest.json")
    guard FileManager.default.fileExists(atPath: manifestURL.path) else { return .absent }
    let manifest: StageManifest
    do {
      manifest = try JSONDecoder().decode(StageManifest.self, from: Data(contentsOf: manifestURL))
    } catch {
      return .damagedManifest("\(manifestURL.path) cannot be read: \(error.localizedDescription)")
    }
    if manifest.key != key {
      return .damagedManifest("\(manifestURL.path) records key \(manifest.key)")
    }
    let outputs = folder.appendingPathComponent("outputs", isDirectory: true)
    for record in manifest.outputs {
      switch Self.compare(outputs.appendingPathComponent(record.path), with: record, verifyContents: verifyContents) {
      case .missing: return .missing(record.path)
      case .modified: return .modified(record.path)
      case .unchanged: continue
      }
    }
    return .valid(manifest)
  }

  enum FileComparison { case unchanged, missing, modified }

  /// Compares the file at `url` with `record`: by size first, then by stamp, then by SHA-256.
  static func compare(_ url: URL, with record: OutputRecord, verifyContents: Bool) -> FileComparison {
    guard let stamp = FileStamp(of: url) else { return .missing }
    if stamp.size != record.size { return .modified }
    if !verifyContents && stamp.modifiedNanoseconds == record.modifiedNanoseconds { return .unchanged }
    guard let hash = try? SHA256Hasher.hex(ofFileAt: url) else { return .missing }
    return hash == record.sha256 ? .unchanged : .modified
  }

  /// Returns the output folder of the finished stage `key`.
  public func outputsFolder(_ key: String) -> URL {
    finishedFolder(key).appendingPathComponent("outputs", isDirectory: true)
  }

  // MARK: Running

  /// Removes the finished folder of `key`, if any, so that a stale output cannot look finished
  /// while the stage runs again.
  public func discardFinished(_ key: String) throws {
    try Self.removeIfPresent(finishedFolder(key))
  }

  /// Prepares the work folder of `key` for an attempt: an empty `outputs/`, and the checkpoints
  /// of an earlier attempt unless `fresh`.
  public func prepareWork(_ key: String, fresh: Bool) throws -> WorkFolder {
    let work = workFolder(key)
    if fresh { try Self.removeIfPresent(work.root) }
    try Self.removeIfPresent(work.outputs)
    try Self.removeIfPresent(work.staging)
    try Self.createFolder(work.outputs)
    try Self.createFolder(work.checkpoints.folder)
    return work
  }

  /// Turns the work folder of `stage` into its finished folder: hashes every output, writes the
  /// manifest, and renames the complete folder to `stages/KEY`. The work folder is removed after.
  public func finish(
    _ stage: Stage, key: String, inputs: [ManifestInput], threads: Int, now: Date = Date()
  ) throws -> StageManifest {
    let work = workFolder(key)
    let paths = try Self.listFiles(in: work.outputs)
    if paths.isEmpty { throw PipelineError.noOutputs(stage: stage.name) }
    var records: [OutputRecord] = []
    for path in paths {
      let url = work.outputs.appendingPathComponent(path)
      guard let stamp = FileStamp(of: url) else {
        throw PipelineError.storage(path: url.path, reason: "the output file vanished while the stage finished.")
      }
      records.append(OutputRecord(
        path: path, sha256: try SHA256Hasher.hex(ofFileAt: url), size: stamp.size,
        modifiedNanoseconds: stamp.modifiedNanoseconds))
    }
    let formatter = ISO8601DateFormatter()
    let manifest = StageManifest(
      key: key, stage: stage.name, kind: stage.kind, version: stage.kind.implementationVersion,
      parameters: stage.parameters, inputs: inputs, outputs: records, threads: threads,
      finished: formatter.string(from: now))

    try Self.removeIfPresent(work.staging)
    try Self.createFolder(work.staging)
    try Self.move(work.outputs, to: work.staging.appendingPathComponent("outputs", isDirectory: true))
    try Self.writeJSON(manifest, to: work.staging.appendingPathComponent("manifest.json"))
    let finished = finishedFolder(key)
    try Self.createFolder(finished.deletingLastPathComponent())
    try discardFinished(key)
    try Self.move(work.staging, to: finished)
    try Self.removeIfPresent(work.root)
    return manifest
  }

  // MARK: File helpers

  /// Paths of the regular files under `folder`, relative to it, sorted. Symbolic links and other
  /// special files are errors, because their content cannot be pinned by a hash.
  static func listFiles(in folder: URL) throws -> [String] {
    var paths: [String] = []
    func walk(_ url: URL, prefix: String) throws {
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: url.path)
      } catch {
        throw PipelineError.storage(path: url.path, reason: "cannot list the folder: \(error.localizedDescription)")
      }
      for name in names.sorted() {
        let child = url.appendingPathComponent(name)
        let relative = prefix.isEmpty ? name : "\(prefix)/\(name)"
        var info = stat()
        guard lstat(child.path, &info) == 0 else {
          throw PipelineError.storage(path: child.path, reason: "cannot read the file's status.")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: paths.append(relative)
        case S_IFDIR: try walk(child, prefix: relative)
        default:
          throw PipelineError.storage(path: child.path, reason: "outputs must be regular files or folders, not links or special files.")
        }
      }
    }
    try walk(folder, prefix: "")
    return paths.sorted()
  }

  static func removeIfPresent(_ url: URL) throws {
    var info = stat()
    guard lstat(url.path, &info) == 0 else { return }
    do {
      try FileManager.default.removeItem(at: url)
    } catch {
      throw PipelineError.storage(path: url.path, reason: "cannot remove it: \(error.localizedDescription)")
    }
  }

  static func createFolder(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw PipelineError.storage(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
    }
  }

  /// Renames `source` to `destination` with `rename(2)`, which is atomic within one file system.
  static func move(_ source: URL, to destination: URL) throws {
    guard rename(source.path, destination.path) == 0 else {
      let reason = String(cString: strerror(errno))
      throw PipelineError.storage(path: destination.path, reason: "cannot rename \(source.path) to it: \(reason).")
    }
  }

  /// Writes `value` as sorted, indented JSON through a temporary file renamed into place.
  static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      var data = try encoder.encode(value)
      data.append(0x0A)
      try data.write(to: url, options: .atomic)
    } catch {
      throw PipelineError.storage(path: url.path, reason: "cannot write the file: \(error.localizedDescription)")
    }
  }
}

/// The folder in which one stage runs until it finishes.
public struct WorkFolder: Sendable {
  public let root: URL

  /// The folder for the stage's output files, emptied before every attempt.
  public var outputs: URL { root.appendingPathComponent("outputs", isDirectory: true) }
  /// Per-epoch checkpoints, kept across attempts until the stage finishes.
  public var checkpoints: EpochCheckpoints {
    EpochCheckpoints(folder: root.appendingPathComponent("checkpoints", isDirectory: true))
  }
  /// The folder in which the finished folder is assembled before its rename into the cache.
  var staging: URL { root.appendingPathComponent("finished", isDirectory: true) }
}
