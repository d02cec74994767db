import Foundation
import XCTest

@testable import Datasets

/// An HTTP/1.0 server on 127.0.0.1 that replies to every request with one fixed body.
final class LoopbackServer {
  let port: UInt16
  private let socketDescriptor: Int32
  private let thread: Thread

  init(body: Data) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    listen(descriptor, 4)
    port = LoopbackServer.boundPort(descriptor)
    socketDescriptor = descriptor
    thread = Thread {
      while true {
        let client = accept(descriptor, nil, nil)
        if client < 0 { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(client, &buffer, buffer.count)
        let response = Data("HTTP/1.0 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        close(client)
      }
    }
    thread.start()
  }

  func stop() {
    shutdown(socketDescriptor, Int32(SHUT_RDWR))
    close(socketDescriptor)
  }

  static func boundPort(_ descriptor: Int32) -> UInt16 {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
  }

  /// Returns a loopback port with nothing listening: bound, read, then closed.
  static func closedPort() -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    let port = boundPort(descriptor)
    close(descriptor)
    return port
  }
}

final class FetcherTests: TemporaryFolderTestCase {
  let content = Data("spike data".utf8)
  var cache: DatasetCache!
  var fetcher: Fetcher!

  override func setUpWithError() throws {
    try super.setUpWithError()
    cache = DatasetCache(root: folder.appendingPathComponent("cache"))
    fetcher = Fetcher(cache: cache, shippedRoots: [], showsProgress: false, connectTimeout: 5)
  }

  private func file(urls: [String] = []) -> DatasetFile {
    DatasetFile(name: "toy.h5.zip", urls: urls, size: Int64(content.count),
                checksum: FileChecksum(.sha256, Checksum.digest(of: content, algorithm: .sha256)))
  }

