import Foundation
import XCTest

/// Command-line mistakes that must not pass silently, and help for one command.
final class ArgumentErrorTests: XCTestCase {
  func testRepeatedOptionIsRejected() throws {
    let sandbox = try Sandbox("repeated")
    let result = try sandbox.run(["bench", "--only", "SHD", "--only", "SSC"])
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(result.stdout, "")
    XCTAssertEqual(result.stderr, "dcls-delays bench: option --only is given twice; give it once.\n")
  }

  func testStrayArgumentIsRejected() throws {
    let sandbox = try Sandbox("stray")
    let result = try sandbox.run(["bench", "--skip-data", "extra"])
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "dcls-delays bench: unexpected argument 'extra': dcls-delays bench takes only options. Run 'dcls-delays help' for usage.\n")
  }

  func testHelpAfterCommand() throws {
    let sandbox = try Sandbox("help")
    let result = try sandbox.run(["infer", "--help"])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stdout.hasPrefix("usage: dcls-delays infer --checkpoint"), result.stdout)
    XCTAssertEqual(result.stderr, "")
  }

  func testTrainNamesWrongOption() throws {
    let sandbox = try Sandbox("epochs")
    let result = try sandbox.run(["train", "--frames", sandbox.root.path, "--output", sandbox.root.appendingPathComponent("run").path,
                                  "--epochs", "0"])
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(result.stderr, "dcls-delays train: --epochs must be positive, got 0.\n")
  }

  func testTrainFramesWithoutSplits() throws {
    let sandbox = try Sandbox("frames")
    let result = try sandbox.run(["train", "--frames", sandbox.root.path, "--output", sandbox.root.appendingPathComponent("run").path])
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "dcls-delays train: --frames \(sandbox.root.path): train/ not found; give the folder that contains train/ and test/, "
        + "such as CACHE/frames/fsdd-mel after 'dcls-delays data prepare fsdd'.\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("run").path))
  }
}
