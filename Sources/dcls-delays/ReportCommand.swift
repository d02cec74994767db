import Datasets
import Foundation
import Reports

/// `dcls-delays report PIPELINE RUN_OR_FOLDER... [--output DIR] [--stages FILE] [--gnuplot PROGRAM] [--no-figures]`
///
/// Renders the report of the named pipeline into `results/PIPELINE` or `--output`. Each path is a
/// run folder (it contains run.json) or a folder that is searched for run folders.
/// `--stages` names a JSON array of `{"stage", "key", "wallSeconds"}` objects for the lock
/// summary and the wall times.
let reportCommand = Command(
  usage: """
  report PIPELINE RUN_OR_FOLDER... [--output DIR] [--stages FILE] [--gnuplot PROGRAM] [--no-figures]
               write the comparison tables, figures and report of finished runs
  """,
  run: { arguments in
    let output = arguments.string("output")
    let stagesPath = arguments.string("stages")
    let gnuplot = arguments.string("gnuplot") ?? "gnuplot"
    let rendersFigures = !arguments.flag("no-figures")
    try arguments.rejectUnknown()
    guard arguments.positional.count >= 2 else {
      throw UsageError(message: "expected a pipeline name and at least one run folder or folder of runs, for example 'dcls-delays report fsdd ~/.cache/dcls-delays/runs'.")
    }
    let pipeline = arguments.positional[0]
    let paths = arguments.positional.dropFirst().map { URL(fileURLWithPath: $0) }
    let folder = URL(fileURLWithPath: output ?? "results/\(pipeline)")

    var stages: [StageRecord] = []
    if let stagesPath {
      do {
        stages = try JSONDecoder().decode([StageRecord].self, from: Data(contentsOf: URL(fileURLWithPath: stagesPath)))
      } catch {
        throw UsageError(message: "--stages \(stagesPath) is not a readable JSON array of {\"stage\", \"key\", \"wallSeconds\"} objects (\(error.localizedDescription)).")
      }
    }

    let runs = try loadRuns(from: paths)
    let settings = ReportSettings(
      pipeline: pipeline, stages: stages, software: SoftwareVersion.detect(gnuplot: gnuplot), machine: .current(),
      gnuplot: gnuplot, rendersFigures: rendersFigures)
    let contents = try renderReport(runs: runs, into: folder, settings: settings)
    let complete = runs.filter(\.isComplete).count
    let missing = runs.filter { $0.metrics.isEmpty }.count
    print("report: wrote \(folder.appendingPathComponent("README.md").path) from \(runs.count) runs (\(complete) complete, \(runs.count - complete - missing) partial, \(missing) missing) with \(contents.figures.count) figures")
  },
  switches: ["no-figures"])
