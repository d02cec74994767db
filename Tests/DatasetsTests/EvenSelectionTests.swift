import XCTest

@testable import Datasets

final class EvenSelectionTests: XCTestCase {
  func testEveryKthSample() {
    XCTAssertEqual(DatasetPreparer.evenSelection(count: 10, limit: 5), [0, 2, 4, 6, 8])
  }

  func testUnevenSpacing() {
    XCTAssertEqual(DatasetPreparer.evenSelection(count: 10, limit: 4), [0, 2, 5, 7])
  }

  func testLimitAboveCount() {
    XCTAssertEqual(DatasetPreparer.evenSelection(count: 3, limit: 5), [0, 1, 2])
  }

  func testNoLimit() {
    XCTAssertEqual(DatasetPreparer.evenSelection(count: 3, limit: nil), [0, 1, 2])
  }

  /// FSDD's training split lists 270 recordings of each digit in digit order, so 20 samples
  /// taken evenly give each digit two.
  func testEveryClassKept() {
    let labels = (0..<2700).map { $0 / 270 }
    let kept = DatasetPreparer.evenSelection(count: 2700, limit: 20).map { labels[$0] }
    XCTAssertEqual(kept, (0..<10).flatMap { [$0, $0] })
  }
}
