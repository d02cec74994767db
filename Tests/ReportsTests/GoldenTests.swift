import Foundation
import XCTest

@testable import Reports

/// Compares the generated text of the fixture report with the files in Golden/expected.
final class GoldenTests: XCTestCase {
  func fixtureContents() throws -> ReportContents {
    composeReport(runs: try loadRuns(from: [fixtureRuns]))
  }

  func testTables() throws {
    let contents = try fixtureContents()
    XCTAssertEqual(contents.tables.keys.sorted(), ["tables/accuracy.csv", "tables/accuracy.md", "tables/runs.csv", "tables/runs.md"])
    for (path, text) in contents.tables.sorted(by: { $0.key < $1.key }) {
      assertGolden(text, path)
    }
  }

  func testFigureScriptsAndData() throws {
    for figure in try fixtureContents().figures {
      assertGolden(figure.script, "figures/" + figure.scriptFile)
      assertGolden(figure.data, "figures/" + figure.dataFile)
    }
  }

  func testReadme() throws {
    let contents = try fixtureContents()
    let readme = reportReadme(
      groups: contents.groups, figures: contents.figures, outcome: .rendered, paperResults: PaperResult.published,
      settings: fixedSettings())
    assertGolden(readme, "README.md")
  }

  func testReadmeWithoutFigures() throws {
    let contents = try fixtureContents()
    let outcome = FigureOutcome(notRenderedReason: "gnuplot ('gnuplot') was not found. Install the Debian package gnuplot-nox and render the report again.")
    let readme = reportReadme(
      groups: contents.groups, figures: contents.figures, outcome: outcome, paperResults: PaperResult.published,
      settings: fixedSettings())
    assertGolden(readme, "README-without-figures.md")
  }

  /// Every golden file must still be generated, so a renamed figure cannot leave a stale file.
  func testNoStaleGoldenFiles() throws {
    let contents = try fixtureContents()
    var generated = Set(contents.tables.keys)
    for figure in contents.figures {
      generated.insert("figures/" + figure.scriptFile)
      generated.insert("figures/" + figure.dataFile)
    }
    generated.formUnion(["README.md", "README-without-figures.md"])
    let enumerator = FileManager.default.enumerator(at: expectedFolder, includingPropertiesForKeys: [.isRegularFileKey])!
    var stored = Set<String>()
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
      stored.insert(String(url.path.dropFirst(expectedFolder.path.count + 1)))
    }
    XCTAssertEqual(stored.subtracting(generated).sorted(), [], "golden files no test generates")
  }
}
