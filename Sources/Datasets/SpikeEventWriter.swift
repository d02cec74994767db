import CHDF5
import Foundation

/// Writes spike events in the SHD/SSC HDF5 layout, which `SpikeEventFile` reads.
///
/// Layout: `spikes/times` (variable-length arrays of float16 seconds, or float32 on request),
/// `spikes/units` (variable-length arrays of uint16 channels), `labels` (uint16), and when given
/// `extra/keys` (class names indexed by label), `extra/speaker` (uint16 speaker id per sample, as
/// in SHD) and `extra/speaker_names` (speaker names indexed by id). The file is written under a
/// temporary name in the same folder and renamed into place when complete.
public enum SpikeEventWriter {
  /// The storage type of spike times.
  public enum TimeStorage: Sendable {
    /// IEEE half precision, as SHD and SSC store them: about 3 significant digits, so a time near
    /// 1 s is rounded to a multiple of 0.49 ms.
    case float16
    case float32
  }

  /// The speakers of the samples: an id per sample and the names indexed by id.
  public struct Speakers: Sendable, Equatable {
    public var ids: [Int]
    public var names: [String]

    public init(ids: [Int], names: [String]) {
      self.ids = ids
      self.names = names
    }
  }

  /// Writes `samples` to `url`, replacing any file there. Units must fit uint16. The writer does
  /// not check the SHD rules (ascending times, units below 700); `SpikeEventFile` checks them when
  /// reading.
  public static func write(_ samples: [SpikeSample], to url: URL, classNames: [String]? = nil,
                           speakers: Speakers? = nil, timeStorage: TimeStorage = .float16) throws {
    precondition(samples.allSatisfy { $0.units.allSatisfy { (0...Int(UInt16.max)).contains($0) } },
                 "SpikeEventWriter: units outside 0...65535 do not fit uint16")
    if let speakers {
      precondition(speakers.ids.count == samples.count,
                   "SpikeEventWriter: \(speakers.ids.count) speaker ids for \(samples.count) samples")
    }
    let fileManager = FileManager.default
    try fileManager.createFolder(url.deletingLastPathComponent())
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
    try? fileManager.removeItem(at: temporary)
    do {
      let output = try HDF5Output(url: temporary)
      try output.write(samples, classNames: classNames, speakers: speakers, timeStorage: timeStorage)
      try output.close()
    } catch {
      try? fileManager.removeItem(at: temporary)
      throw error
    }
    try fileManager.moveReplacing(temporary, to: url)
  }
}

/// An HDF5 file being written; every failed library call becomes a `DatasetError.ioFailed` naming the object.
private final class HDF5Output {
  let url: URL
  private var file: hid_t

  init(url: URL) throws {
    self.url = url
    H5open()
    H5Eset_auto2(0, nil, nil)  // errors are reported through return values, not printed
    file = H5Fcreate(url.path, 2, 0, 0)  // H5F_ACC_TRUNC, default properties
    guard file >= 0 else {
      throw DatasetError.ioFailed(path: url.path, reason: "cannot create the HDF5 file")
    }
  }

  deinit {
    if file >= 0 { H5Fclose(file) }
  }

  /// Closes the file, so that everything is on disk before it is renamed.
  func close() throws {
    let status = H5Fclose(file)
    file = -1
    guard status >= 0 else { throw failure("cannot close the file") }
  }

  func write(_ samples: [SpikeSample], classNames: [String]?, speakers: SpikeEventWriter.Speakers?,
             timeStorage: SpikeEventWriter.TimeStorage) throws {
    try createGroup("spikes")
    let half = Self.float16Type()
    defer { H5Tclose(half) }
    try writeVariableLength("spikes/times", stored: timeStorage == .float16 ? half : H5T_IEEE_F32LE_g,
                            memory: H5T_NATIVE_FLOAT_g, rows: samples.map(\.times))
    try writeVariableLength("spikes/units", stored: H5T_STD_U16LE_g, memory: H5T_NATIVE_UINT16_g,
                            rows: samples.map { $0.units.map { UInt16(truncatingIfNeeded: $0) } })
    try writeIntegers("labels", samples.map(\.label))
    guard classNames != nil || speakers != nil else { return }
    try createGroup("extra")
    if let classNames { try writeStrings("extra/keys", classNames) }
    if let speakers {
      try writeIntegers("extra/speaker", speakers.ids)
      try writeStrings("extra/speaker_names", speakers.names)
    }
  }

