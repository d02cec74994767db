import Foundation
import SpikingNetwork

/// The kinds of figure a report draws.
public enum FigureKind: String, CaseIterable, Sendable {
  /// Loss and accuracy per epoch, one line per variant, mean over seeds with a band.
  case trainingCurves = "curves"
  /// Selected test accuracy against parameter count, one line per variant.
  case accuracyVersusParameters = "parameters"
  /// Delay histograms per layer at initialisation and at the end, and the sigma schedule.
  case delays = "delays"
  /// One input sample as a spike raster or a mel spectrogram.
  case inputSample = "sample"
}

/// One gnuplot figure: its script and data, as written beside the rendered images.
///
/// The script reads `<name>.dat` and writes `<name>.png` (pngcairo) and `<name>.svg` with paths
/// relative to its folder, so `gnuplot <name>.gp` in that folder renders it again.
public struct Figure: Equatable, Sendable {
  /// File stem of the script, data and images.
  public var name: String
  public var kind: FigureKind
  /// Caption shown in the report.
  public var caption: String
  /// Image size in pixels (PNG) and in SVG user units.
  public var width: Int
  public var height: Int
  /// Contents of `<name>.gp`.
  public var script: String
  /// Contents of `<name>.dat`.
  public var data: String

  public var scriptFile: String { name + ".gp" }
  public var dataFile: String { name + ".dat" }
  public var pngFile: String { name + ".png" }
  public var svgFile: String { name + ".svg" }
}

/// Line colours of the variants, the same in every figure.
func variantColour(_ variant: DelayVariant) -> String {
  switch variant {
  case .none: return "#7f7f7f"
  case .fixed: return "#1f77b4"
  case .learned: return "#d62728"
  }
}

/// Quotes `text` as a gnuplot double-quoted string.
func gnuplotString(_ text: String) -> String {
  "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// Formats a value for a `.dat` file: six significant digits, `NaN` for a missing value.
func dataNumber(_ value: Double?) -> String {
  guard let value, value.isFinite else { return "NaN" }
  return String(format: "%.6g", value)
}

/// Wraps a figure's plotting commands into a script that renders PNG and SVG.
///
/// `body` starts from gnuplot's defaults (`reset`) and must leave multiplot mode before it ends.
func figureScript(name: String, title: String, width: Int, height: Int, body: String) -> String {
  """
  # \(title)
  # Renders \(name).png and \(name).svg from \(name).dat; run `gnuplot \(name).gp` in this folder.
  set encoding utf8
  do for [format in "png svg"] {
    if (format eq "png") {
      set terminal pngcairo size \(width),\(height) noenhanced font "sans,10"
    } else {
      set terminal svg size \(width),\(height) noenhanced font "sans,10" background rgb "white"
    }
    set output "\(name).".format
  \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    set output
  }

  """
}

/// Joins plot elements into one `plot` command with line continuations.
func plotCommand(_ elements: [String]) -> String {
  "plot " + elements.joined(separator: ", \\\n     ")
}
