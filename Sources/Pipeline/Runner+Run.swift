import Foundation

extension Runner {
  /// Runs every stale selected stage whose inputs are finished, up to `options.jobs` at once, then
  /// rewrites the lock file. Throws `PipelineError.stagesFailed` after the lock file is written
  /// when a stage failed, naming each failed stage and the stages it blocks.
  @discardableResult
  public func run(_ options: RunOptions = RunOptions()) throws -> [StageReport] {
    precondition(options.jobs >= 1, "jobs must be at least 1, got \(options.jobs)")
    let selected = try selectedStages(options)
    let forced = try forcedStages(options)
    let previousLock = try results.readLock()
    let cacheLock = try CacheLock(root: store.root)
    defer { cacheLock.release() }

    let jobs = min(options.jobs, cores)
    if jobs < options.jobs {
      emit("note", "--jobs \(options.jobs) lowered to \(jobs), the number of cores")
    }
    let run = RunState(jobs: jobs, threads: max(1, cores / jobs))

    while true {
      launchReadyStages(run, selected: selected, forced: forced, lock: previousLock, options: options)
      if run.running.isEmpty { break }
      for completion in run.waitForCompletions() {
        record(completion, in: run, selected: selected, keepGoing: options.keepGoing)
      }
    }

    var reports: [StageReport] = []
    var notRun = 0
    for stage in plan.stages where selected.contains(stage.name) {
      if let report = run.reports[stage.name] {
        reports.append(report)
      } else {
        notRun += 1
        reports.append(StageReport(stage: stage.name, state: .notRun, reasons: []))
      }
    }
    if notRun > 0 {
      emit("stopped", "\(notRun) stage(s) not run after the failure", ". Add --keep-going to run the stages that do not depend on it.")
    }

    try results.writeLock(LockFile(
      pipeline: plan.pipeline,
      stages: plan.stages.compactMap { stage in
        run.finished[stage.name].map { LockedStage(stage: stage, manifest: $0) } ?? previousLock?[stage.name]
      }))
    if !run.failures.isEmpty { throw PipelineError.stagesFailed(run.failures) }
    return reports
  }

  /// Walks the plan in order and settles every stage whose inputs are settled: skipped after a
  /// failed input, unchanged, or launched while a job slot is free.
  private func launchReadyStages(_ run: RunState, selected: Set<String>, forced: Set<String>, lock: LockFile?, options: RunOptions) {
    for stage in plan.stages where selected.contains(stage.name) && run.isOpen(stage.name) {
      if let blocker = stage.inputs.first(where: { run.blocked.contains($0) }) {
        run.blocked.insert(stage.name)
        run.reports[stage.name] = StageReport(stage: stage.name, state: .skipped(blockedBy: blocker), reasons: [])
        if options.keepGoing { emit("skipped", stage.name, ": needs \(blocker), which did not finish") }
        continue
      }
      guard !run.stopped, stage.inputs.allSatisfy({ run.finished[$0] != nil }) else { continue }

      let decision = run.decisions[stage.name] ?? decide(
        stage, inputs: stage.inputs.map { run.finished[$0]! }, forced: forced.contains(stage.name), lock: lock,
        verifyContents: options.verifyContents)
      if decision.reasons.isEmpty, let manifest = decision.manifest {
        run.finished[stage.name] = manifest
        run.reports[stage.name] = StageReport(stage: stage.name, state: .unchanged, reasons: [])
        emit("unchanged", stage.name)
        continue
      }
      guard run.running.count < run.jobs else {
        run.decisions[stage.name] = decision
        continue
      }
      guard let action = actions[stage.kind] else {
        emit("run", stage.name, ": " + decision.reasons.map(\.description).joined(separator: "; "))
        fail(stage.name, "this build registers no action for \(stage.kind.rawValue) stages.", in: run, selected: selected, keepGoing: options.keepGoing)
        run.reports[stage.name]?.reasons = decision.reasons
        continue
      }
      emit("run", stage.name, ": " + decision.reasons.map(\.description).joined(separator: "; "))
      run.decisions[stage.name] = decision
      run.running.insert(stage.name)
      launch(stage, decision: decision, action: action, forced: forced.contains(stage.name), inputs: stage.inputs.map { run.finished[$0]! }, run: run)
    }
  }