  /// The IEEE half-precision type, built from a float32 copy because HDF5 1.10 has no predefined one.
  static func float16Type() -> hid_t {
    let type = H5Tcopy(H5T_IEEE_F32LE_g)
    H5Tset_fields(type, 15, 10, 5, 0, 10)
    H5Tset_size(type, 2)
    H5Tset_ebias(type, 15)
    return type
  }

  private func failure(_ reason: String) -> DatasetError { .ioFailed(path: url.path, reason: reason) }

  private func createGroup(_ name: String) throws {
    let group = H5Gcreate2(file, name, 0, 0, 0)
    guard group >= 0 else { throw failure("cannot create the group '\(name)'") }
    H5Gclose(group)
  }

  /// Writes one row per sample, each row an array of `T` converted by HDF5 from `memory` to `stored`.
  private func writeVariableLength<T>(_ name: String, stored: hid_t, memory: hid_t, rows: [[T]]) throws {
    var count = hsize_t(rows.count)
    let space = H5Screate_simple(1, &count, nil)
    let storedType = H5Tvlen_create(stored)
    let memoryType = H5Tvlen_create(memory)
    defer {
      H5Sclose(space)
      H5Tclose(storedType)
      H5Tclose(memoryType)
    }
    let dataset = H5Dcreate2(file, name, storedType, space, 0, 0, 0)
    guard dataset >= 0 else { throw failure("cannot create the dataset '\(name)'") }
    defer { H5Dclose(dataset) }
    let buffers = rows.map { row -> UnsafeMutablePointer<T> in
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(row.count, 1))
      pointer.initialize(from: row, count: row.count)
      return pointer
    }
    defer {
      for (row, pointer) in zip(rows, buffers) {
        pointer.deinitialize(count: row.count)
        pointer.deallocate()
      }
    }
    var table = zip(rows, buffers).map { hvl_t(len: $0.count, p: UnsafeMutableRawPointer($1)) }
    guard H5Dwrite(dataset, memoryType, 0, 0, 0, &table) >= 0 else { throw failure("cannot write '\(name)'") }
  }

  /// Writes non-negative integers below 65536 as uint16.
  private func writeIntegers(_ name: String, _ values: [Int]) throws {
    precondition(values.allSatisfy { (0...Int(UInt16.max)).contains($0) }, "HDF5Output: '\(name)' has values outside 0...65535")
    var stored = values.map { UInt16($0) }
    var count = hsize_t(stored.count)
    let space = H5Screate_simple(1, &count, nil)
    defer { H5Sclose(space) }
    let dataset = H5Dcreate2(file, name, H5T_STD_U16LE_g, space, 0, 0, 0)
    guard dataset >= 0 else { throw failure("cannot create the dataset '\(name)'") }
    defer { H5Dclose(dataset) }
    guard H5Dwrite(dataset, H5T_NATIVE_UINT16_g, 0, 0, 0, &stored) >= 0 else { throw failure("cannot write '\(name)'") }
  }

  /// Writes strings as fixed-length, zero-padded byte strings as wide as the longest plus one.
  private func writeStrings(_ name: String, _ strings: [String]) throws {
    let width = (strings.map(\.utf8.count).max() ?? 0) + 1
    let type = H5Tcopy(H5T_C_S1_g)
    H5Tset_size(type, width)
    defer { H5Tclose(type) }
    var bytes = [UInt8](repeating: 0, count: width * strings.count)
    for (index, string) in strings.enumerated() {
      for (offset, byte) in string.utf8.enumerated() { bytes[index * width + offset] = byte }
    }
    var count = hsize_t(strings.count)
    let space = H5Screate_simple(1, &count, nil)
    defer { H5Sclose(space) }
    let dataset = H5Dcreate2(file, name, type, space, 0, 0, 0)
    guard dataset >= 0 else { throw failure("cannot create the dataset '\(name)'") }
    defer { H5Dclose(dataset) }
    guard H5Dwrite(dataset, type, 0, 0, 0, &bytes) >= 0 else { throw failure("cannot write '\(name)'") }
  }
}
