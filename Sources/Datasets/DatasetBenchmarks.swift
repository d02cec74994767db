import Foundation

/// Throughput measurements of the data path, for `make bench`.
public enum DatasetBenchmarks {
  /// Runs the three measurements once and returns one printable line each.
  ///
  /// Events: 2000 synthetic SHD-like samples of 1 s with 5000 events each (SHD averages several
  /// thousand per recording), binned in both modes. Mel: the whole FSDD preparation from the
  /// shipped archive (unpack, WAV reading, mel frames on all cores, writing) into a temporary cache.
  /// Spikes: all 3000 FSDD recordings through the cochlear encoder into two HDF5 files.
  public static func run(shippedRoots: [URL]? = nil) throws -> [String] {
    [eventLine(), try melLine(shippedRoots: shippedRoots), try spikingLine(shippedRoots: shippedRoots)]
  }

  /// Events per second of event-to-frame conversion, legacy and grid.
  public static func eventLine(sampleCount: Int = 2000, eventsPerSample: Int = 5000) -> String {
    var generator = SeededGenerator(seed: 1, stream: "benchmark")
    let samples = (0..<sampleCount).map { _ -> SpikeSample in
      let times = (0..<eventsPerSample).map { _ in Float(Float16(generator.nextUnitFloat())) }.sorted()
      let units = (0..<eventsPerSample).map { _ in Int(generator.next() % 700) }
      return SpikeSample(times: times, units: units, label: 0)
    }
    let events = Double(sampleCount * eventsPerSample)
    var parts: [String] = []
    for mode in Binning.allCases {
      let start = Date()
      let frames = DatasetPreparer.parallelMap(samples) { EventBinning.frames(of: $0, mode: mode).steps }
      let seconds = Date().timeIntervalSince(start)
      parts.append(String(format: "%@ %.1f M events/s (%d frames)", mode.rawValue, events / seconds / 1e6, frames.reduce(0, +)))
    }
    return "event-to-frame, \(sampleCount) samples x \(eventsPerSample) events, \(ProcessInfo.processInfo.activeProcessorCount) cores: "
      + parts.joined(separator: ", ")
  }

  /// Recordings per second of the FSDD mel path, from the shipped archive to frames on disk.
  public static func melLine(shippedRoots: [URL]? = nil) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dcls-bench-\(getpid())", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let cache = DatasetCache(root: root)
    let preparer = DatasetPreparer(cache: cache, fetcher: Fetcher(cache: cache, shippedRoots: shippedRoots, showsProgress: false))
    let start = Date()
    let splits = try preparer.prepare(.fsdd)
    let seconds = Date().timeIntervalSince(start)
    let count = splits.values.map(\.count).reduce(0, +)
    return String(format: "FSDD mel path, %d recordings, %d cores: %.2f s, %.0f recordings/s", count,
                  ProcessInfo.processInfo.activeProcessorCount, seconds, Double(count) / seconds)
  }

  /// Seconds to encode all FSDD recordings into spikes, from the shipped archive to HDF5 files.
  public static func spikingLine(shippedRoots: [URL]? = nil) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dcls-bench-spikes-\(getpid())", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let cache = DatasetCache(root: root)
    let fetcher = Fetcher(cache: cache, shippedRoots: shippedRoots, showsProgress: false)
    let archive = try fetcher.fetch(DatasetDescription.fsdd.files[0])
    let unpacked = try ArchiveUnpacker.unpack(archive, into: cache.unpacked("fsdd"))
    let start = Date()
    let files = try SpikingFreeSpokenDigits.encode(recordingsIn: unpacked, into: root.appendingPathComponent("spikes"), seed: 1)
    let seconds = Date().timeIntervalSince(start)
    let count = try files.values.map { try SpikeEventFile(url: $0, classCount: 10).count }.reduce(0, +)
    return String(format: "spiking FSDD (cochlear encoder), %d recordings, %d cores: %.1f s, %.1f recordings/s", count,
                  ProcessInfo.processInfo.activeProcessorCount, seconds, Double(count) / seconds)
  }
}
