import Foundation
import XCTest

/// Bad pipeline files through the command line: exit status 2, and one message naming the file
/// and the JSON path. The Pipeline unit tests pin the message of every other mistake.
final class PipelineFileErrorTests: XCTestCase {
  func testUnknownVariant() throws {
    let sandbox = try Sandbox("variant")
    try sandbox.write("bad.json", tinyPipeline(name: "bad", variants: ["none", "slow"]))
    let result = try sandbox.run(["reproduce", "bad.json"] + sandbox.folders)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(result.stdout, "")
    XCTAssertEqual(
      result.stderr,
      #"dcls-delays reproduce: bad.json: $.variants[1]: unknown variant "slow". Allowed values: none, fixed, learned."# + "\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.cache.path))
    XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.results.path))
  }

  func testNegativeSubsetInStatus() throws {
    let sandbox = try Sandbox("subset")
    try sandbox.write("bad.json", tinyPipeline(name: "bad", variants: ["none"], subset: -3))
    let result = try sandbox.run(["status", "bad.json"] + sandbox.folders)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(result.stdout, "")
    XCTAssertEqual(
      result.stderr, "dcls-delays status: bad.json: $.datasets[0].subset: expected a positive integer, found -3.\n")
  }

  func testMissingFile() throws {
    let sandbox = try Sandbox("missing")
    let result = try sandbox.run(["reproduce", "pipelines/none.json"] + sandbox.folders)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "dcls-delays reproduce: pipelines/none.json: cannot read the pipeline file: the file does not exist or cannot be read. Pipeline files live in pipelines/, such as pipelines/fsdd.json.\n")
  }
}
