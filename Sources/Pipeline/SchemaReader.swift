import Foundation

/// A schema violation at a JSON path, before the file name is known. `PipelineFile.load` turns it
/// into `PipelineError.invalidFile`.
struct SchemaViolation: Error {
  var path: String
  var message: String
}

/// A JSON value at a known path, with typed accessors that reject anything else with a message
/// naming what was expected and what was found.
///
/// The pipeline file types decode through it so that every error carries a JSON path like
/// `$.datasets[1].network.hidden`.
struct SchemaNode {
  let value: JSONValue
  /// JSONPath of the value: `$` for the root, `.key` for members, `[i]` for array elements.
  let path: String

  /// Reads the node of a `Decoder`, taking its path from the decoder's coding path.
  init(decoder: Decoder) throws {
    value = try JSONValue(from: decoder)
    path = "$" + decoder.codingPath.map { key in
      key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
    }.joined()
  }

  init(value: JSONValue, path: String) {
    self.value = value
    self.path = path
  }

  func violation(_ message: String) -> SchemaViolation {
    SchemaViolation(path: path, message: message)
  }

  /// Describes the value for an error message: `the string "x"`, `the number 2.5`, `a list`.
  var found: String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .integer(let number): return "the integer \(number)"
    case .number(let number): return "the number \(JSONValue.canonicalNumber(number))"
    case .string(let text): return "the string \(JSONValue.string(text).canonicalText)"
    case .array: return "a list"
    case .object: return "an object"
    }
  }

  /// Reads an object whose keys must all be in `allowedKeys`.
  func object(allowedKeys: [String]) throws -> SchemaObject {
    guard case .object(let members) = value else {
      throw violation("expected an object, found \(found).")
    }
    let unknown = members.keys.filter { !allowedKeys.contains($0) }.sorted()
    if let key = unknown.first {
      throw SchemaViolation(
        path: "\(path).\(key)",
        message: "unknown key. Allowed keys: \(allowedKeys.sorted().joined(separator: ", ")).")
    }
    return SchemaObject(members: members, path: path)
  }

  /// Reads an object with any keys, such as a map from names to titles.
  func anyObject() throws -> SchemaObject {
    guard case .object(let members) = value else {
      throw violation("expected an object, found \(found).")
    }
    return SchemaObject(members: members, path: path)
  }

  func list() throws -> [SchemaNode] {
    guard case .array(let elements) = value else {
      throw violation("expected a list, found \(found).")
    }
    return elements.enumerated().map { SchemaNode(value: $1, path: "\(path)[\($0)]") }
  }

  /// Reads a non-empty list.
  func nonEmptyList() throws -> [SchemaNode] {
    let elements = try list()
    if elements.isEmpty { throw violation("expected a non-empty list, found an empty list.") }
    return elements
  }

  func string() throws -> String {
    guard case .string(let text) = value else {
      throw violation("expected a string, found \(found).")
    }
    return text
  }

  func integer() throws -> Int {
    switch value {
    case .integer(let number): return number
    case .number(let number) where number == number.rounded() && abs(number) < 9e15: return Int(number)
    default: throw violation("expected an integer, found \(found).")
    }
  }

  func number() throws -> Double {
    switch value {
    case .integer(let number): return Double(number)
    case .number(let number): return number
    default: throw violation("expected a number, found \(found).")
    }
  }

  /// Reads an integer of at least `minimum`; `what` names the expectation ("a positive integer").
  func integer(atLeast minimum: Int, _ what: String) throws -> Int {
    let number = try integer()
    if number < minimum { throw violation("expected \(what), found \(number).") }
    return number
  }

  /// Reads a number that satisfies `isValid`; `what` names the expectation ("a number above 0").
  func number(_ what: String, where isValid: (Double) -> Bool) throws -> Double {
    let number = try number()
    if !isValid(number) { throw violation("expected \(what), found \(JSONValue.canonicalNumber(number)).") }
    return number
  }

  /// Reads a string that must be the raw value of one case of `T`. The error names the kind of
  /// value as `what` ("dataset") and lists the allowed values.
  func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ what: String) throws -> T
  where T.RawValue == String {
    let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
    guard case .string(let text) = value else {
      throw violation("expected a \(what) name, found \(found). Allowed values: \(allowed).")
    }
    guard let choice = T(rawValue: text) else {
      throw violation("unknown \(what) \"\(text)\". Allowed values: \(allowed).")
    }
    return choice
  }
}

/// The members of a JSON object read through `SchemaNode`.
struct SchemaObject {
  let members: [String: JSONValue]
  let path: String

  func optional(_ key: String) -> SchemaNode? {
    members[key].map { SchemaNode(value: $0, path: "\(path).\(key)") }
  }

  func required(_ key: String) throws -> SchemaNode {
    guard let node = optional(key) else {
      throw SchemaViolation(path: path, message: "missing required key \"\(key)\".")
    }
    return node
  }
}
