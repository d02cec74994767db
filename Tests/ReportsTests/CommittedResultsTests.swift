import Datasets
import Foundation
import XCTest
@testable import Reports

/// Checks the committed results in `results/`: every file the lock file lists for the report
/// stage has the recorded SHA-256, and the tables recomputed from the committed per-run metrics
/// equal the committed tables.
final class CommittedResultsTests: XCTestCase {
  let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Result folders that hold a lock file and published runs.
  func resultFolders() throws -> [URL] {
    let results = repository.appendingPathComponent("results")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: results.path)) ?? []
    return names.sorted().map { results.appendingPathComponent($0) }.filter {
      FileManager.default.fileExists(atPath: $0.appendingPathComponent("pipeline.lock.json").path)
        && FileManager.default.fileExists(atPath: $0.appendingPathComponent("runs").path)
    }
  }

  func testDefaultPipelineResultsAreCommitted() throws {
    XCTAssertTrue(try resultFolders().contains { $0.lastPathComponent == "fsdd" },
                  "results/fsdd/ with pipeline.lock.json and runs/ is missing; run make reproduce and commit results/fsdd")
  }

  func testPublishedFilesMatchLock() throws {
    for folder in try resultFolders() {
      let lock = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("pipeline.lock.json"))) as! [String: Any]
      let stages = lock["stages"] as! [[String: Any]]
      let report = try XCTUnwrap(stages.first { $0["kind"] as? String == "report" }, folder.path)
      let outputs = report["outputs"] as! [String: String]
      XCTAssertFalse(outputs.isEmpty)
      for (path, digest) in outputs.sorted(by: { $0.key < $1.key }) {
        let file = folder.appendingPathComponent(path)
        XCTAssertEqual(try Checksum.digest(of: file, algorithm: .sha256), digest, "\(folder.lastPathComponent)/\(path)")
      }
    }
  }

  func testTablesRecomputeFromCommittedMetrics() throws {
    for folder in try resultFolders() {
      let runsFolder = folder.appendingPathComponent("runs")
      var runs = try loadRuns(from: [runsFolder])
      XCTAssertFalse(runs.isEmpty)
      // The report stage names each run by its path below runs/.
      let folders = try findRunFolders(in: runsFolder)
      XCTAssertEqual(folders.count, runs.count)
      for index in runs.indices {
        runs[index].name = String(folders[index].path.dropFirst(runsFolder.path.count + 1))
      }
      let contents = composeReport(runs: runs)
      for table in ["tables/accuracy.csv", "tables/accuracy.md", "tables/runs.csv"] {
        let committed = try String(contentsOf: folder.appendingPathComponent(table), encoding: .utf8)
        XCTAssertEqual(contents.tables[table], committed, "\(folder.lastPathComponent)/\(table)")
      }
    }
  }
}
