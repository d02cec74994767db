import Foundation

/// A reason for a stage to run.
public enum StaleReason: Equatable, Sendable, CustomStringConvertible {
  /// The lock file has no entry for the stage: it never finished in this pipeline.
  case noPreviousOutput
  /// Nothing changed since the lock file's entry, but the cache has no finished folder for it
  /// (a new or cleared cache).
  case notInCache
  /// The stage kind's implementation version changed.
  case versionChanged(kind: StageKind, old: Int, new: Int)
  case parameterChanged(JSONChange)
  /// The named input's key or output content changed.
  case inputChanged(String)
  case inputAdded(String)
  case inputRemoved(String)
  /// An output file in the cache, at its path relative to the stage's output folder, is gone.
  case outputMissing(String)
  /// An output file in the cache has other content than its manifest records.
  case outputModified(String)
  /// A published copy in the results folder, at the path shown, is gone.
  case publishedMissing(String)
  /// A published copy in the results folder has other content than the stage wrote.
  case publishedModified(String)
  /// The finished folder's manifest cannot be trusted, for the reason in the detail.
  case manifestDamaged(String)
  /// `--force` selected the stage.
  case forced
  /// The named inputs are stale themselves, so `status` cannot tell yet whether this stage's key
  /// changes.
  case inputsStale([String])

  public var description: String {
    switch self {
    case .noPreviousOutput: return "no previous output"
    case .notInCache: return "no finished output in the cache"
    case .versionChanged(let kind, let old, let new):
      return "implementation of \(kind.rawValue) stages changed from version \(old) to \(new)"
    case .parameterChanged(let change):
      switch (change.old, change.new) {
      case (let old?, let new?): return "parameter \(change.path) changed from \(old) to \(new)"
      case (nil, let new?): return "parameter \(change.path) added with value \(new)"
      case (let old?, nil): return "parameter \(change.path) removed (was \(old))"
      case (nil, nil): return "parameter \(change.path) changed"
      }
    case .inputChanged(let name): return "input \(name) changed"
    case .inputAdded(let name): return "input \(name) added"
    case .inputRemoved(let name): return "input \(name) removed"
    case .outputMissing(let path): return "output file \(path) missing"
    case .outputModified(let path): return "output file \(path) modified"
    case .publishedMissing(let path): return "published file \(path) missing"
    case .publishedModified(let path): return "published file \(path) modified"
    case .manifestDamaged(let detail): return "manifest damaged: \(detail)"
    case .forced: return "forced"
    case .inputsStale(let names):
      if names.count == 1 { return "input \(names[0]) is stale" }
      let listed = names.prefix(3).joined(separator: ", ")
      return names.count > 3 ? "inputs \(listed) and \(names.count - 3) more are stale" : "inputs \(listed) are stale"
    }
  }
}

/// The outcome of one stage in a run, or its state found by `status`.
public struct StageReport: Equatable, Sendable {
  public enum State: Equatable, Sendable {
    /// Its finished output is valid and was reused.
    case unchanged
    /// It must run (`status` only).
    case stale
    /// It ran and finished.
    case ran
    /// It ran and threw, or it had no action; the message is the error's.
    case failed(String)
    /// It did not run because the named input failed or was skipped.
    case skipped(blockedBy: String)
    /// It did not run because the run stopped at a failure without `--keep-going`.
    case notRun
  }

  public var stage: String
  public var state: State
  /// The reasons it ran or must run, empty for unchanged stages.
  public var reasons: [StaleReason]
}
