import Foundation

/// Options of `reproduce` and `status`.
public struct RunOptions: Sendable {
  /// Stage patterns of `--only`: run the matching stages and the stale stages they need. All
  /// stages when empty.
  public var only: [String]
  /// Stage patterns of `--force`: run the matching stages even when unchanged, from scratch.
  public var force: [String]
  /// Whether stages that do not depend on a failed stage still run.
  public var keepGoing: Bool
  /// Stages that may run at once; each gets `cores / jobs` threads.
  public var jobs: Int
  /// Whether every cached output is hashed, rather than only files whose size or time changed.
  public var verifyContents: Bool

  public init(only: [String] = [], force: [String] = [], keepGoing: Bool = false, jobs: Int = 1, verifyContents: Bool = false) {
    self.only = only
    self.force = force
    self.keepGoing = keepGoing
    self.jobs = jobs
    self.verifyContents = verifyContents
  }

  /// Returns whether `pattern` selects the stage `name`: a shell glob over the whole name, in which `*`
  /// also matches `/`, or a prefix ending at a `/` (`train` selects `train/fsdd/none/seed0`).
  public static func matches(_ pattern: String, _ name: String) -> Bool {
    fnmatch(pattern, name, 0) == 0 || name.hasPrefix(pattern + "/")
  }
}

/// Runs the stale stages of a plan in dependency order, and explains which stages are stale.
///
/// Each stage's key is computed once its inputs are finished; a finished folder with that key and
/// valid outputs makes it unchanged. Otherwise its action runs, and the reasons printed compare
/// it with the stage's entry in the previous lock file. Output is one line per stage:
///
///     unchanged  fetch/fsdd
///     run        train/fsdd/learned/seed0: parameter learningRate changed from 0.001 to 0.002
///     done       train/fsdd/learned/seed0 in 812.4 s
///     failed     evaluate/fsdd/learned/seed0: MESSAGE. It blocks: report.
///     skipped    report: needs evaluate/fsdd/learned/seed0, which did not finish
public final class Runner: @unchecked Sendable {
  public let plan: Plan
  public let store: StageStore
  public let results: ResultsFolder
  public let actions: [StageKind: any StageAction]
  /// Cores shared by the stages that run at once.
  public let cores: Int
  private let printLock = NSLock()
  private let printLine: @Sendable (String) -> Void

  public init(
    plan: Plan, store: StageStore, results: ResultsFolder, actions: [StageKind: any StageAction],
    cores: Int = ProcessInfo.processInfo.activeProcessorCount,
    output: @escaping @Sendable (String) -> Void = { print($0) }
  ) {
    self.plan = plan
    self.store = store
    self.results = results
    self.actions = actions
    self.cores = max(1, cores)
    self.printLine = output
  }

  func emit(_ label: String, _ stage: String, _ detail: String = "") {
    let padded = label.padding(toLength: max(label.count + 1, 11), withPad: " ", startingAt: 0)
    printLock.lock()
    printLine(padded + stage + detail)
    printLock.unlock()
  }

  private static func reasonText(_ reasons: [StaleReason]) -> String {
    ": " + reasons.map(\.description).joined(separator: "; ")
  }

  // MARK: Selection

  /// Returns the stages that `options.only` selects, with the stages they need.
  func selectedStages(_ options: RunOptions) throws -> Set<String> {
    guard !options.only.isEmpty else { return Set(plan.stages.map(\.name)) }
    var selected: Set<String> = []
    for pattern in options.only {
      let matched = plan.stages.filter { RunOptions.matches(pattern, $0.name) }
      if matched.isEmpty { throw PipelineError.noMatchingStage(option: "only", pattern: pattern) }
      for stage in matched { selected.formUnion(plan.closure(of: stage.name)) }
    }
    return selected
  }

  func forcedStages(_ options: RunOptions) throws -> Set<String> {
    var forced: Set<String> = []
    for pattern in options.force {
      let matched = plan.stages.filter { RunOptions.matches(pattern, $0.name) }
      if matched.isEmpty { throw PipelineError.noMatchingStage(option: "force", pattern: pattern) }
      forced.formUnion(matched.map(\.name))
    }
    return forced
  }

  // MARK: Decisions

  /// A stage whose inputs are finished: its key, and why it must run (empty when unchanged).
  struct Decision {
    var key: String
    var inputs: [ManifestInput]
    var reasons: [StaleReason]
    var manifest: StageManifest?
  }

