import CArchive
import Foundation

/// Unpacks `.zip`, `.tar.gz` and raw `.gz` files with libarchive, streaming block by block.
///
/// Entries are written into a temporary folder beside the target, which is renamed into place only
/// when every entry was read, so an interrupted or rejected unpack leaves nothing that looks
/// finished. An entry that would land outside the target (an absolute path, a `..` component, or a
/// link pointing out) rejects the whole archive.
public enum ArchiveUnpacker {
  /// Unpacks `archive` into `folder` unless `folder` already exists, and returns `folder`.
  ///
  /// A name ending in `.gz` but not `.tar.gz` or `.tgz` is a raw gzip stream: its content is
  /// written to one file named after the archive without `.gz`.
  @discardableResult
  public static func unpack(_ archive: URL, into folder: URL) throws -> URL {
    let fileManager = FileManager.default
    if fileManager.fileExists(atPath: folder.path) { return folder }
    try fileManager.createFolder(folder.deletingLastPathComponent())
    let temporary = folder.deletingLastPathComponent()
      .appendingPathComponent(".\(folder.lastPathComponent).partial-\(getpid())", isDirectory: true)
    try? fileManager.removeItem(at: temporary)
    try fileManager.createFolder(temporary)
    do {
      try extract(archive, into: temporary)
    } catch {
      try? fileManager.removeItem(at: temporary)
      throw error
    }
    try fileManager.moveReplacing(temporary, to: folder)
    return folder
  }

  /// Returns whether `name` is a raw gzip stream rather than a compressed tar archive.
  static func isRawGzip(_ name: String) -> Bool {
    name.hasSuffix(".gz") && !name.hasSuffix(".tar.gz")
  }

  private static func extract(_ archive: URL, into folder: URL) throws {
    let name = archive.lastPathComponent
    let raw = isRawGzip(name)
    guard let reader = archive_read_new() else {
      throw DatasetError.ioFailed(path: archive.path, reason: "archive_read_new failed")
    }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    if raw {
      archive_read_support_format_raw(reader)
    } else {
      archive_read_support_format_all(reader)
    }
    guard archive_read_open_filename(reader, archive.path, 1 << 16) == ARCHIVE_OK else {
      throw DatasetError.corruptArchive(archive: archive.path, lastEntry: nil, reason: message(of: reader))
    }
    guard let writer = archive_write_disk_new() else {
      throw DatasetError.ioFailed(path: folder.path, reason: "archive_write_disk_new failed")
    }
    defer { archive_write_free(writer) }
    archive_write_disk_set_options(writer, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT)

    var lastEntry: String?
    var entry: OpaquePointer?
    while true {
      let status = archive_read_next_header(reader, &entry)
      if status == ARCHIVE_EOF { break }
      guard status >= ARCHIVE_WARN, let entry else {
        throw DatasetError.corruptArchive(archive: archive.path, lastEntry: lastEntry, reason: message(of: reader))
      }
      let stored = archive_entry_pathname(entry).map { String(cString: $0) }
      let path = raw ? String(name.dropLast(3)) : stored ?? ""
      guard !path.isEmpty else {
        let reason = archive_error_string(reader).map { String(cString: $0) } ?? "an entry has no name"
        throw DatasetError.corruptArchive(archive: archive.path, lastEntry: lastEntry, reason: reason)
      }
      lastEntry = path
      guard let relative = safeRelativePath(path) else {
        throw DatasetError.unsafeArchiveEntry(archive: archive.path, entry: path)
      }
      if let target = archive_entry_symlink(entry).map({ String(cString: $0) }),
         !isSymlinkInside(target: target, linkPath: relative) {
        throw DatasetError.unsafeArchiveEntry(archive: archive.path, entry: "\(path) -> \(target)")
      }
      if let target = archive_entry_hardlink(entry).map({ String(cString: $0) }) {
        guard let inside = safeRelativePath(target) else {
          throw DatasetError.unsafeArchiveEntry(archive: archive.path, entry: "\(path) -> \(target)")
        }
        archive_entry_set_hardlink(entry, folder.appendingPathComponent(inside).path)
      }
      if relative.isEmpty { continue }
      archive_entry_set_pathname(entry, folder.appendingPathComponent(relative).path)
      if raw { archive_entry_set_perm(entry, 0o644) }
      guard archive_write_header(writer, entry) >= ARCHIVE_WARN else {
        throw DatasetError.ioFailed(path: folder.appendingPathComponent(relative).path, reason: message(of: writer))
      }
      try copyData(from: reader, to: writer, archive: archive, entry: path)
      guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else {
        throw DatasetError.ioFailed(path: folder.appendingPathComponent(relative).path, reason: message(of: writer))
      }
    }
  }

  /// Streams the data of the current entry from `reader` to `writer`.
  private static func copyData(from reader: OpaquePointer, to writer: OpaquePointer, archive: URL,
                               entry: String) throws {
    var block: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    while true {
      let status = archive_read_data_block(reader, &block, &size, &offset)
      if status == ARCHIVE_EOF { return }
      guard status >= ARCHIVE_WARN else {
        throw DatasetError.corruptArchive(archive: archive.path, lastEntry: entry, reason: message(of: reader))
      }
      guard archive_write_data_block(writer, block, size, offset) >= ARCHIVE_WARN else {
        throw DatasetError.ioFailed(path: entry, reason: message(of: writer))
      }
    }
  }

  /// Returns `path` without a leading `./`, or nil when it is absolute or has a `..` component.
  static func safeRelativePath(_ path: String) -> String? {
    if path.hasPrefix("/") { return nil }
    let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    if components.contains("..") { return nil }
    return components.joined(separator: "/")
  }

  /// Returns whether a symbolic link at `linkPath` pointing to `target` resolves inside the unpack folder.
  static func isSymlinkInside(target: String, linkPath: String) -> Bool {
    if target.hasPrefix("/") { return false }
    var stack = linkPath.split(separator: "/").dropLast().map(String.init)
    for component in target.split(separator: "/") where component != "." {
      if component == ".." {
        if stack.isEmpty { return false }
        stack.removeLast()
      } else {
        stack.append(String(component))
      }
    }
    return true
  }

  private static func message(of archive: OpaquePointer) -> String {
    archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error \(archive_errno(archive))"
  }
}
