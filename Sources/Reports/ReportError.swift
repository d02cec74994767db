import Datasets
import Foundation

/// The errors of loading runs and rendering a report.
public enum ReportError: ReportableError, Equatable {
  /// A path given as a run or a folder of runs does not exist.
  case pathMissing(path: String)
  /// A folder given as a run has no `run.json`.
  case runFileMissing(folder: String)
  /// A run's JSON file could not be read or decoded.
  case invalidFile(path: String, reason: String)
  /// A run's files decode but contradict each other or the network settings.
  case invalidRun(folder: String, reason: String)
  /// None of the given paths contains a run.
  case noRuns(paths: [String])
  /// The gnuplot program could not be started.
  case gnuplotMissing(program: String)
  /// gnuplot rejected a figure's script.
  case gnuplotFailed(script: String, status: Int, output: String)
  /// A file or folder of the report could not be written.
  case writeFailed(path: String, reason: String)

  public var isInputError: Bool {
    switch self {
    case .pathMissing, .runFileMissing, .invalidFile, .invalidRun, .noRuns, .gnuplotMissing: return true
    case .gnuplotFailed, .writeFailed: return false
    }
  }

  public var description: String {
    switch self {
    case .pathMissing(let path):
      return "\(path) does not exist. Pass an existing run folder or a folder that contains run folders."
    case .runFileMissing(let folder):
      return "\(folder) has no run.json, so it is not a run folder. Pass a run folder (with run.json and metrics.json) or a folder that contains run folders."
    case .invalidFile(let path, let reason):
      return "\(path) is not a valid run file: \(reason). Rewrite it with the training stage or fix the named field."
    case .invalidRun(let folder, let reason):
      return "the run in \(folder) is inconsistent: \(reason). Train the run again or fix its files."
    case .noRuns(let paths):
      return "no run folders (folders with run.json) found in \(paths.joined(separator: ", ")). Check the paths, or train at least one run first."
    case .gnuplotMissing(let program):
      return "gnuplot ('\(program)') was not found, so no figure was rendered. Install the Debian package gnuplot-nox (make deps) and run the report again; the tables, the README and each figure's .gp and .dat files were written."
    case .gnuplotFailed(let script, let status, let output):
      let detail = output.trimmingCharacters(in: .whitespacesAndNewlines)
      return "gnuplot failed on \(script) with exit status \(status): \(detail.isEmpty ? "no output" : detail). Run 'gnuplot \((script as NSString).lastPathComponent)' in that folder to see the error."
    case .writeFailed(let path, let reason):
      return "cannot write \(path): \(reason). Check that the folder exists, is writable and has free space."
    }
  }
}

/// Describes a decoding failure by the JSON path of the offending value.
func describeDecodingError(_ error: Error) -> String {
  guard let decodingError = error as? DecodingError else { return "\(error)" }
  func pathText(_ path: [CodingKey]) -> String {
    let components = path.map { key -> String in
      if let index = key.intValue { return "[\(index)]" }
      return "." + key.stringValue
    }
    let joined = components.joined()
    return joined.isEmpty ? "the top level" : String(joined.drop(while: { $0 == "." }))
  }
  switch decodingError {
  case .keyNotFound(let key, let context):
    let parent = pathText(context.codingPath)
    return "missing key '\(key.stringValue)' in \(parent)"
  case .typeMismatch(let type, let context):
    return "\(pathText(context.codingPath)) should be of type \(type)"
  case .valueNotFound(let type, let context):
    return "\(pathText(context.codingPath)) is null but should be of type \(type)"
  case .dataCorrupted(let context):
    if context.codingPath.isEmpty {
      let underlying = (context.underlyingError as NSError?)?.localizedDescription
      return "not valid JSON (\(underlying ?? context.debugDescription))"
    }
    return "\(pathText(context.codingPath)): \(context.debugDescription)"
  @unknown default:
    return "\(decodingError)"
  }
}
