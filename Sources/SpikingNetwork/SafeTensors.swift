import Foundation

/// Errors reading or writing checkpoints and tensor files.
public enum CheckpointError: ReportableError {
  case unreadable(path: String, reason: String)
  case malformed(path: String, reason: String)
  case missingTensor(path: String, name: String)
  case wrongShape(path: String, name: String, expected: [Int], found: [Int])
  case unsupportedType(path: String, name: String, dtype: String)
  case unwritable(path: String, reason: String)
  case notACheckpoint(path: String)
  case otherSettings(path: String, saved: String, requested: String)

  public var isInputError: Bool {
    if case .unwritable = self { return false }
    return true
  }

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(trimmed(reason)). Check the path and the file's permissions."
    case .malformed(let path, let reason):
      return "\(path) is not a valid safetensors file: \(reason). Check that the file was copied whole; if a pipeline stage wrote it, delete it so that the stage runs again."
    case .missingTensor(let path, let name):
      return "\(path) has no tensor '\(name)'. It was written for another network; check its dcls_delays.config metadata."
    case .wrongShape(let path, let name, let expected, let found):
      return "\(path): tensor '\(name)' has shape \(found), expected \(expected). The checkpoint belongs to a network of other settings."
    case .unsupportedType(let path, let name, let dtype):
      return "\(path): tensor '\(name)' has dtype \(dtype); expected F32, F64 or I64."
    case .unwritable(let path, let reason):
      return "cannot write \(path): \(trimmed(reason))."
    case .notACheckpoint(let path):
      return "\(path) is not a network checkpoint: it has no '\(configMetadataKey)' metadata. Give the checkpoint.safetensors that dcls-delays train writes; optimiser.safetensors holds the optimiser state."
    case .otherSettings(let path, let saved, let requested):
      return "\(path) was saved by a run with other settings (saved \(saved), requested \(requested)). Give the saved settings to continue it, or choose another output folder."
    }
  }
}

/// Drops the full stops that Foundation ends its error descriptions with, so a message that
/// quotes one ends with a single full stop.
private func trimmed(_ reason: String) -> String {
  var text = reason
  while text.hasSuffix(".") { text.removeLast() }
  return text
}

/// A file in the safetensors format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data.
public struct SafeTensors {
  public struct Tensor {
    /// "F32", "F64" or "I64".
    public var dtype: String
    public var shape: [Int]
    public var bytes: Data

    public init(dtype: String, shape: [Int], bytes: Data) {
      self.dtype = dtype
      self.shape = shape
      self.bytes = bytes
    }

    public init(_ values: [Float], shape: [Int]) {
      self.init(dtype: "F32", shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    public init(_ values: [Double], shape: [Int]) {
      self.init(dtype: "F64", shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    public init(_ values: [Int64], shape: [Int]) {
      self.init(dtype: "I64", shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// The values as Double, whatever the stored type.
    public var doubles: [Double] {
      switch dtype {
      case "F32": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }.map(Double.init)
      case "F64": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
      case "I64": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }.map(Double.init)
      default: return []
      }
    }

    /// Returns the values converted to `R`.
    public func values<R: Real>(as type: R.Type = R.self) -> [R] {
      if dtype == "F32", R.self == Float.self {
        return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } as! [R]
      }
      return doubles.map { R($0) }
    }
  }

  /// Tensors by name, and the names in the order they were added (written in that order).
  public private(set) var tensors: [String: Tensor] = [:]
  public private(set) var names: [String] = []
  /// The `__metadata__` string map.
  public var metadata: [String: String] = [:]

  public init() {}

  public mutating func add(_ name: String, _ tensor: Tensor) {
    if tensors[name] == nil { names.append(name) }
    tensors[name] = tensor
  }

  /// Reads a safetensors file, checking the header length, the JSON header and every byte range.
  public static func read(_ url: URL) throws -> SafeTensors {
    let path = url.path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw CheckpointError.unreadable(path: path, reason: "no such file")
    }
    guard !isFolder.boolValue else { throw CheckpointError.unreadable(path: path, reason: "it is a folder, not a file") }
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw CheckpointError.unreadable(path: path, reason: error.localizedDescription)
    }
    guard data.count >= 8 else {
      throw CheckpointError.malformed(path: path, reason: "\(data.count) bytes, shorter than the 8-byte header length")
    }
    let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
    guard headerLength <= UInt64(data.count - 8) else {
      throw CheckpointError.malformed(path: path, reason: "header length \(headerLength) exceeds the file size \(data.count)")
    }
    let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
    guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
      throw CheckpointError.malformed(path: path, reason: "the header is not a JSON object")
    }
    var result = SafeTensors()
    let payloadStart = 8 + Int(headerLength)
    var entries: [(name: String, begin: Int, tensor: Tensor)] = []
    for (name, value) in header {
      if name == "__metadata__" {
        result.metadata = (value as? [String: String]) ?? [:]
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
            let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
      else {
        throw CheckpointError.malformed(path: path, reason: "tensor '\(name)' lacks dtype, shape or data_offsets")
      }
      let width: Int
      switch dtype {
      case "F32": width = 4
      case "F64", "I64": width = 8
      default: throw CheckpointError.unsupportedType(path: path, name: name, dtype: dtype)
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin >= 0, end >= begin, payloadStart + end <= data.count,
            end - begin == shape.reduce(1, *) * width
      else {
        throw CheckpointError.malformed(path: path, reason: "tensor '\(name)' has byte range \(begin)..<\(end) for shape \(shape), file size \(data.count)")
      }
      let bytes = data.subdata(in: (payloadStart + begin)..<(payloadStart + end))
      entries.append((name, begin, Tensor(dtype: dtype, shape: shape, bytes: bytes)))
    }
    for entry in entries.sorted(by: { ($0.begin, $0.name) < ($1.begin, $1.name) }) {
      result.add(entry.name, entry.tensor)
    }
    return result
  }

  /// Returns the file's bytes: the header with sorted keys, then the data in the order of `names`.
  public func serialised() throws -> Data {
    var header: [String: Any] = [:]
    var offset = 0
    var payload = Data()
    for name in names {
      let tensor = tensors[name]!
      header[name] = ["dtype": tensor.dtype, "shape": tensor.shape, "data_offsets": [offset, offset + tensor.bytes.count]]
      offset += tensor.bytes.count
      payload.append(tensor.bytes)
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    // Pad the header with spaces so the data starts at a multiple of 8 bytes.
    while (json.count % 8) != 0 { json.append(0x20) }
    var length = UInt64(json.count).littleEndian
    var file = Data(bytes: &length, count: 8)
    file.append(json)
    file.append(payload)
    return file
  }

  /// Writes the file under a temporary name beside `url` and renames it when complete, so an
  /// interrupted write never leaves a file that looks finished.
  public func write(to url: URL) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
    do {
      try serialised().write(to: temporary)
      try renameReplacing(temporary, url)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw CheckpointError.unwritable(path: url.path, reason: error.localizedDescription)
    }
  }

  /// Returns the tensor called `name`, or throws an error naming the file.
  public func tensor(_ name: String, path: String) throws -> Tensor {
    guard let tensor = tensors[name] else { throw CheckpointError.missingTensor(path: path, name: name) }
    return tensor
  }
}

/// Renames `source` to `destination`, replacing an existing file in one atomic step (POSIX
/// `rename`), so readers see either the old or the new file, never a partial one.
func renameReplacing(_ source: URL, _ destination: URL) throws {
  guard rename(source.path, destination.path) == 0 else {
    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path,
                                                   NSLocalizedDescriptionKey: String(cString: strerror(errno))])
  }
}
