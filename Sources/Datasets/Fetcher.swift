import Foundation

/// Downloads and verifies a dataset's published files into the cache.
///
/// For each file, in order: a verified copy in `downloads/` is used as it is, including a copy
/// placed there by hand. Else a copy shipped with the project is verified and used in place. Else
/// each mirror is tried with curl into a temporary `.part` name, verified, then renamed. A file
/// that fails verification is moved aside to `NAME.rejected` and never used.
public struct Fetcher: Sendable {
  public var cache: DatasetCache
  /// Folders searched for a file's `shippedPath`: the current folder and the source checkout.
  public var shippedRoots: [URL]
  /// Whether curl draws a progress bar (by default, when standard error is a terminal).
  public var showsProgress: Bool
  /// Seconds curl waits for a connection before trying the next mirror.
  public var connectTimeout: Int

  public init(cache: DatasetCache, shippedRoots: [URL]? = nil,
              showsProgress: Bool = isatty(STDERR_FILENO) == 1, connectTimeout: Int = 20) {
    self.cache = cache
    self.shippedRoots = shippedRoots ?? Self.defaultShippedRoots
    self.showsProgress = showsProgress
    self.connectTimeout = connectTimeout
  }

  /// The current folder, then the checkout this module was built from.
  public static var defaultShippedRoots: [URL] {
    let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return current.standardizedFileURL == source.standardizedFileURL ? [current] : [current, source]
  }

  /// Fetches every file of `dataset` and returns their verified paths by file name.
  public func fetch(_ dataset: DatasetDescription) throws -> [String: URL] {
    var paths: [String: URL] = [:]
    for file in dataset.files {
      paths[file.name] = try fetch(file)
    }
    return paths
  }

  /// Returns a verified local copy of `file`, downloading it when no copy is present.
  public func fetch(_ file: DatasetFile) throws -> URL {
    let fileManager = FileManager.default
    let target = cache.downloads.appendingPathComponent(file.name)
    if fileManager.fileExists(atPath: target.path) {
      try verify(target, as: file, moveAsideWhenBad: true)
      return target
    }
    for root in shippedRoots {
      guard let shipped = file.shippedPath.map({ root.appendingPathComponent($0) }),
            fileManager.fileExists(atPath: shipped.path) else { continue }
      try verify(shipped, as: file, moveAsideWhenBad: false)
      return shipped
    }
    try fileManager.createFolder(cache.downloads)
    let partial = cache.downloads.appendingPathComponent(file.name + ".part")
    var reasons: [String] = []
    for url in file.urls {
      do {
        try download(url, to: partial)
      } catch let DownloadFailure.failed(reason) {
        reasons.append(file.urls.count > 1 ? "\(url): \(reason)" : reason)
        continue
      }
      try verify(partial, as: file, moveAsideWhenBad: true, reportedName: file.name)
      try fileManager.moveReplacing(partial, to: target)
      return target
    }
    try? fileManager.removeItem(at: partial)
    throw DatasetError.downloadFailed(
      file: file.name, urls: file.urls, checksum: file.checksum.description,
      folder: cache.downloads.path, reason: reasons.joined(separator: "; "))
  }

  /// Checks the size and digest of `url` against `file`. A bad file is renamed to `NAME.rejected`
  /// when `moveAsideWhenBad`, and the error names where it went.
  public func verify(_ url: URL, as file: DatasetFile, moveAsideWhenBad: Bool,
                     reportedName: String? = nil) throws {
    let name = reportedName ?? url.path
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
    var mismatch: (expected: String, found: String)?
    if let expectedSize = file.size, size != expectedSize {
      mismatch = ("\(expectedSize) bytes", "\(size) bytes")
    } else {
      let found = try Checksum.digest(of: url, algorithm: file.checksum.algorithm)
      if found != file.checksum.hex {
        mismatch = (file.checksum.description, "\(file.checksum.algorithm.rawValue) \(found)")
      }
    }
    guard let mismatch else { return }
    var movedTo: String?
    if moveAsideWhenBad {
      let aside = url.deletingLastPathComponent().appendingPathComponent(file.name + ".rejected")
      try FileManager.default.moveReplacing(url, to: aside)
      movedTo = aside.path
    }
    throw DatasetError.verificationFailed(file: name, expected: mismatch.expected, found: mismatch.found, movedTo: movedTo)
  }

  private enum DownloadFailure: Error { case failed(String) }

  /// Runs curl to fetch `url` into `destination`; curl's progress bar goes to standard error.
  private func download(_ url: String, to destination: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    var arguments = ["curl", "--fail", "--location", "--connect-timeout", "\(connectTimeout)",
                     "--output", destination.path]
    arguments += showsProgress ? ["--progress-bar"] : ["--silent", "--show-error"]
    process.arguments = arguments + [url]
    let errors = Pipe()
    if !showsProgress { process.standardError = errors }
    do {
      try process.run()
    } catch {
      throw DownloadFailure.failed("cannot run curl: \(error.localizedDescription)")
    }
    let message = showsProgress ? Data() : errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      try? FileManager.default.removeItem(at: destination)
      let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      let detail = text.isEmpty ? "curl exit status \(process.terminationStatus)" : text
      throw DownloadFailure.failed(detail)
    }
  }
}
