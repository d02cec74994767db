import Foundation

/// Per-epoch checkpoints of a long stage, inside its work folder, so that an interrupted stage
/// resumes from its last complete epoch.
///
/// Each epoch is a folder `epoch-NNNNNN` whose files the stage writes (weights, optimiser state,
/// metrics). The folder is written as `.partial-epoch-NNNNNN` and renamed when complete, so a
/// process killed while saving leaves the previous epoch as the latest. The runner keeps the work
/// folder of a stage that failed or was interrupted and hands it to the next attempt. The
/// checkpoints vanish with the work folder once the stage finishes, and `--force` starts over.
public struct EpochCheckpoints: Sendable {
  public let folder: URL

  public init(folder: URL) {
    self.folder = folder
  }

  /// A complete checkpoint: its epoch, counted from 1, and its folder.
  public struct Checkpoint: Equatable, Sendable {
    public var epoch: Int
    public var folder: URL
  }

  private static let prefix = "epoch-"
  private static let partialPrefix = ".partial-epoch-"

  private func name(_ epoch: Int) -> String {
    let digits = String(epoch)
    return Self.prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
  }

  /// Lists the complete checkpoints, oldest first.
  public func all() -> [Checkpoint] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.compactMap { name -> Checkpoint? in
      guard name.hasPrefix(Self.prefix), let epoch = Int(name.dropFirst(Self.prefix.count)) else { return nil }
      return Checkpoint(epoch: epoch, folder: folder.appendingPathComponent(name, isDirectory: true))
    }.sorted { $0.epoch < $1.epoch }
  }

  /// Returns the newest complete checkpoint, or nil when the stage starts from scratch.
  public func latest() -> Checkpoint? {
    all().last
  }

  /// Saves the checkpoint of `epoch`: `write` fills the folder it is given, which becomes the
  /// checkpoint only after `write` returns. Checkpoints other than the newest `keep` are then
  /// removed, as are partial folders of interrupted saves.
  @discardableResult
  public func save(epoch: Int, keep: Int = 1, _ write: (URL) throws -> Void) throws -> Checkpoint {
    precondition(epoch >= 1, "epochs count from 1, got \(epoch)")
    precondition(keep >= 1, "at least one checkpoint must be kept, got keep = \(keep)")
    try StageStore.createFolder(folder)
    let partial = folder.appendingPathComponent(Self.partialPrefix + name(epoch).dropFirst(Self.prefix.count), isDirectory: true)
    try StageStore.removeIfPresent(partial)
    try StageStore.createFolder(partial)
    try write(partial)

    let complete = folder.appendingPathComponent(name(epoch), isDirectory: true)
    try StageStore.removeIfPresent(complete)
    try StageStore.move(partial, to: complete)

    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    for name in names where name.hasPrefix(Self.partialPrefix) {
      try StageStore.removeIfPresent(folder.appendingPathComponent(name))
    }
    for old in all().dropLast(keep) {
      try StageStore.removeIfPresent(old.folder)
    }
    return Checkpoint(epoch: epoch, folder: complete)
  }
}
