import Foundation

/// The stage actions of the `reproduce` command, and the setup shared by `reproduce` and `status`.
public enum StandardStages {
  /// Resolves the `PIPELINE` argument of `reproduce` and `status`: a path to a pipeline file, or
  /// a bare name such as `fsdd` for `pipelines/fsdd.json`.
  public static func pipelineFile(_ argument: String, fileManager: FileManager = .default) -> String {
    if fileManager.fileExists(atPath: argument) || argument.contains("/") || argument.hasSuffix(".json") {
      return argument
    }
    return "pipelines/\(argument).json"
  }

  /// Loads and plans the pipeline file at `path` and builds its runner over the cache `cache`
  /// and the results folder `results/<pipeline>/`.
  public static func runner(
    pipelineFile path: String, cache: URL, results: URL, actions: [StageKind: any StageAction],
    output: @escaping @Sendable (String) -> Void = { print($0) }
  ) throws -> Runner {
    let file = try PipelineFile.load(from: URL(fileURLWithPath: path), displayPath: path)
    let plan = try Planner.plan(file)
    return Runner(
      plan: plan, store: StageStore(root: cache), results: ResultsFolder(results: results, pipeline: plan.pipeline),
      actions: actions, output: output)
  }
}
