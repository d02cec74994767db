import CHDF5
import Foundation

/// The spike events of one recording: times in seconds and channel numbers, in event order.
public struct SpikeSample: Sendable, Equatable {
  /// Event times in seconds as stored (float16 or float32), widened to Float.
  public var times: [Float]
  /// Event channels, 0..<700.
  public var units: [Int]
  public var label: Int

  public init(times: [Float], units: [Int], label: Int) {
    self.times = times
    self.units = units
    self.label = label
  }
}

/// An SHD or SSC HDF5 file, read in blocks of samples through the HDF5 C library.
///
/// Layout: `spikes/times` and `spikes/units` (one variable-length array per sample), `labels`
/// (integers) and, when present, `extra/keys` (class names indexed by label). The stored element
/// types are checked when the file is opened. Times must be 16- or 32-bit floats, which HDF5
/// widens exactly to Float, and units and labels may be of any integer type.
public final class SpikeEventFile {
  /// The number of cochlear channels; units must be below it.
  public static let channelCount = 700

  public let url: URL
  /// The number of samples.
  public let count: Int
  /// Labels must be below this.
  public let classCount: Int
  /// The `extra/keys` strings when the file has them, else nil.
  public let classNames: [String]?
  private let file: hid_t
  private let timesSet: hid_t
  private let unitsSet: hid_t
  private let labels: [Int]

  /// Opens `url` and checks the layout, the element types and that the three sample counts agree.
  public init(url: URL, classCount: Int) throws {
    self.url = url
    self.classCount = classCount
    H5open()
    H5Eset_auto2(0, nil, nil)  // errors are reported through return values, not printed
    let path = url.path
    func invalid(_ reason: String) -> DatasetError { .invalidEventFile(file: path, reason: reason) }
    file = H5Fopen(path, 0, 0)  // H5F_ACC_RDONLY, H5P_DEFAULT
    guard file >= 0 else { throw invalid("cannot be opened as an HDF5 file") }
    for name in ["spikes", "spikes/times", "spikes/units", "labels"] where H5Lexists(file, name, 0) <= 0 {
      H5Fclose(file)
      throw invalid("no dataset '\(name)'")
    }
    timesSet = H5Dopen2(file, "spikes/times", 0)
    unitsSet = H5Dopen2(file, "spikes/units", 0)
    do {
      try Self.checkVariableLength(timesSet, name: "spikes/times", baseClass: H5T_FLOAT, sizes: [2, 4], path: path)
      try Self.checkVariableLength(unitsSet, name: "spikes/units", baseClass: H5T_INTEGER, sizes: [1, 2, 4, 8], path: path)
      let labelSet = H5Dopen2(file, "labels", 0)
      defer { H5Dclose(labelSet) }
      let labelCount = try Self.length(of: labelSet, name: "labels", path: path)
      var labelValues = [Int64](repeating: 0, count: labelCount)
      guard H5Dread(labelSet, H5T_NATIVE_INT64_g, 0, 0, 0, &labelValues) >= 0 else {
        throw invalid("cannot read 'labels' as integers")
      }
      labels = labelValues.map { Int($0) }
      let timesCount = try Self.length(of: timesSet, name: "spikes/times", path: path)
      let unitsCount = try Self.length(of: unitsSet, name: "spikes/units", path: path)
      guard timesCount == unitsCount, unitsCount == labelCount else {
        throw invalid("spikes/times has \(timesCount) samples, spikes/units \(unitsCount), labels \(labelCount); expected equal counts")
      }
      count = labelCount
    } catch {
      H5Dclose(timesSet)
      H5Dclose(unitsSet)
      H5Fclose(file)
      throw error
    }
    classNames = Self.readStrings(file: file, name: "extra/keys")
  }

  deinit {
    H5Dclose(timesSet)
    H5Dclose(unitsSet)
    H5Fclose(file)
  }