  /// Runs one stage on a background thread and posts its outcome to `run`.
  private func launch(_ stage: Stage, decision: Decision, action: any StageAction, forced: Bool, inputs: [StageManifest], run: RunState) {
    let store = self.store
    let threads = run.threads
    let stageInputs = zip(stage.inputs, inputs).map { name, manifest in
      StageInput(
        stage: name, kind: manifest.kind, parameters: manifest.parameters,
        outputs: store.outputsFolder(manifest.key), manifest: manifest)
    }
    DispatchQueue.global().async { [self] in
      let started = Date()
      let result = Result<StageManifest, Error> {
        try store.discardFinished(decision.key)
        let work = try store.prepareWork(decision.key, fresh: forced)
        let context = StageContext(
          stage: stage, key: decision.key, inputs: stageInputs, outputs: work.outputs,
          checkpoints: work.checkpoints, threads: threads,
          log: { [self] line in emit("", stage.name, ": " + line) })
        try action.run(context)
        return try store.finish(stage, key: decision.key, inputs: decision.inputs, threads: threads)
      }
      run.complete(Completion(stage: stage, result: result, seconds: Date().timeIntervalSince(started)))
    }
  }

  private func record(_ completion: Completion, in run: RunState, selected: Set<String>, keepGoing: Bool) {
    let name = completion.stage.name
    run.running.remove(name)
    let reasons = run.decisions[name]?.reasons ?? []
    do {
      let manifest = try completion.result.get()
      if completion.stage.publishesResults {
        try results.publish(manifest, from: store.outputsFolder(manifest.key))
      }
      run.finished[name] = manifest
      run.reports[name] = StageReport(stage: name, state: .ran, reasons: reasons)
      emit("done", name, String(format: " in %.1f s", completion.seconds))
    } catch {
      let message = "\(error)"
      fail(name, message, in: run, selected: selected, keepGoing: keepGoing)
      run.reports[name]?.reasons = reasons
    }
  }

  private func fail(_ name: String, _ message: String, in run: RunState, selected: Set<String>, keepGoing: Bool) {
    let blocked = plan.dependents(of: name).filter(selected.contains)
    let failure = StageFailure(stage: name, message: message, blocked: blocked)
    run.failures.append(failure)
    run.blocked.insert(name)
    run.reports[name] = StageReport(stage: name, state: .failed(message), reasons: [])
    emit("failed", name, ": " + message + " " + failure.blockedSentence)
    if !keepGoing { run.stopped = true }
  }
}

/// The outcome of one stage's action, posted from its thread.
struct Completion {
  var stage: Stage
  var result: Result<StageManifest, Error>
  var seconds: Double
}

/// The bookkeeping of one `Runner.run`. Only the calling thread reads and writes it, except
/// `pending`, which stage threads append to under `condition`.
final class RunState: @unchecked Sendable {
  let jobs: Int
  let threads: Int
  var finished: [String: StageManifest] = [:]
  var reports: [String: StageReport] = [:]
  var decisions: [String: Runner.Decision] = [:]
  var running: Set<String> = []
  /// Stages that failed or were skipped; their dependents are skipped.
  var blocked: Set<String> = []
  var failures: [StageFailure] = []
  /// Set at a failure without `--keep-going`: nothing new starts.
  var stopped = false
  private let condition = NSCondition()
  private var pending: [Completion] = []

  init(jobs: Int, threads: Int) {
    self.jobs = jobs
    self.threads = threads
  }

  /// Returns whether the stage is neither settled nor running.
  func isOpen(_ name: String) -> Bool {
    reports[name] == nil && !running.contains(name)
  }

  func complete(_ completion: Completion) {
    condition.lock()
    pending.append(completion)
    condition.signal()
    condition.unlock()
  }

  /// Blocks until at least one stage has completed, and returns every completion posted so far.
  func waitForCompletions() -> [Completion] {
    condition.lock()
    defer { condition.unlock() }
    while pending.isEmpty { condition.wait() }
    let completions = pending
    pending = []
    return completions
  }
}

/// An exclusive `flock` on `<cache>/lock`, so two runs never write the same stage at once.
final class CacheLock {
  private var descriptor: Int32

  init(root: URL) throws {
    try StageStore.createFolder(root)
    let path = root.appendingPathComponent("lock").path
    descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw PipelineError.storage(path: path, reason: "cannot open the cache lock: \(String(cString: strerror(errno))).")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw PipelineError.cacheBusy(path: root.path)
    }
  }

  func release() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
