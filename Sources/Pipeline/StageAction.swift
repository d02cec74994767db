import Foundation

/// The work of one kind of stage. The runner calls `run` for each stale stage of that kind.
///
/// An action reads its inputs through `context.inputs`, writes every output file under
/// `context.outputs`, and throws on failure. It may keep resumable state in
/// `context.checkpoints`; anything else it writes outside `context.outputs` is lost.
public protocol StageAction: Sendable {
  func run(_ context: StageContext) throws
}

/// A stage action given as a closure.
public struct ClosureAction: StageAction {
  private let body: @Sendable (StageContext) throws -> Void

  public init(_ body: @escaping @Sendable (StageContext) throws -> Void) {
    self.body = body
  }

  public func run(_ context: StageContext) throws {
    try body(context)
  }
}

/// Everything a stage action gets from the runner.
public struct StageContext: Sendable {
  public let stage: Stage
  public let key: String
  /// Finished inputs in the order of `stage.inputs`.
  public let inputs: [StageInput]
  /// The folder to write output files into; empty at the start of every attempt.
  public let outputs: URL
  /// Per-epoch checkpoints, kept from an interrupted or failed attempt of the same key.
  public let checkpoints: EpochCheckpoints
  /// Threads this stage may use: the machine's cores divided among the stages that run at once.
  public let threads: Int
  /// Prints a progress line prefixed with the stage name.
  public let log: @Sendable (String) -> Void

  /// Returns the input named `name`.
  public func input(_ name: String) -> StageInput? {
    inputs.first { $0.stage == name }
  }

  /// Returns the inputs of kind `kind`, in order.
  public func inputs(ofKind kind: StageKind) -> [StageInput] {
    inputs.filter { $0.kind == kind }
  }

  /// Decodes the stage's parameters, such as `TrainParameters`.
  public func parameters<T: Decodable>(as type: T.Type) throws -> T {
    try stage.parameters.decode(type)
  }

  /// Decodes the stage's cosmetic settings, such as `ReportPresentation`.
  public func presentation<T: Decodable>(as type: T.Type) throws -> T {
    try stage.presentation.decode(type)
  }
}

/// A finished input of a stage.
public struct StageInput: Sendable {
  public let stage: String
  public let kind: StageKind
  /// Parameters of the input stage, such as its `TrainParameters`.
  public let parameters: JSONValue
  /// The folder holding the input's output files.
  public let outputs: URL
  public let manifest: StageManifest

  /// Returns the URL of the input's output file at `path`.
  public func file(_ path: String) -> URL {
    outputs.appendingPathComponent(path)
  }
}
