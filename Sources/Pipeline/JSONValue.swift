import Foundation

/// A JSON value: the form in which stage parameters are hashed, stored in manifests and compared.
///
/// Integers and other numbers are separate cases so that decoding keeps what the file wrote. The
/// canonical text prints an integral number the same way in both cases (`10` and `10.0` give
/// `10`), so the two spellings give the same stage key.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Converts an encodable value through `JSONEncoder`, so its `CodingKeys` decide the key names.
  public init<T: Encodable>(encoding value: T) throws {
    let data = try JSONEncoder().encode(value)
    self = try JSONDecoder().decode(JSONValue.self, from: data)
  }

  /// Decodes a value of type `T` from this JSON value.
  public func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(canonicalText.utf8))
  }

  /// Returns the member `key` of an object, or nil for other values and absent keys.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }
}

extension JSONValue: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

// MARK: - Canonical text

extension JSONValue {
  /// The canonical serialisation that stage keys hash.
  ///
  /// - Object keys are sorted by their UTF-8 bytes; no whitespace anywhere.
  /// - An integral number with magnitude below 2^63 prints as a decimal integer (`10`, `-3`, `0`
  ///   for `-0.0`). Any other number prints as the shortest decimal that reads back as the same
  ///   `Double` (Swift's `description`), with the exponent written without a plus sign or leading
  ///   zeros (`1e-5`, `2.5e+20` becomes `2.5e20`). NaN and infinities cannot occur because JSON
  ///   cannot express them.
  /// - Strings escape `"` and `\` and the control characters below U+0020 (`\b \f \n \r \t`, the
  ///   others as `\u00XX`); every other character is written as UTF-8.
  public var canonicalText: String {
    var text = ""
    writeCanonical(into: &text)
    return text
  }

  private func writeCanonical(into text: inout String) {
    switch self {
    case .null: text += "null"
    case .bool(let value): text += value ? "true" : "false"
    case .integer(let value): text += String(value)
    case .number(let value): text += Self.canonicalNumber(value)
    case .string(let value): Self.writeCanonicalString(value, into: &text)
    case .array(let elements):
      text += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { text += "," }
        element.writeCanonical(into: &text)
      }
      text += "]"
    case .object(let members):
      text += "{"
      let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      for (index, key) in keys.enumerated() {
        if index > 0 { text += "," }
        Self.writeCanonicalString(key, into: &text)
        text += ":"
        members[key]!.writeCanonical(into: &text)
      }
      text += "}"
    }
  }

  /// Formats a number as `canonicalText` describes.
  static func canonicalNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9_223_372_036_854_775_808 {
      return String(Int64(value))
    }
    let text = value.description
    guard let exponentStart = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
    let mantissa = text[..<exponentStart]
    let exponent = Int(text[text.index(after: exponentStart)...])!
    return "\(mantissa)e\(exponent)"
  }

  private static func writeCanonicalString(_ value: String, into text: inout String) {
    text += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\u{08}": text += "\\b"
      case "\u{0C}": text += "\\f"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case _ where scalar.value < 0x20:
        text += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}

// MARK: - Differences

/// One difference between two JSON values, at a dotted path such as `network.learningRate`.
public struct JSONChange: Equatable, Sendable {
  /// Dotted path of the member that differs; array elements appear as `[i]`.
  public var path: String
  /// Canonical text of the old value, or nil when the member is new.
  public var old: String?
  /// Canonical text of the new value, or nil when the member was removed.
  public var new: String?
}

extension JSONValue {
  /// Lists where `self` differs from `old`, descending into objects and into arrays of equal
  /// length, in sorted path order. Equal canonical texts count as equal (`10` and `10.0`).
  public func changes(from old: JSONValue, path: String = "") -> [JSONChange] {
    switch (old, self) {
    case (.object(let before), .object(let after)):
      let keys = Set(before.keys).union(after.keys).sorted()
      return keys.flatMap { key -> [JSONChange] in
        let memberPath = path.isEmpty ? key : "\(path).\(key)"
        switch (before[key], after[key]) {
        case (let was?, let now?): return now.changes(from: was, path: memberPath)
        case (let was?, nil): return [JSONChange(path: memberPath, old: was.canonicalText, new: nil)]
        case (nil, let now?): return [JSONChange(path: memberPath, old: nil, new: now.canonicalText)]
        case (nil, nil): return []
        }
      }
    case (.array(let before), .array(let after)) where before.count == after.count:
      return zip(before, after).enumerated().flatMap { index, pair in
        pair.1.changes(from: pair.0, path: "\(path)[\(index)]")
      }
    default:
      let was = old.canonicalText
      let now = canonicalText
      return was == now ? [] : [JSONChange(path: path, old: was, new: now)]
    }
  }
}
