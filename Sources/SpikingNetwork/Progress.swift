import Foundation

/// A progress bar on standard error with rate and time left; plain lines every few seconds when
/// standard error is not a terminal.
public final class Progress {
  let label: String
  let total: Int
  private var done = 0
  private let started = Date()
  private var lastDrawn = Date.distantPast
  private let interactive = isatty(STDERR_FILENO) == 1
  private var note = ""

  public init(label: String, total: Int) {
    self.label = label
    self.total = max(total, 1)
  }

  /// Records `count` more items and redraws when due.
  public func advance(by count: Int, note: String = "") {
    done += count
    self.note = note
    let now = Date()
    let interval: TimeInterval = interactive ? 0.2 : 10
    if now.timeIntervalSince(lastDrawn) >= interval && (interactive || done < total) {
      lastDrawn = now
      draw(final: false)
    }
  }

  /// Draws the final state and ends the line.
  public func finish() {
    draw(final: true)
  }

  private func draw(final: Bool) {
    let elapsed = Date().timeIntervalSince(started)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let left = rate > 0 ? Double(total - done) / rate : 0
    let fraction = min(1, Double(done) / Double(total))
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let text = String(format: "%@ [%@] %d/%d  %.0f/s  %@ left  %@", label, bar, done, total, rate,
                      formatDuration(left), note)
    let line = interactive ? "\r" + text + (final ? "\n" : "") : text + "\n"
    FileHandle.standardError.write(Data(line.utf8))
  }
}

/// `m:ss` or `h:mm:ss`.
public func formatDuration(_ seconds: Double) -> String {
  let total = Int(seconds.rounded())
  let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
  return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
}