  /// Reads and validates samples `range`: times finite, non-negative and non-decreasing, units
  /// below 700, as many units as times, labels below `classCount`. Errors name the sample index.
  public func read(_ range: Range<Int>) throws -> [SpikeSample] {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "SpikeEventFile.read: \(range) outside 0..<\(count)")
    if range.isEmpty { return [] }
    let times: [[Float]] = try readVariableLength(timesSet, range: range, memoryType: H5T_NATIVE_FLOAT_g)
    let units: [[Int64]] = try readVariableLength(unitsSet, range: range, memoryType: H5T_NATIVE_INT64_g)
    var samples: [SpikeSample] = []
    samples.reserveCapacity(range.count)
    for (offset, index) in range.enumerated() {
      let sample = SpikeSample(times: times[offset], units: units[offset].map { Int($0) }, label: labels[index])
      try validate(sample, index: index)
      samples.append(sample)
    }
    return samples
  }

  private func validate(_ sample: SpikeSample, index: Int) throws {
    func invalid(_ reason: String) -> DatasetError { .invalidSample(file: url.path, sample: index, reason: reason) }
    guard sample.times.count == sample.units.count else {
      throw invalid("\(sample.times.count) times but \(sample.units.count) units")
    }
    guard (0..<classCount).contains(sample.label) else {
      throw invalid("label \(sample.label); expected labels below \(classCount)")
    }
    var previous: Float = 0
    for (event, time) in sample.times.enumerated() {
      guard time.isFinite, time >= 0 else {
        throw invalid("time \(time) s at event \(event); expected finite, non-negative times")
      }
      guard time >= previous else {
        throw invalid("time \(time) s at event \(event) is before the previous event at \(previous) s; expected ascending times")
      }
      previous = time
    }
    if let event = sample.units.firstIndex(where: { !(0..<Self.channelCount).contains($0) }) {
      throw invalid("unit \(sample.units[event]) at event \(event); expected units 0 to \(Self.channelCount - 1)")
    }
  }

  /// Reads rows `range` of a variable-length dataset, converted to `memoryType`'s element type.
  private func readVariableLength<Element>(_ dataset: hid_t, range: Range<Int>, memoryType: hid_t) throws -> [[Element]] {
    let fileSpace = H5Dget_space(dataset)
    defer { H5Sclose(fileSpace) }
    var start = hsize_t(range.lowerBound)
    var rows = hsize_t(range.count)
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &rows, nil)
    let memorySpace = H5Screate_simple(1, &rows, nil)
    defer { H5Sclose(memorySpace) }
    let vlenType = H5Tvlen_create(memoryType)
    defer { H5Tclose(vlenType) }
    var buffer = [hvl_t](repeating: hvl_t(len: 0, p: nil), count: range.count)
    guard H5Dread(dataset, vlenType, memorySpace, fileSpace, 0, &buffer) >= 0 else {
      throw DatasetError.invalidEventFile(file: url.path, reason: "cannot read samples \(range.lowerBound)..<\(range.upperBound)")
    }
    defer { H5Dvlen_reclaim(vlenType, memorySpace, 0, &buffer) }
    return buffer.map { row in
      guard let pointer = row.p, row.len > 0 else { return [] }
      return Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: Element.self), count: row.len))
    }
  }

  private static func length(of dataset: hid_t, name: String, path: String) throws -> Int {
    let space = H5Dget_space(dataset)
    defer { H5Sclose(space) }
    var dims = hsize_t(0)
    guard H5Sget_simple_extent_ndims(space) == 1, H5Sget_simple_extent_dims(space, &dims, nil) == 1 else {
      throw DatasetError.invalidEventFile(file: path, reason: "'\(name)' is not one-dimensional")
    }
    return Int(dims)
  }

  private static func checkVariableLength(_ dataset: hid_t, name: String, baseClass: H5T_class_t, sizes: [Int],
                                          path: String) throws {
    let type = H5Dget_type(dataset)
    defer { H5Tclose(type) }
    let base = H5Tget_super(type)
    defer { if base >= 0 { H5Tclose(base) } }
    let kind = baseClass == H5T_FLOAT ? "float" : "integer"
    let allowed = sizes.map { "\($0 * 8)-bit" }.joined(separator: " or ")
    guard H5Tget_class(type) == H5T_VLEN, base >= 0, H5Tget_class(base) == baseClass,
          sizes.contains(H5Tget_size(base)) else {
      let found = H5Tget_class(type) == H5T_VLEN && base >= 0
        ? "variable-length arrays of \(H5Tget_size(base) * 8)-bit class-\(H5Tget_class(base).rawValue) values"
        : "a dataset of class \(H5Tget_class(type).rawValue)"
      throw DatasetError.invalidEventFile(
        file: path, reason: "'\(name)' holds \(found); expected variable-length arrays of \(allowed) \(kind)s")
    }
  }

  /// Reads a one-dimensional string dataset (fixed or variable length), or nil when absent or unreadable.
  private static func readStrings(file: hid_t, name: String) -> [String]? {
    guard H5Lexists(file, "extra", 0) > 0, H5Lexists(file, name, 0) > 0 else { return nil }
    let dataset = H5Dopen2(file, name, 0)
    guard dataset >= 0 else { return nil }
    defer { H5Dclose(dataset) }
    guard let count = try? length(of: dataset, name: name, path: "") else { return nil }
    let stored = H5Dget_type(dataset)
    defer { H5Tclose(stored) }
    guard H5Tget_class(stored) == H5T_STRING else { return nil }
    let memoryType = H5Tcopy(H5T_C_S1_g)
    defer { H5Tclose(memoryType) }
    if H5Tis_variable_str(stored) > 0 {
      H5Tset_size(memoryType, size_t.max)  // H5T_VARIABLE
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      guard H5Dread(dataset, memoryType, 0, 0, 0, &pointers) >= 0 else { return nil }
      let names = pointers.map { $0.map { String(cString: $0) } ?? "" }
      let space = H5Dget_space(dataset)
      H5Dvlen_reclaim(memoryType, space, 0, &pointers)
      H5Sclose(space)
      return names
    }
    let width = H5Tget_size(stored)
    H5Tset_size(memoryType, width)
    var bytes = [UInt8](repeating: 0, count: width * count)
    guard H5Dread(dataset, memoryType, 0, 0, 0, &bytes) >= 0 else { return nil }
    return (0..<count).map { index in
      let row = bytes[index * width..<(index + 1) * width].prefix { $0 != 0 }
      return String(decoding: row, as: UTF8.self)
    }
  }
}
