import Foundation
import XCTest

@testable import Reports

final class RenderTests: XCTestCase {
  /// Reads width and height from a PNG's IHDR chunk, or nil when `data` is not a PNG.
  func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let bytes = [UInt8](data)
    guard bytes.count >= 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
    func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (bigEndian(16), bigEndian(20))
  }

  func testEveryFigureKindRenders() throws {
    let folder = try makeTemporaryFolder(self)
    let runs = try loadRuns(from: [fixtureRuns])
    let contents = try renderReport(runs: runs, into: folder, settings: fixedSettings())
    XCTAssertEqual(Set(contents.figures.map(\.kind)), Set(FigureKind.allCases))
    // Both sample kinds: a spike raster (SHD) and a mel spectrogram (FSDD).
    XCTAssertEqual(contents.figures.filter { $0.kind == .inputSample }.count, 2)

    for figure in contents.figures {
      let figures = folder.appendingPathComponent("figures")
      let png = try Data(contentsOf: figures.appendingPathComponent(figure.pngFile))
      let size = pngSize(png)
      XCTAssertNotNil(size, "\(figure.pngFile) is not a PNG")
      XCTAssertEqual(size?.width, figure.width, figure.pngFile)
      XCTAssertEqual(size?.height, figure.height, figure.pngFile)
      let svg = try String(contentsOf: figures.appendingPathComponent(figure.svgFile), encoding: .utf8)
      XCTAssertTrue(svg.contains("<svg"), "\(figure.svgFile) is not an SVG")
      XCTAssertTrue(svg.contains("</svg>"), "\(figure.svgFile) is incomplete")
    }
  }

  func testReportLeavesNoStagingFolder() throws {
    let folder = try makeTemporaryFolder(self)
    let runs = try loadRuns(from: [fixtureRuns.appendingPathComponent("fsdd-2x64-learned-seed0")])
    try renderReport(runs: runs, into: folder, settings: fixedSettings())
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    XCTAssertEqual(names, ["README.md", "figures", "tables"])
  }

  func testRerenderKeepsOtherFiles() throws {
    let folder = try makeTemporaryFolder(self)
    try Data("{}".utf8).write(to: folder.appendingPathComponent("pipeline.lock.json"))
    let runs = try loadRuns(from: [fixtureRuns.appendingPathComponent("fsdd-2x64-learned-seed0")])
    try renderReport(runs: runs, into: folder, settings: fixedSettings(rendersFigures: false))
    try renderReport(runs: runs, into: folder, settings: fixedSettings(rendersFigures: false))
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pipeline.lock.json").path))
  }

  func testMissingGnuplotStillWritesTables() throws {
    let folder = try makeTemporaryFolder(self)
    let runs = try loadRuns(from: [fixtureRuns])
    let program = "/nonexistent/gnuplot"
    XCTAssertThrowsError(try renderReport(runs: runs, into: folder, settings: fixedSettings(gnuplot: program))) { error in
      XCTAssertEqual(error as? ReportError, .gnuplotMissing(program: program))
      XCTAssertEqual(
        "\(error)",
        "gnuplot ('/nonexistent/gnuplot') was not found, so no figure was rendered. Install the Debian package gnuplot-nox (make deps) and run the report again; the tables, the README and each figure's .gp and .dat files were written.")
    }
    for path in ["README.md", "tables/accuracy.md", "tables/accuracy.csv", "tables/runs.csv", "figures/curves-shd-legacy-2x256-n1-k25.gp", "figures/curves-shd-legacy-2x256-n1-k25.dat"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path) missing")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("figures/curves-shd-legacy-2x256-n1-k25.png").path))
    let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
    XCTAssertTrue(readme.contains("**The figures were not rendered**: gnuplot ('/nonexistent/gnuplot') was not found. Install the Debian package gnuplot-nox"))
  }

  func testGnuplotErrorNamesScript() throws {
    let folder = try makeTemporaryFolder(self)
    var figure = inputSampleFigure(run: try loadRun(at: fixtureRuns.appendingPathComponent("shd-2x256-learned-seed0")), sample: InputSample(label: 0, frames: [[1]]))
    figure.script = "plot sin(x) with nonsense\n"
    try Data(figure.script.utf8).write(to: folder.appendingPathComponent(figure.scriptFile))
    XCTAssertThrowsError(try renderFigure(figure, in: folder)) { error in
      guard case .gnuplotFailed(let script, let status, let output)? = error as? ReportError else {
        return XCTFail("expected gnuplotFailed, got \(error)")
      }
      XCTAssertEqual(script, folder.appendingPathComponent(figure.scriptFile).path)
      XCTAssertNotEqual(status, 0)
      XCTAssertTrue(output.contains("nonsense"), output)
    }
  }
}
