import Foundation

/// A progress line on standard error: a bar with rate and time left when standard error is a
/// terminal, and one plain line at the end otherwise.
final class ProgressLine {
  private let label: String
  private let total: Int
  private let start = Date()
  private let interactive = isatty(STDERR_FILENO) == 1
  private var lastDraw = Date.distantPast
  private let enabled: Bool

  init(label: String, total: Int, enabled: Bool) {
    self.label = label
    self.total = total
    self.enabled = enabled
  }

  /// Redraws the bar at most ten times a second.
  func update(done: Int) {
    guard enabled, interactive, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
    lastDraw = Date()
    let elapsed = max(Date().timeIntervalSince(start), 1e-6)
    let rate = Double(done) / elapsed
    let left = rate > 0 ? Double(total - done) / rate : 0
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    FileHandle.standardError.write(Data(String(format: "\r%@ [%@] %d/%d %.0f/s %.0f s left ", label, bar, done, total, rate, left).utf8))
  }

  /// Ends the bar, or prints the summary line when not drawing a bar.
  func finish() {
    guard enabled else { return }
    let elapsed = Date().timeIntervalSince(start)
    let line = String(format: "%@: %d done in %.1f s", label, total, elapsed)
    FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line + String(repeating: " ", count: 20) + "\n").utf8))
  }
}
