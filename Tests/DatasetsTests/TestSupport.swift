import CArchive
import CHDF5
import Foundation
import XCTest

@testable import Datasets

/// A fresh temporary folder per test, removed at tear-down.
class TemporaryFolderTestCase: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("dcls-datasets-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  /// Runs `body` and returns the `DatasetError` it throws, recording a failure otherwise.
  func datasetError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> DatasetError? {
    do {
      try body()
      XCTFail("expected a DatasetError, nothing was thrown", file: file, line: line)
    } catch let error as DatasetError {
      return error
    } catch {
      XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
    }
    return nil
  }
}

enum Fixtures {
  static var folder: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }
  static func url(_ relative: String) -> URL { folder.appendingPathComponent(relative) }

  /// The repository root, for the shipped FSDD archive.
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }
}

/// Builds WAV file bytes.
enum WAVBuilder {
  static func chunk(_ tag: String, _ body: Data) -> Data {
    var data = Data(tag.utf8)
    data.append(littleEndian: UInt32(body.count))
    data.append(body)
    if body.count % 2 == 1 { data.append(0) }
    return data
  }

  static func format(tag: UInt16, channels: UInt16, rate: UInt32, bits: UInt16) -> Data {
    var body = Data()
    body.append(littleEndian: tag)
    body.append(littleEndian: channels)
    body.append(littleEndian: rate)
    body.append(littleEndian: rate * UInt32(channels) * UInt32(bits / 8))
    body.append(littleEndian: channels * bits / 8)
    body.append(littleEndian: bits)
    return chunk("fmt ", body)
  }

  /// Builds a PCM 16-bit file. `declaredDataSize` overrides the data chunk's size field.
  static func pcm16(_ samples: [Int16], rate: UInt32 = 8000, channels: UInt16 = 1, declaredDataSize: UInt32? = nil) -> Data {
    var payload = Data()
    for sample in samples { payload.append(littleEndian: sample) }
    var data = chunk("data", payload)
    if let declaredDataSize {
      data.replaceSubrange(4..<8, with: withUnsafeBytes(of: declaredDataSize.littleEndian) { Data($0) })
    }
    return riff(format(tag: 1, channels: channels, rate: rate, bits: 16) + data)
  }

  static func riff(_ chunks: Data) -> Data {
    var data = Data("RIFF".utf8)
    data.append(littleEndian: UInt32(chunks.count + 4))
    data.append(Data("WAVE".utf8))
    data.append(chunks)
    return data
  }
}

extension Data {
  mutating func append<T: FixedWidthInteger>(littleEndian value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}

/// Writes archives with libarchive.
enum ArchiveBuilder {
  enum Entry {
    case file(String, Data)
    case folder(String)
    case symlink(String, target: String)
  }

  /// Writes a tar archive, gzip-compressed unless `gzip` is false, or a zip archive.
  static func write(_ entries: [Entry], to url: URL, zip: Bool = false, gzip: Bool = true) throws {
    let archive = archive_write_new()!
    defer { archive_write_free(archive) }
    if zip {
      archive_write_set_format_zip(archive)
    } else {
      archive_write_set_format_pax_restricted(archive)
      if gzip { archive_write_add_filter_gzip(archive) }
    }
    guard archive_write_open_filename(archive, url.path) == ARCHIVE_OK else {
      throw DatasetError.ioFailed(path: url.path, reason: String(cString: archive_error_string(archive)))
    }
    for item in entries {
      let entry = archive_entry_new()!
      defer { archive_entry_free(entry) }
      switch item {
      case let .file(path, data):
        archive_entry_set_pathname(entry, path)
        archive_entry_set_filetype(entry, 0o100000)
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_size(entry, la_int64_t(data.count))
        archive_write_header(archive, entry)
        _ = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, data.count) }
      case let .folder(path):
        archive_entry_set_pathname(entry, path)
        archive_entry_set_filetype(entry, 0o040000)
        archive_entry_set_perm(entry, 0o755)
        archive_write_header(archive, entry)
      case let .symlink(path, target):
        archive_entry_set_pathname(entry, path)
        archive_entry_set_filetype(entry, 0o120000)
        archive_entry_set_symlink(entry, target)
        archive_entry_set_perm(entry, 0o777)
        archive_write_header(archive, entry)
      }
    }
    archive_write_close(archive)
  }

  /// Writes `data` as a raw gzip stream (no tar), as the `.h5.gz` files are.
  static func gzip(_ data: Data, to url: URL) throws {
    let archive = archive_write_new()!
    defer { archive_write_free(archive) }
    archive_write_set_format_raw(archive)
    archive_write_add_filter_gzip(archive)
    archive_write_open_filename(archive, url.path)
    let entry = archive_entry_new()!
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname(entry, "data")
    archive_entry_set_filetype(entry, 0o100000)
    archive_entry_set_size(entry, la_int64_t(data.count))
    archive_write_header(archive, entry)
    _ = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, data.count) }
    archive_write_close(archive)
  }
}

/// Writes HDF5 files in the SHD/SSC layout, whole or with one dataset removed.
enum EventFileBuilder {
  /// Writes `samples` to `url` with `SpikeEventWriter`. `omit` then deletes one dataset by path;
  /// `timesAsFloat16` stores times as float16 (as SHD does) or float32.
  static func write(_ samples: [SpikeSample], to url: URL, omit: String? = nil, classNames: [String]? = nil,
                    timesAsFloat16: Bool = true) {
    do {
      try SpikeEventWriter.write(samples, to: url, classNames: classNames, timeStorage: timesAsFloat16 ? .float16 : .float32)
    } catch {
      XCTFail("cannot write \(url.path): \(error)")
      return
    }
    guard let omit else { return }
    let file = H5Fopen(url.path, 1, 0)  // H5F_ACC_RDWR
    defer { H5Fclose(file) }
    XCTAssertGreaterThanOrEqual(H5Ldelete(file, omit, 0), 0, "cannot delete \(omit) from \(url.path)")
  }
}
