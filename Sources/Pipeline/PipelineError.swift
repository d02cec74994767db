import Datasets

/// An error of the pipeline subsystem: a bad pipeline file, an impossible stage graph, a cache
/// that cannot be written, or stages that failed.
public enum PipelineError: ReportableError, Equatable {
  /// The pipeline file at `file` breaks the schema at the JSON path `path` (like
  /// `$.datasets[1].network.hidden`). The message states what was expected and what was found.
  case invalidFile(file: String, path: String, message: String)
  /// The pipeline file could not be read or is not JSON.
  case unreadableFile(file: String, reason: String)
  /// Two stages of one plan have the same name.
  case duplicateStage(String)
  /// A stage names an input that is not in the plan.
  case unknownInput(stage: String, input: String)
  /// The stages form a cycle. The names are in dependency order, and the first repeats at the end.
  case cycle([String])
  /// `--only` or `--force` matched no stage.
  case noMatchingStage(option: String, pattern: String)
  /// Another process holds the cache folder's lock.
  case cacheBusy(path: String)
  /// A file or folder of the cache or of the results could not be read or written.
  case storage(path: String, reason: String)
  /// A stage action finished without writing any output file.
  case noOutputs(stage: String)
  /// One or more stages failed. Each entry names the stage, its error and the stages it blocks.
  case stagesFailed([StageFailure])

  public var isInputError: Bool {
    switch self {
    case .invalidFile, .unreadableFile, .noMatchingStage: return true
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .invalidFile(let file, let path, let message):
      return "\(file): \(path): \(message)"
    case .unreadableFile(let file, let reason):
      return "\(file): cannot read the pipeline file: \(reason)"
    case .duplicateStage(let name):
      return "two stages are named '\(name)'; stage names must be unique within a plan."
    case .unknownInput(let stage, let input):
      return "stage '\(stage)' needs '\(input)', which is not a stage of the plan."
    case .cycle(let names):
      return "stages form a cycle, so none of them can run first: "
        + names.joined(separator: " -> ") + " (each needs the next)."
    case .noMatchingStage(let option, let pattern):
      return "--\(option) '\(pattern)' matches no stage. Run 'dcls-delays status PIPELINE' to list the stage names."
    case .cacheBusy(let path):
      return "another dcls-delays process is using the cache \(path). Wait for it to finish, or set DCLS_DELAYS_CACHE to another folder."
    case .storage(let path, let reason):
      return "\(path): \(reason)"
    case .noOutputs(let stage):
      return "stage '\(stage)' finished without writing any output file."
    case .stagesFailed(let failures):
      let count = failures.count == 1 ? "1 stage" : "\(failures.count) stages"
      return "\(count) failed:\n" + failures.map { "  " + $0.description }.joined(separator: "\n")
    }
  }
}

/// A stage that failed, with its error message and the stages that could not run because of it.
public struct StageFailure: Equatable, Sendable, CustomStringConvertible {
  public var stage: String
  public var message: String
  /// Stages that depend on `stage`, directly or not, in plan order.
  public var blocked: [String]

  /// The stage, its error, and the stages it blocks (the first five when there are more).
  public var description: String {
    "\(stage): \(message) \(blockedSentence)"
  }

  /// `It blocks: a, b.`, with at most five names and a count of the others.
  public var blockedSentence: String {
    if blocked.isEmpty { return "It blocks no other stage." }
    let listed = blocked.prefix(5).joined(separator: ", ")
    let more = blocked.count > 5 ? " and \(blocked.count - 5) more" : ""
    return "It blocks: \(listed)\(more)."
  }
}