  func testChecksumsOfKnownData() {
    XCTAssertEqual(Checksum.digest(of: Data("abc".utf8), algorithm: .md5), "900150983cd24fb0d6963f7d28e17f72")
    XCTAssertEqual(Checksum.digest(of: Data("abc".utf8), algorithm: .sha256),
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  func testNoNetworkNamesURLAndFolder() {
    let url = "http://127.0.0.1:\(LoopbackServer.closedPort())/toy.h5.zip"
    let expected = file(urls: [url])
    let error = datasetError { _ = try self.fetcher.fetch(expected) }
    let text = error?.description ?? ""
    XCTAssertTrue(text.hasPrefix("could not download toy.h5.zip from \(url) (curl: (7) "), text)
    XCTAssertTrue(text.hasSuffix("). Place a copy of toy.h5.zip (\(expected.checksum)) in \(cache.downloads.path)/ and run the command again."), text)
    XCTAssertFalse(FileManager.default.fileExists(atPath: cache.downloads.appendingPathComponent("toy.h5.zip.part").path))
  }

  func testHandPlacedCopyUsed() throws {
    try FileManager.default.createDirectory(at: cache.downloads, withIntermediateDirectories: true)
    try content.write(to: cache.downloads.appendingPathComponent("toy.h5.zip"))
    let unreachable = "http://127.0.0.1:\(LoopbackServer.closedPort())/toy.h5.zip"
    XCTAssertEqual(try fetcher.fetch(file(urls: [unreachable])), cache.downloads.appendingPathComponent("toy.h5.zip"))
  }

  func testChecksumMismatchMovedAside() throws {
    try FileManager.default.createDirectory(at: cache.downloads, withIntermediateDirectories: true)
    let placed = cache.downloads.appendingPathComponent("toy.h5.zip")
    try Data("spike dat!".utf8).write(to: placed)
    let expected = file()
    let error = datasetError { _ = try self.fetcher.fetch(expected) }
    let found = Checksum.digest(of: Data("spike dat!".utf8), algorithm: .sha256)
    XCTAssertEqual(error?.description, "\(placed.path) failed verification: expected \(expected.checksum), found SHA-256 \(found). The file was moved aside to \(placed.path).rejected; fetch it again or place a good copy by hand.")
    XCTAssertFalse(FileManager.default.fileExists(atPath: placed.path))
    XCTAssertTrue(FileManager.default.fileExists(atPath: placed.path + ".rejected"))
  }

  func testSizeMismatchReported() throws {
    try FileManager.default.createDirectory(at: cache.downloads, withIntermediateDirectories: true)
    try Data("short".utf8).write(to: cache.downloads.appendingPathComponent("toy.h5.zip"))
    let error = datasetError { _ = try self.fetcher.fetch(self.file()) }
    XCTAssertEqual(error?.description.contains("expected 10 bytes, found 5 bytes"), true, error?.description ?? "")
  }

  func testDownloadsFromLoopbackServer() throws {
    let server = LoopbackServer(body: content)
    defer { server.stop() }
    let unreachable = "http://127.0.0.1:\(LoopbackServer.closedPort())/toy.h5.zip"
    let path = try fetcher.fetch(file(urls: [unreachable, "http://127.0.0.1:\(server.port)/toy.h5.zip"]))
    XCTAssertEqual(path, cache.downloads.appendingPathComponent("toy.h5.zip"))
    XCTAssertEqual(try Data(contentsOf: path), content)
  }

  func testBadDownloadMovedAside() throws {
    let server = LoopbackServer(body: Data("other data".utf8))
    defer { server.stop() }
    let error = datasetError { _ = try self.fetcher.fetch(self.file(urls: ["http://127.0.0.1:\(server.port)/toy.h5.zip"])) }
    XCTAssertEqual(error?.description.hasPrefix("toy.h5.zip failed verification: expected SHA-256 "), true, error?.description ?? "")
    XCTAssertTrue(FileManager.default.fileExists(atPath: cache.downloads.appendingPathComponent("toy.h5.zip.rejected").path))
    XCTAssertFalse(FileManager.default.fileExists(atPath: cache.downloads.appendingPathComponent("toy.h5.zip").path))
  }

  func testShippedFSDDVerified() throws {
    let shipped = Fetcher(cache: cache, shippedRoots: [Fixtures.repositoryRoot], showsProgress: false)
    let path = try shipped.fetch(DatasetDescription.fsdd.files[0])
    XCTAssertEqual(path.lastPathComponent, "free-spoken-digit-dataset-1.0.10.tar.gz")
  }

  func testCacheFolderFromEnvironment() {
    XCTAssertEqual(DatasetCache(environment: ["DCLS_DELAYS_CACHE": "/data/cache"]).root.path, "/data/cache")
    XCTAssertEqual(DatasetCache(root: URL(fileURLWithPath: "/x"), environment: ["DCLS_DELAYS_CACHE": "/y"]).root.path, "/x")
    XCTAssertTrue(DatasetCache(environment: [:]).root.path.hasSuffix("/.cache/dcls-delays"))
  }

  func testUnknownDatasetRejected() {
    let error = datasetError { _ = try DatasetDescription.named("mnist") }
    XCTAssertEqual(error?.description, "unknown dataset 'mnist'; expected one of shd, ssc, gsc, fsdd, spiking-fsdd.")
  }
}

final class PreparerTests: TemporaryFolderTestCase {
  func testUnpreparedSplitNamesCommand() {
    let cache = DatasetCache(root: folder)
    let error = datasetError { _ = try DatasetPreparer(cache: cache).openSplit(.shd, binning: .grid, split: "test") }
    XCTAssertEqual(error?.description, "no frames at \(folder.path)/frames/shd-grid/test; run 'dcls-delays data prepare shd' first.")
  }

  func testFramesKeys() {
    XCTAssertEqual(DatasetPreparer.framesKey(dataset: .ssc, binning: .legacy), "ssc-legacy")
    XCTAssertEqual(DatasetPreparer.framesKey(dataset: .shd, binning: .grid), "shd-grid")
    XCTAssertEqual(DatasetPreparer.framesKey(dataset: .gsc, binning: .grid), "gsc-mel")
  }

  func testEventBenchmarkReportsBothModes() {
    let line = DatasetBenchmarks.eventLine(sampleCount: 4, eventsPerSample: 50)
    XCTAssertTrue(line.contains("legacy "), line)
    XCTAssertTrue(line.contains("grid "), line)
  }
}
