import XCTest

// Replaced by the target's real tests.
final class PlaceholderTests: XCTestCase {
  func testTargetBuilds() { XCTAssertTrue(true) }
}
