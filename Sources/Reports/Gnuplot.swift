import CGnuplot
import Foundation

/// Renders `figure` with gnuplot in `folder`, which must already hold its script and data.
///
/// gnuplot runs the script from that folder, so its relative paths resolve there, and writes
/// `<name>.png` and `<name>.svg`. Throws `ReportError.gnuplotMissing` when `program` cannot be
/// started and `ReportError.gnuplotFailed` with gnuplot's output when the script fails.
public func renderFigure(_ figure: Figure, in folder: URL, program: String = "gnuplot") throws {
  let script = "cd \(gnuplotString(folder.path))\nload \(gnuplotString(figure.scriptFile))\n"
  var message = [CChar](repeating: 0, count: 4096)
  let status = dcls_gnuplot_run(program, script, &message, message.count)
  guard status != 0 else { return }
  let output = String(cString: message)
  if status == DCLS_GNUPLOT_NOT_FOUND {
    throw ReportError.gnuplotMissing(program: program)
  }
  throw ReportError.gnuplotFailed(
    script: folder.appendingPathComponent(figure.scriptFile).path, status: Int(status), output: output)
}

/// Runs `program --version` and returns the first line of its output, or nil when it fails.
func gnuplotVersion(program: String) -> String? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [program, "--version"]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  do {
    try process.run()
  } catch {
    return nil
  }
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  let text = String(decoding: output, as: UTF8.self)
  return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
}
