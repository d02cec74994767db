import Foundation

/// The kind of work a stage does. Data flows `fetch -> unpack -> preprocess -> train -> evaluate -> report`.
public enum StageKind: String, Codable, Sendable, CaseIterable {
  case fetch, unpack, preprocess, train, evaluate, report

  /// The version of the code that implements this kind of stage, part of every stage key.
  ///
  /// Bump a kind's number when a change to its code changes what it writes (a bug fix in the
  /// binning, a new checkpoint field), so every cached output of that kind and everything
  /// downstream is recomputed.
  public var implementationVersion: Int {
    switch self {
    case .fetch: return 1
    case .unpack: return 1
    case .preprocess: return 1
    case .train: return 1
    case .evaluate: return 1
    case .report: return 3
    }
  }
}

/// One node of the stage graph: a unit of work whose output files are cached under its key.
public struct Stage: Equatable, Sendable {
  /// Unique name within a plan, such as `train/shd-legacy/learned/seed0`. Patterns of `--only`
  /// and `--force` match it.
  public var name: String
  public var kind: StageKind
  /// Everything that decides the stage's outputs besides its inputs; hashed into the key.
  public var parameters: JSONValue
  /// Names of the stages whose outputs this stage reads, in the order the action expects them.
  public var inputs: [String]
  /// Cosmetic settings such as titles, handed to the action but not hashed into the key.
  public var presentation: JSONValue
  /// Whether a copy of the outputs goes to the pipeline's results folder after the stage runs.
  public var publishesResults: Bool

  public init(
    name: String, kind: StageKind, parameters: JSONValue, inputs: [String] = [],
    presentation: JSONValue = .object([:]), publishesResults: Bool = false
  ) {
    self.name = name
    self.kind = kind
    self.parameters = parameters
    self.inputs = inputs
    self.presentation = presentation
    self.publishesResults = publishesResults
  }

  /// Computes the stage's key from the fingerprints of its finished inputs, in `inputs` order.
  ///
  /// The key is the SHA-256, in hexadecimal, of the canonical JSON text (see
  /// `JSONValue.canonicalText`) of the object
  /// `{"inputs": [{"key": K, "outputs": {PATH: SHA256}}, ...], "kind": KIND, "parameters": P,
  /// "version": V}`.
  ///
  /// Left out of the key, so changing them reruns nothing:
  /// - the pipeline's name and description, and every report option (title, figure titles),
  ///   which reach the report through `presentation`;
  /// - stage names, and the names of input stages (their keys and output hashes are in);
  /// - the cache folder's path, the results folder's path and whether outputs are published;
  /// - the thread count a stage runs with (`--jobs`), although floating-point sums may then
  ///   differ in their last bits; the manifest records it;
  /// - timestamps of output files, which only decide when an output is hashed again.
  public func key(inputs fingerprints: [InputFingerprint]) -> String {
    precondition(
      fingerprints.count == inputs.count,
      "stage \(name) has \(inputs.count) inputs but \(fingerprints.count) fingerprints")
    return Self.key(
      kind: kind, version: kind.implementationVersion, parameters: parameters, inputs: fingerprints)
  }

  /// Computes a key as `key(inputs:)` describes, with the implementation version given.
  public static func key(
    kind: StageKind, version: Int, parameters: JSONValue, inputs: [InputFingerprint]
  ) -> String {
    let document = JSONValue.object([
      "inputs": .array(inputs.map(\.json)),
      "kind": .string(kind.rawValue),
      "parameters": parameters,
      "version": .integer(version),
    ])
    return SHA256Hasher.hex(of: document.canonicalText)
  }
}

/// The part of a stage's key that comes from one finished input: the input's key and the SHA-256
/// of each of its output files.
public struct InputFingerprint: Equatable, Sendable {
  public var key: String
  /// SHA-256 in hexadecimal by output path, relative to the input's output folder.
  public var outputs: [String: String]

  public init(key: String, outputs: [String: String]) {
    self.key = key
    self.outputs = outputs
  }

  var json: JSONValue {
    .object(["key": .string(key), "outputs": .object(outputs.mapValues { .string($0) })])
  }

  /// The SHA-256 of the fingerprint's canonical JSON text: one value that changes when the
  /// input's key or any of its output files changes. The lock file records it per input.
  public var digest: String { SHA256Hasher.hex(of: json.canonicalText) }
}
