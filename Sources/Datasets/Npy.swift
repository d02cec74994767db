import Foundation

/// NumPy `.npy` files, format version 1.0, little-endian, C order.
///
/// The element types supported are those the frames format and `infer` use: `|u1` (uint8),
/// `<f4` (float32), `<f8` (float64) and `<i8` (int64).
public enum NpyElement: String, Sendable, Codable {
  case uint8 = "|u1"
  case float32 = "<f4"
  case float64 = "<f8"
  case int64 = "<i8"

  public var byteCount: Int {
    switch self {
    case .uint8: return 1
    case .float32: return 4
    case .float64, .int64: return 8
    }
  }

  /// The NumPy dtype name, as written in the frames description.
  public var numpyName: String {
    switch self {
    case .uint8: return "uint8"
    case .float32: return "float32"
    case .float64: return "float64"
    case .int64: return "int64"
    }
  }
}

public enum Npy {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  /// The header of a version 1.0 file, padded with spaces to `length` bytes in all (a multiple of
  /// 64), so that a streaming writer can rewrite the shape in place once the row count is known.
  static func header(element: NpyElement, shape: [Int], length: Int = 128) -> Data {
    let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dictionary = "{'descr': '\(element.rawValue)', 'fortran_order': False, 'shape': \(dims), }"
    let prefix = magic.count + 4
    precondition(prefix + dictionary.utf8.count + 1 <= length, "npy header longer than \(length) bytes")
    dictionary += String(repeating: " ", count: length - prefix - dictionary.utf8.count - 1) + "\n"
    var data = Data(magic + [1, 0])
    let headerLength = UInt16(length - prefix)
    data.append(contentsOf: [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
    data.append(contentsOf: Array(dictionary.utf8))
    return data
  }

  /// Writes a float32 array of `shape` under a temporary name, then renames it into place.
  public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
    precondition(values.count == shape.reduce(1, *), "Npy.write: \(values.count) values for shape \(shape)")
    var data = header(element: .float32, shape: shape)
    values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
    do {
      try data.write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        throw DatasetError.ioFailed(path: url.path, reason: "cannot rename \(temporary.lastPathComponent) into place (\(String(cString: strerror(errno))))")
      }
    } catch let error as DatasetError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw DatasetError.ioFailed(path: url.path, reason: "cannot write (\(error.localizedDescription))")
    }
  }

  /// Writes a whole int64 vector.
  static func write(_ values: [Int], to url: URL) throws {
    var data = header(element: .int64, shape: [values.count])
    values.map { Int64($0).littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
    do {
      try data.write(to: url)
    } catch {
      throw DatasetError.ioFailed(path: url.path, reason: "cannot write (\(error.localizedDescription))")
    }
  }
}

/// A read-only memory mapping of one `.npy` file.
///
/// The payload is not copied: pages are read from disk when touched.
public final class MappedNpy: @unchecked Sendable {
  public let url: URL
  public let element: NpyElement
  public let shape: [Int]
  private let base: UnsafeMutableRawPointer
  private let mappedLength: Int
  private let dataOffset: Int

  /// Maps `url` and checks its magic, version, element type, order and payload size.
  public init(_ url: URL) throws {
    self.url = url
    let descriptor = open(url.path, O_RDONLY)
    guard descriptor >= 0 else {
      throw DatasetError.invalidFrames(folder: url.deletingLastPathComponent().path,
                                       reason: "cannot open \(url.lastPathComponent) (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    var status = stat()
    fstat(descriptor, &status)
    let length = Int(status.st_size)
    func invalid(_ reason: String) -> DatasetError {
      .invalidFrames(folder: url.deletingLastPathComponent().path, reason: "\(url.lastPathComponent): \(reason)")
    }
    guard length >= 10 else { throw invalid("too short for a .npy file (\(length) bytes)") }
    guard let pointer = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), pointer != MAP_FAILED else {
      throw invalid("mmap failed (\(String(cString: strerror(errno))))")
    }
    base = pointer
    mappedLength = length
    let bytes = pointer.assumingMemoryBound(to: UInt8.self)
    guard Array(UnsafeBufferPointer(start: bytes, count: 6)) == Npy.magic else {
      munmap(pointer, length)
      throw invalid("not a .npy file (bad magic)")
    }
    let major = bytes[6]
    let headerStart = major == 1 ? 10 : 12
    let headerLength = major == 1
      ? Int(bytes[8]) | Int(bytes[9]) << 8
      : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    guard (1...3).contains(major), headerStart + headerLength <= length else {
      munmap(pointer, length)
      throw invalid("unsupported .npy version \(major) or truncated header")
    }
    let text = String(decoding: UnsafeBufferPointer(start: bytes + headerStart, count: headerLength), as: UTF8.self)
    guard let parsed = Self.parse(header: text) else {
      munmap(pointer, length)
      throw invalid(Self.unsupported(header: text))
    }
    element = parsed.element
    shape = parsed.shape
    dataOffset = headerStart + headerLength
    let expected = shape.reduce(1, *) * element.byteCount
    guard length - dataOffset >= expected else {
      munmap(pointer, length)
      throw invalid("payload has \(length - dataOffset) bytes, shape \(shape) needs \(expected)")
    }
  }

  deinit { munmap(base, mappedLength) }

  /// The first byte of the payload.
  public var payload: UnsafeRawPointer { UnsafeRawPointer(base + dataOffset) }

  /// Copies a float32 or float64 payload into an array of `Double`.
  public func doubles() -> [Double] {
    let count = shape.reduce(1, *)
    switch element {
    case .float32: return (0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))) }
    case .float64: return (0..<count).map { Double(bitPattern: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    case .uint8: return (0..<count).map { Double(payload.load(fromByteOffset: $0, as: UInt8.self)) }
    case .int64: return integers().map(Double.init)
    }
  }

  /// Copies the int64 payload into an array of `Int`.
  public func integers() -> [Int] {
    precondition(element == .int64, "MappedNpy.integers: element is \(element.numpyName)")
    let count = shape.reduce(1, *)
    return (0..<count).map { Int(Int64(littleEndian: payload.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
  }

  /// Says why `parse(header:)` rejected `header`: the element type, the order or the header.
  private static func unsupported(header: String) -> String {
    let descr = header.range(of: "'descr':").map { header[$0.upperBound...].drop(while: { $0 == " " || $0 == "'" }).prefix(while: { $0 != "'" }) }
    if let descr, NpyElement(rawValue: String(descr)) == nil {
      return "unsupported element type '\(descr)'; expected |u1 (uint8), <f4 (float32), <f8 (float64) or <i8 (int64), little-endian"
    }
    if header.contains("'fortran_order': True") {
      return "the array is in Fortran order; expected C order (numpy.ascontiguousarray)"
    }
    return "cannot parse header \(header.trimmingCharacters(in: .whitespacesAndNewlines))"
  }

  private static func parse(header: String) -> (element: NpyElement, shape: [Int])? {
    func value(of key: String) -> Substring? {
      guard let range = header.range(of: "'\(key)':") else { return nil }
      return header[range.upperBound...].drop(while: { $0 == " " })
    }
    guard let descr = value(of: "descr"), descr.hasPrefix("'"),
          let element = NpyElement(rawValue: String(descr.dropFirst().prefix(while: { $0 != "'" }))),
          let order = value(of: "fortran_order"), order.hasPrefix("False"),
          let shapeText = value(of: "shape"), shapeText.hasPrefix("("),
          let close = shapeText.firstIndex(of: ")") else { return nil }
    let parts = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let shape = parts.compactMap { Int($0) }
    guard shape.count == parts.count else { return nil }
    return (element, shape)
  }
}
