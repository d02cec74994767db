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
}
