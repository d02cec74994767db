import Foundation
import Pipeline

let reproduceCommand = Command(
  usage: """
    reproduce PIPELINE [--only PATTERN] [--force PATTERN] [--keep-going] [--jobs N] [--verify] [--cache DIR] [--results DIR]
                 run the stale stages of pipelines/PIPELINE.json (or of the file PIPELINE)
    """,
  run: { arguments in
    let runner = try pipelineRunner(&arguments)
    let options = RunOptions(
      only: patterns(arguments.string("only")), force: patterns(arguments.string("force")),
      keepGoing: arguments.flag("keep-going"), jobs: try arguments.integer("jobs", default: 1),
      verifyContents: arguments.flag("verify"))
    guard options.jobs >= 1 else {
      throw UsageError(message: "--jobs expects a positive integer, got \(options.jobs).")
    }
    try arguments.rejectUnknown()
    try runner.run(options)
  },
  switches: ["keep-going", "verify"])

/// Splits a comma-separated list of stage patterns.
func patterns(_ text: String?) -> [String] {
  text.map { $0.split(separator: ",").map(String.init) } ?? []
}

/// Reads the PIPELINE argument and the `--cache` and `--results` options shared by `reproduce`
/// and `status`, and plans the pipeline.
func pipelineRunner(_ arguments: inout Arguments) throws -> Runner {
  guard arguments.positional.count == 1 else {
    throw UsageError(message: "expected one PIPELINE (a name such as fsdd, or a file such as pipelines/fsdd.json), got \(arguments.positional.count) arguments.")
  }
  let cache = arguments.string("cache").map { URL(fileURLWithPath: $0, isDirectory: true) } ?? StageStore.defaultRoot()
  let results = URL(fileURLWithPath: arguments.string("results") ?? "results", isDirectory: true)
  let actions = StandardStages.actions(cacheRoot: cache)
  return try StandardStages.runner(
    pipelineFile: StandardStages.pipelineFile(arguments.positional[0]), cache: cache, results: results, actions: actions)
}
