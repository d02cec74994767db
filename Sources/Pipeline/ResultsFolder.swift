import Foundation

/// `results/<pipeline>/`: the published outputs of the report stage and `pipeline.lock.json`.
public struct ResultsFolder: Sendable {
  public let url: URL

  public init(url: URL) {
    self.url = url
  }

  /// Creates the results folder of `pipeline` under `results`.
  public init(results: URL, pipeline: String) {
    url = results.appendingPathComponent(pipeline, isDirectory: true)
  }

  public static let lockFileName = "pipeline.lock.json"

  public var lockFile: URL { url.appendingPathComponent(Self.lockFileName) }

  /// Reads the lock file, or returns nil when there is none.
  public func readLock() throws -> LockFile? {
    guard FileManager.default.fileExists(atPath: lockFile.path) else { return nil }
    do {
      return try JSONDecoder().decode(LockFile.self, from: Data(contentsOf: lockFile))
    } catch {
      throw PipelineError.storage(
        path: lockFile.path,
        reason: "the lock file cannot be read (\(error.localizedDescription)). Restore it with git or delete it; the next run rewrites it.")
    }
  }

  public func writeLock(_ lock: LockFile) throws {
    try StageStore.createFolder(url)
    try StageStore.writeJSON(lock, to: lockFile)
  }

  /// Checks the published copies of a stage's outputs, always by their SHA-256 (they are small).
  public func check(_ manifest: StageManifest) -> OutputCheck {
    for record in manifest.outputs {
      switch StageStore.compare(url.appendingPathComponent(record.path), with: record, verifyContents: true) {
      case .missing: return .missing(record.path)
      case .modified: return .modified(record.path)
      case .unchanged: continue
      }
    }
    return .valid(manifest)
  }

  /// Copies the outputs of a finished stage from `outputs` into the results folder, each through
  /// a temporary name renamed into place.
  ///
  /// NOTE: files of earlier runs that the stage no longer writes stay in the folder.
  public func publish(_ manifest: StageManifest, from outputs: URL) throws {
    for record in manifest.outputs {
      if record.path == Self.lockFileName {
        throw PipelineError.storage(
          path: outputs.appendingPathComponent(record.path).path,
          reason: "an output may not be named \(Self.lockFileName), which is the lock file of the results folder.")
      }
      let destination = url.appendingPathComponent(record.path)
      try StageStore.createFolder(destination.deletingLastPathComponent())
      let temporary = destination.deletingLastPathComponent()
        .appendingPathComponent(".\(destination.lastPathComponent).partial")
      try StageStore.removeIfPresent(temporary)
      do {
        try FileManager.default.copyItem(at: outputs.appendingPathComponent(record.path), to: temporary)
      } catch {
        throw PipelineError.storage(path: temporary.path, reason: "cannot copy the output here: \(error.localizedDescription)")
      }
      try StageStore.move(temporary, to: destination)
    }
  }
}

/// `pipeline.lock.json`: what produced the results of a pipeline, one entry per stage.
///
/// It is rewritten after every `reproduce`. A stage that finished in that run (ran or was
/// unchanged) gets its current entry. Any other stage keeps its entry from the previous lock, so
/// the file always describes the outputs last produced. Reasons of `status` and `reproduce` (which
/// parameter or input changed) compare against it.
public struct LockFile: Codable, Equatable, Sendable {
  public var pipeline: String
  /// Entries in plan order.
  public var stages: [LockedStage]

  public init(pipeline: String, stages: [LockedStage]) {
    self.pipeline = pipeline
    self.stages = stages
  }

  public subscript(name: String) -> LockedStage? {
    stages.first { $0.name == name }
  }
}

/// One stage of a lock file.
public struct LockedStage: Codable, Equatable, Sendable {
  public var name: String
  public var kind: StageKind
  public var version: Int
  public var key: String
  public var parameters: JSONValue
  /// `InputFingerprint.digest` of each input by stage name.
  public var inputs: [String: String]
  /// SHA-256 of each output file by path.
  public var outputs: [String: String]

  public init(stage: Stage, manifest: StageManifest) {
    name = stage.name
    kind = stage.kind
    version = manifest.version
    key = manifest.key
    parameters = stage.parameters
    inputs = Dictionary(uniqueKeysWithValues: manifest.inputs.map { ($0.stage, $0.digest) })
    outputs = manifest.fingerprint.outputs
  }
}