  func decide(_ stage: Stage, inputs: [StageManifest], forced: Bool, lock: LockFile?, verifyContents: Bool) -> Decision {
    let fingerprints = inputs.map(\.fingerprint)
    let key = stage.key(inputs: fingerprints)
    let manifestInputs = zip(stage.inputs, fingerprints).map { ManifestInput(stage: $0, key: $1.key, digest: $1.digest) }
    var decision = Decision(key: key, inputs: manifestInputs, reasons: [], manifest: nil)
    if forced {
      decision.reasons = [.forced]
      return decision
    }
    switch store.check(key, verifyContents: verifyContents) {
    case .valid(let manifest):
      decision.manifest = manifest
      if stage.publishesResults {
        switch results.check(manifest) {
        case .missing(let path): decision.reasons = [.publishedMissing(displayPath(path))]
        case .modified(let path): decision.reasons = [.publishedModified(displayPath(path))]
        default: break
        }
      }
    case .missing(let path): decision.reasons = [.outputMissing(path)]
    case .modified(let path): decision.reasons = [.outputModified(path)]
    case .damagedManifest(let detail): decision.reasons = [.manifestDamaged(detail)]
    case .absent: decision.reasons = explain(stage, key: key, inputs: manifestInputs, lock: lock)
    }
    return decision
  }

  /// Compares a stage that has no finished output with its entry in the previous lock file.
  func explain(_ stage: Stage, key: String, inputs: [ManifestInput], lock: LockFile?) -> [StaleReason] {
    guard let previous = lock?[stage.name], previous.kind == stage.kind else { return [.noPreviousOutput] }
    var reasons: [StaleReason] = []
    if previous.version != stage.kind.implementationVersion {
      reasons.append(.versionChanged(kind: stage.kind, old: previous.version, new: stage.kind.implementationVersion))
    }
    reasons += stage.parameters.changes(from: previous.parameters).map(StaleReason.parameterChanged)
    for input in inputs {
      switch previous.inputs[input.stage] {
      case nil: reasons.append(.inputAdded(input.stage))
      case let digest? where digest != input.digest: reasons.append(.inputChanged(input.stage))
      default: break
      }
    }
    for name in previous.inputs.keys.sorted() where !stage.inputs.contains(name) {
      reasons.append(.inputRemoved(name))
    }
    return reasons.isEmpty ? [.notInCache] : reasons
  }

  /// `path` inside the results folder, relative to the working directory when it lies below it.
  func displayPath(_ path: String) -> String {
    let full = results.url.appendingPathComponent(path).path
    let workingDirectory = FileManager.default.currentDirectoryPath + "/"
    return full.hasPrefix(workingDirectory) ? String(full.dropFirst(workingDirectory.count)) : full
  }

  // MARK: Status

  /// Prints and returns, for each selected stage, whether it is unchanged or why it must run,
  /// without running anything. A stage downstream of a stale stage is reported stale because of
  /// that input, since its key depends on outputs that do not exist yet.
  @discardableResult
  public func status(_ options: RunOptions = RunOptions()) throws -> [StageReport] {
    let selected = try selectedStages(options)
    let forced = try forcedStages(options)
    let lock = try results.readLock()
    var finished: [String: StageManifest] = [:]
    var reports: [StageReport] = []
    for stage in plan.stages where selected.contains(stage.name) {
      let staleInputs = stage.inputs.filter { finished[$0] == nil }
      var reasons: [StaleReason]
      if staleInputs.isEmpty {
        let decision = decide(
          stage, inputs: stage.inputs.map { finished[$0]! }, forced: forced.contains(stage.name), lock: lock,
          verifyContents: options.verifyContents)
        reasons = decision.reasons
        if reasons.isEmpty { finished[stage.name] = decision.manifest }
      } else {
        reasons = forced.contains(stage.name) ? [.forced] : []
        reasons.append(.inputsStale(staleInputs))
      }
      if reasons.isEmpty {
        emit("unchanged", stage.name)
        reports.append(StageReport(stage: stage.name, state: .unchanged, reasons: []))
      } else {
        emit("stale", stage.name, Self.reasonText(reasons))
        reports.append(StageReport(stage: stage.name, state: .stale, reasons: reasons))
      }
    }
    return reports
  }
}
