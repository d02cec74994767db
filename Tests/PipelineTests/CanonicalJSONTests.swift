import Foundation
import XCTest

@testable import Pipeline

final class CanonicalJSONTests: XCTestCase {
  private func parse(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  func testKeysSortedWithoutWhitespace() throws {
    let value = try parse(#"{ "b": 1, "a": { "d": [1, 2], "c": null } }"#)
    XCTAssertEqual(value.canonicalText, #"{"a":{"c":null,"d":[1,2]},"b":1}"#)
  }

  func testKeysSortedByUTF8Bytes() throws {
    let value = try parse(#"{"é": 1, "z": 2, "Z": 3, "a": 4}"#)
    XCTAssertEqual(value.canonicalText, #"{"Z":3,"a":4,"z":2,"é":1}"#)
  }

  func testNumberFormatting() {
    let cases: [(Double, String)] = [
      (10.0, "10"), (-3.0, "-3"), (-0.0, "0"), (0.001, "0.001"), (1e-5, "1e-5"), (0.25, "0.25"),
      (2.5e20, "2.5e20"), (10.05, "10.05"), (1.0 / 3.0, "0.3333333333333333"), (9_007_199_254_740_992, "9007199254740992"), (1e19, "1e19"),
    ]
    for (number, expected) in cases {
      XCTAssertEqual(JSONValue.number(number).canonicalText, expected, "\(number)")
    }
  }

  func testIntegralNumberEqualsInteger() throws {
    XCTAssertEqual(try parse("[10.0]").canonicalText, try parse("[10]").canonicalText)
  }

  func testStringEscapes() {
    let value = JSONValue.string("quote \" slash \\ line\n tab\t bell\u{07} é")
    XCTAssertEqual(value.canonicalText, #""quote \" slash \\ line\n tab\t bell\u0007 é""#)
  }

  func testBooleansStayBooleans() throws {
    XCTAssertEqual(try parse("[true, false, 1, 0]").canonicalText, "[true,false,1,0]")
  }

  func testEncodableConversion() throws {
    let parameters = DatasetParameters(dataset: .shd)
    XCTAssertEqual(try JSONValue(encoding: parameters).canonicalText, #"{"dataset":"shd"}"#)
  }

  func testChangesListDottedPaths() throws {
    let old = try parse(#"{"lr": 0.001, "sigma": {"final": 0.23}, "taps": 25, "seeds": [0, 1]}"#)
    let new = try parse(#"{"lr": 0.002, "sigma": {"final": 0.23}, "hidden": 64, "seeds": [0, 2]}"#)
    XCTAssertEqual(new.changes(from: old), [
      JSONChange(path: "hidden", old: nil, new: "64"),
      JSONChange(path: "lr", old: "0.001", new: "0.002"),
      JSONChange(path: "seeds[1]", old: "1", new: "2"),
      JSONChange(path: "taps", old: "25", new: nil),
    ])
  }

  func testChangesIgnoreNumberSpelling() throws {
    XCTAssertEqual(try parse(#"{"a": 10}"#).changes(from: parse(#"{"a": 10.0}"#)), [])
  }

  func testSHA256KnownVectors() {
    XCTAssertEqual(SHA256Hasher.hex(of: ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256Hasher.hex(of: "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
