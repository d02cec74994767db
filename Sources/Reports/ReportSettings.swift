import Foundation

/// One stage of the pipeline that produced the report: its name, cache key and wall time.
public struct StageRecord: Codable, Equatable, Sendable {
  /// Stage name, for example "train shd learned seed 0".
  public var stage: String
  /// The stage's key in the pipeline lock.
  public var key: String
  /// Wall time of the stage's last run in seconds; nil when unknown (for example taken from
  /// the cache).
  public var wallSeconds: Double?

  public init(stage: String, key: String, wallSeconds: Double? = nil) {
    self.stage = stage
    self.key = key
    self.wallSeconds = wallSeconds
  }
}

/// A program or library and its version, listed in the report.
public struct SoftwareVersion: Codable, Equatable, Sendable {
  public var name: String
  public var version: String

  public init(name: String, version: String) {
    self.name = name
    self.version = version
  }

  /// Versions the report can find by itself: the Swift compiler that built it, the operating
  /// system (`PRETTY_NAME` of /etc/os-release) and gnuplot (`gnuplot --version`).
  public static func detect(gnuplot program: String = "gnuplot") -> [SoftwareVersion] {
    var versions = [SoftwareVersion(name: "Swift compiler", version: swiftCompilerVersion)]
    if let system = operatingSystemName() {
      versions.append(SoftwareVersion(name: "operating system", version: system))
    }
    versions.append(SoftwareVersion(name: "gnuplot", version: gnuplotVersion(program: program) ?? "not found"))
    return versions
  }
}

/// The compiler version, to the minor release, known at compile time.
private var swiftCompilerVersion: String {
  #if compiler(>=7.0)
    return "7.0 or later"
  #elseif compiler(>=6.3)
    return "6.3"
  #elseif compiler(>=6.2)
    return "6.2"
  #elseif compiler(>=6.1)
    return "6.1"
  #else
    return "6.0"
  #endif
}

private func operatingSystemName() -> String? {
  guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return nil }
  for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
    return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
  }
  return nil
}

/// The machine the report describes.
public struct MachineInfo: Codable, Equatable, Sendable {
  /// CPU model name, as /proc/cpuinfo gives it.
  public var cpuModel: String
  /// Logical cores available to the process.
  public var cores: Int

  public init(cpuModel: String, cores: Int) {
    self.cpuModel = cpuModel
    self.cores = cores
  }

  /// Reads the machine this process runs on: the first `model name` of /proc/cpuinfo ("unknown"
  /// where that file does not exist) and the active processor count.
  public static func current() -> MachineInfo {
    var model = "unknown"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    {
      model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return MachineInfo(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount)
  }
}

/// Everything a report shows besides the runs.
public struct ReportSettings: Sendable {
  /// Pipeline name, the report's title.
  public var pipeline: String
  /// Stages of the pipeline lock, in pipeline order: the lock summary and the wall times.
  public var stages: [StageRecord]
  public var software: [SoftwareVersion]
  public var machine: MachineInfo
  /// gnuplot program used to render figures.
  public var gnuplot: String
  /// Whether to run gnuplot; without it only scripts, data, tables and the README are written.
  public var rendersFigures: Bool

  public init(
    pipeline: String, stages: [StageRecord] = [], software: [SoftwareVersion], machine: MachineInfo,
    gnuplot: String = "gnuplot", rendersFigures: Bool = true
  ) {
    self.pipeline = pipeline
    self.stages = stages
    self.software = software
    self.machine = machine
    self.gnuplot = gnuplot
    self.rendersFigures = rendersFigures
  }
}
