import Foundation

/// The folder holding downloads, unpacked archives and prepared frames.
///
/// Layout: `downloads/FILE` (verified published files), `unpacked/DATASET/` (archive contents),
/// `frames/KEY/SPLIT/` (prepared frames, see `FrameSplit`). The default is `~/.cache/dcls-delays`,
/// overridden by the environment variable `DCLS_DELAYS_CACHE` or an explicit folder.
public struct DatasetCache: Sendable {
  /// The environment variable that overrides the default cache folder.
  public static let environmentVariable = "DCLS_DELAYS_CACHE"

  public var root: URL

  /// Uses `root` when given, else `$DCLS_DELAYS_CACHE`, else `~/.cache/dcls-delays`.
  public init(root: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
    if let root {
      self.root = root
    } else if let path = environment[Self.environmentVariable], !path.isEmpty {
      self.root = URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
    } else {
      self.root = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/dcls-delays", isDirectory: true)
    }
  }

  /// The folder where fetched files are kept and where a user may place a copy by hand.
  public var downloads: URL { root.appendingPathComponent("downloads", isDirectory: true) }

  /// Returns the folder an archive of `dataset` is unpacked into.
  public func unpacked(_ dataset: String) -> URL {
    root.appendingPathComponent("unpacked", isDirectory: true).appendingPathComponent(dataset, isDirectory: true)
  }

  /// Returns the frames folder of one split, keyed by dataset and preprocessing (`shd-legacy`, `fsdd-mel`).
  public func frames(key: String, split: String) -> URL {
    root.appendingPathComponent("frames", isDirectory: true)
      .appendingPathComponent(key, isDirectory: true)
      .appendingPathComponent(split, isDirectory: true)
  }
}

extension FileManager {
  /// Creates `url` and its parents when missing.
  func createFolder(_ url: URL) throws {
    do {
      try createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw DatasetError.ioFailed(path: url.path, reason: "cannot create the folder (\(error.localizedDescription))")
    }
  }

  /// Replaces whatever is at `destination` by the item at `source` with one rename.
  func moveReplacing(_ source: URL, to destination: URL) throws {
    if fileExists(atPath: destination.path) {
      try? removeItem(at: destination)
    }
    guard rename(source.path, destination.path) == 0 else {
      throw DatasetError.ioFailed(path: destination.path, reason: "cannot rename \(source.lastPathComponent) into place (\(String(cString: strerror(errno))))")
    }
  }
}
