import Foundation
import XCTest

// Support for tests that run the real `dcls-delays` executable as a child process, each in a
// sandbox folder with its own pipeline file, cache and results folders.

/// The `dcls-delays` executable under test: `.build/release/dcls-delays` when it exists and is
/// newer than every file of `Sources/` and `Package.swift`, else `.build/debug/dcls-delays`, which
/// `swift build --build-tests` builds before the tests run.
enum Tool {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static let executable: URL? = {
    let release = packageRoot.appendingPathComponent(".build/release/dcls-delays")
    let debug = packageRoot.appendingPathComponent(".build/debug/dcls-delays")
    if let built = modified(release), built > newestSource() { return release }
    return modified(debug) == nil ? nil : debug
  }()

  private static func modified(_ url: URL) -> Date? {
    (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
  }

  private static func newestSource() -> Date {
    var newest = modified(packageRoot.appendingPathComponent("Package.swift")) ?? .distantFuture
    let walker = FileManager.default.enumerator(at: packageRoot.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)
    while let url = walker?.nextObject() as? URL {
      if let date = modified(url), date > newest { newest = date }
    }
    return newest
  }
}

/// What one run of the executable printed, and how it ended.
struct ToolResult {
  var status: Int32
  var stdout: String
  var stderr: String

  /// Standard output split into lines.
  var lines: [String] { stdout.split(separator: "\n").map(String.init) }

  /// The decision printed for each stage: `unchanged`, or `run: REASON`. Log lines and `done`
  /// lines are left out.
  var decisions: [String: String] {
    var result: [String: String] = [:]
    for line in lines {
      if line.hasPrefix("unchanged ") {
        result[line.dropFirst("unchanged".count).trimmingCharacters(in: .whitespaces)] = "unchanged"
      } else if line.hasPrefix("run "), let (stage, reason) = Self.split(line) {
        result[stage] = "run: " + reason
      }
    }
    return result
  }

  /// The stages that ran, in the order of their `run` lines.
  var ranStages: [String] {
    lines.filter { $0.hasPrefix("run ") }.compactMap { Self.split($0)?.stage }
  }

  /// Splits `run        STAGE: REASON` into the stage and the reason.
  private static func split(_ line: String) -> (stage: String, reason: String)? {
    let rest = line.dropFirst("run".count).trimmingCharacters(in: .whitespaces)
    guard let colon = rest.range(of: ": ") else { return nil }
    return (String(rest[..<colon.lowerBound]), String(rest[colon.upperBound...]))
  }
}

/// A temporary folder holding one test's pipeline file, cache and results.
final class Sandbox {
  let root: URL
  var cache: URL { root.appendingPathComponent("cache", isDirectory: true) }
  var results: URL { root.appendingPathComponent("results", isDirectory: true) }
  private var runs = 0

  init(_ name: String) throws {
    root = FileManager.default.temporaryDirectory
      .appendingPathComponent("dcls-delays-tooltests-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: root)
  }

  /// Writes `text` to the file `name` in the sandbox.
  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: root.appendingPathComponent(name))
  }

  /// The options that put the cache and the results inside the sandbox.
  var folders: [String] { ["--cache", cache.path, "--results", results.path] }

  /// Starts the executable with `arguments` in the sandbox, its output going to files there.
  func start(_ arguments: [String]) throws -> (process: Process, stdout: URL, stderr: URL) {
    guard let executable = Tool.executable else {
      throw XCTSkip("no dcls-delays executable; run `swift build --build-tests` first")
    }
    runs += 1
    let stdout = root.appendingPathComponent("run\(runs).out")
    let stderr = root.appendingPathComponent("run\(runs).err")
    _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = root
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: stdout)
    process.standardError = try FileHandle(forWritingTo: stderr)
    try process.run()
    return (process, stdout, stderr)
  }

  /// Runs the executable with `arguments` to the end. A run longer than `limit` seconds is
  /// killed and fails the test.
  func run(_ arguments: [String], limit: TimeInterval = 300, file: StaticString = #filePath, line: UInt = #line) throws -> ToolResult {
    let (process, stdout, stderr) = try start(arguments)
    let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
    process.waitUntilExit()
    watchdog.cancel()
    let result = ToolResult(
      status: process.terminationStatus, stdout: try String(contentsOf: stdout, encoding: .utf8),
      stderr: try String(contentsOf: stderr, encoding: .utf8))
    if process.terminationReason == .uncaughtSignal {
      XCTFail("dcls-delays \(arguments.joined(separator: " ")) died by signal \(result.status):\n\(result.stdout)", file: file, line: line)
    }
    return result
  }

  /// Runs `reproduce` on the pipeline file `pipeline` and checks that it succeeded.
  @discardableResult
  func reproduce(_ pipeline: String, _ options: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> ToolResult {
    let result = try run(["reproduce", pipeline] + folders + options, file: file, line: line)
    XCTAssertEqual(result.status, 0, "reproduce failed:\n\(result.stdout)\n\(result.stderr)", file: file, line: line)
    return result
  }

  /// Returns the key of each stage in the lock file of the pipeline `name`.
  func lockedKeys(_ name: String) throws -> [String: String] {
    let url = results.appendingPathComponent("\(name)/pipeline.lock.json")
    let lock = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let stages = try XCTUnwrap(lock["stages"] as? [[String: Any]])
    var keys: [String: String] = [:]
    for stage in stages {
      keys[try XCTUnwrap(stage["name"] as? String)] = try XCTUnwrap(stage["key"] as? String)
    }
    return keys
  }

  /// Returns the output file `path` of the finished stage `stage` of the pipeline `name`.
  func output(_ path: String, of stage: String, pipeline name: String) throws -> URL {
    let key = try XCTUnwrap(try lockedKeys(name)[stage], "no \(stage) in the lock file")
    return cache.appendingPathComponent("stages/\(key)/outputs/\(path)")
  }
}

/// Returns a pipeline file over a subset of the shipped FSDD data, small enough for a debug
/// build: a 2 x 16 network, `subset` samples per split (two or more per digit) and seed 0.
func tinyPipeline(
  name: String, variants: [String], epochs: Int = 2, subset: Int = 20, overrides: String? = nil
) -> String {
  let quoted = variants.map { "\"\($0)\"" }.joined(separator: ", ")
  let variantOverrides = overrides.map { #", "variantOverrides": \#($0)"# } ?? ""
  return """
    {
      "name": "\(name)",
      "datasets": [
        { "name": "fsdd", "subset": \(subset),
          "network": { "hiddenLayers": 2, "hidden": 16, "taps": 5, "delaysPerSynapse": 1, "batchSize": 10, "epochs": \(epochs) }\(variantOverrides) }
      ],
      "variants": [\(quoted)],
      "seeds": [0]
    }
    """
}
