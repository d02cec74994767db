import Foundation

// A report folder, as `renderReport` writes it:
//
//   README.md              the report: tables, notes, figures, runs, settings, lock, machine
//   tables/accuracy.md     accuracy per dataset, network and variant (Markdown)
//   tables/accuracy.csv    the same with raw numbers
//   tables/runs.md         one row per run, with its status (Markdown)
//   tables/runs.csv        the same as CSV
//   figures/NAME.gp        gnuplot script; `gnuplot NAME.gp` in figures/ renders it again
//   figures/NAME.dat       the figure's data, read by the script with a relative path
//   figures/NAME.png       rendered with pngcairo
//   figures/NAME.svg       rendered with the svg terminal
//
// Other files in the folder (such as the pipeline's lock file) are left alone.

/// The generated text of a report before anything is written.
public struct ReportContents: Sendable {
  public var groups: [RunGroup]
  public var figures: [Figure]
  /// Table files keyed by path relative to the report folder.
  public var tables: [String: String]
}

/// Groups the runs, builds the tables and the figures' scripts and data. Writes nothing.
public func composeReport(runs: [RunRecord], paperResults: [PaperResult] = PaperResult.published) -> ReportContents {
  let groups = groupRuns(runs, paperResults: paperResults)
  let tables = [
    "tables/accuracy.md": accuracyTable(groups).markdown,
    "tables/accuracy.csv": accuracyCSV(groups).csv,
    "tables/runs.md": runTable(groups).markdown,
    "tables/runs.csv": runTable(groups).csv,
  ]
  return ReportContents(groups: groups, figures: buildFigures(groups: groups), tables: tables)
}

/// Renders the report of `runs` into `folder` (created when missing), the library entry point
/// of the report stage.
///
/// Runs may be complete, partial or missing (no finished epoch); the report marks each. Use
/// `loadRuns(from:)` to read run folders. Everything is first written to a hidden staging
/// folder inside `folder` and moved into place when complete, `README.md` last, so an
/// interrupted report never looks finished.
///
/// When gnuplot is missing or fails, the tables, the README (saying which figures are missing)
/// and every figure's `.gp` and `.dat` are still written, and then the error is thrown:
/// `ReportError.gnuplotMissing` or the first `ReportError.gnuplotFailed`.
@discardableResult
public func renderReport(
  runs: [RunRecord], paperResults: [PaperResult] = PaperResult.published, into folder: URL,
  settings: ReportSettings
) throws -> ReportContents {
  let contents = composeReport(runs: runs, paperResults: paperResults)
  let fileManager = FileManager.default
  let staging = folder.appendingPathComponent(".report-staging-\(ProcessInfo.processInfo.processIdentifier)")
  try createFolder(folder)
  try? fileManager.removeItem(at: staging)
  try createFolder(staging.appendingPathComponent("tables"))
  let figureFolder = staging.appendingPathComponent("figures")
  try createFolder(figureFolder)
  defer { try? fileManager.removeItem(at: staging) }

  for (path, text) in contents.tables {
    try writeText(text, to: staging.appendingPathComponent(path))
  }
  for figure in contents.figures {
    try writeText(figure.script, to: figureFolder.appendingPathComponent(figure.scriptFile))
    try writeText(figure.data, to: figureFolder.appendingPathComponent(figure.dataFile))
  }

  var outcome = FigureOutcome.rendered
  var firstError: ReportError?
  if !settings.rendersFigures {
    outcome.notRenderedReason = "rendering was turned off."
  } else {
    for figure in contents.figures {
      do {
        try renderFigure(figure, in: figureFolder, program: settings.gnuplot)
      } catch let error as ReportError {
        if case .gnuplotMissing = error {
          outcome = FigureOutcome(notRenderedReason: "gnuplot ('\(settings.gnuplot)') was not found. Install the Debian package gnuplot-nox and render the report again.")
          firstError = error
          break
        }
        if case .gnuplotFailed(_, _, let output) = error {
          outcome.failures[figure.name] = output
        }
        firstError = firstError ?? error
      }
    }
  }

  let readme = reportReadme(
    groups: contents.groups, figures: contents.figures, outcome: outcome, paperResults: paperResults,
    settings: settings)
  try writeText(readme, to: staging.appendingPathComponent("README.md"))

  try replaceItem(folder.appendingPathComponent("tables"), with: staging.appendingPathComponent("tables"))
  try replaceItem(folder.appendingPathComponent("figures"), with: figureFolder)
  try replaceItem(folder.appendingPathComponent("README.md"), with: staging.appendingPathComponent("README.md"))
  if let firstError { throw firstError }
  return contents
}

func createFolder(_ url: URL) throws {
  do {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  } catch {
    throw ReportError.writeFailed(path: url.path, reason: error.localizedDescription)
  }
}

func writeText(_ text: String, to url: URL) throws {
  do {
    try Data(text.utf8).write(to: url, options: .atomic)
  } catch {
    throw ReportError.writeFailed(path: url.path, reason: error.localizedDescription)
  }
}

/// Moves `source` to `destination`, replacing what is there. A file is replaced atomically by
/// rename(2); a folder is removed first, because rename(2) replaces only empty folders.
private func replaceItem(_ destination: URL, with source: URL) throws {
  var isFolder: ObjCBool = false
  if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isFolder), isFolder.boolValue {
    do {
      try FileManager.default.removeItem(at: destination)
    } catch {
      throw ReportError.writeFailed(path: destination.path, reason: error.localizedDescription)
    }
  }
  if rename(source.path, destination.path) != 0 {
    throw ReportError.writeFailed(path: destination.path, reason: String(cString: strerror(errno)))
  }
}
