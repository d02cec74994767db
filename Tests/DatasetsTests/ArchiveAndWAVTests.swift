import XCTest

@testable import Datasets

final class ArchiveUnpackerTests: TemporaryFolderTestCase {
  func testUnpacksTarGz() throws {
    let archive = folder.appendingPathComponent("a.tar.gz")
    try ArchiveBuilder.write([.folder("top"), .file("top/x.txt", Data("hello".utf8)), .symlink("top/link", target: "x.txt")], to: archive)
    let target = try ArchiveUnpacker.unpack(archive, into: folder.appendingPathComponent("out"))
    XCTAssertEqual(try String(contentsOf: target.appendingPathComponent("top/x.txt"), encoding: .utf8), "hello")
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: target.appendingPathComponent("top/link").path), "x.txt")
  }

  func testUnpacksRawGzip() throws {
    let archive = folder.appendingPathComponent("data.h5.gz")
    try ArchiveBuilder.gzip(Data(repeating: 7, count: 100_000), to: archive)
    let target = try ArchiveUnpacker.unpack(archive, into: folder.appendingPathComponent("out"))
    XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("data.h5")), Data(repeating: 7, count: 100_000))
  }

  func testTruncatedGzipRejected() throws {
    let archive = folder.appendingPathComponent("data.h5.gz")
    var noise = SeededGenerator(seed: 1)
    try ArchiveBuilder.gzip(Data((0..<200_000).map { _ in UInt8(truncatingIfNeeded: noise.next()) }), to: archive)
    let bytes = try Data(contentsOf: archive)
    try bytes.prefix(bytes.count / 2).write(to: archive)
    let target = folder.appendingPathComponent("out")
    let error = datasetError { try ArchiveUnpacker.unpack(archive, into: target) }
    XCTAssertEqual(error?.description, "\(archive.path) is truncated or corrupt after entry 'data.h5': truncated gzip input. Delete it and fetch it again.")
    XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
  }

  func testCorruptTarRejected() throws {
    let archive = folder.appendingPathComponent("a.tar.gz")
    try ArchiveBuilder.write([.file("first.wav", Data(repeating: 1, count: 600)), .file("second.wav", Data(repeating: 2, count: 600))],
                             to: archive, gzip: false)
    var bytes = try Data(contentsOf: archive)
    // Damage the second entry's header (it starts after the first header and its padded data).
    let secondHeader = bytes.range(of: Data("second.wav".utf8), in: 1024..<bytes.count)!.lowerBound
    bytes.replaceSubrange(secondHeader..<secondHeader + 200, with: Data(repeating: 0x41, count: 200))
    try bytes.write(to: archive)
    let error = datasetError { try ArchiveUnpacker.unpack(archive, into: self.folder.appendingPathComponent("out")) }
    XCTAssertEqual(error?.description, "\(archive.path) is truncated or corrupt after entry 'first.wav': Damaged tar archive. Delete it and fetch it again.")
  }

  func testDotDotEntryRejected() throws {
    let archive = folder.appendingPathComponent("a.tar.gz")
    try ArchiveBuilder.write([.file("ok.txt", Data("a".utf8)), .file("../evil.txt", Data("b".utf8))], to: archive)
    let target = folder.appendingPathComponent("inner/out")
    let error = datasetError { try ArchiveUnpacker.unpack(archive, into: target) }
    XCTAssertEqual(error?.description, "\(archive.path) contains entry '../evil.txt' that would land outside the target folder; nothing was unpacked. Check where the archive came from.")
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("inner/evil.txt").path))
    XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
  }

  func testAbsoluteEntryRejected() throws {
    let archive = folder.appendingPathComponent("a.tar.gz")
    try ArchiveBuilder.write([.file(folder.appendingPathComponent("abs.txt").path, Data("b".utf8))], to: archive)
    let error = datasetError { try ArchiveUnpacker.unpack(archive, into: self.folder.appendingPathComponent("out")) }
    XCTAssertEqual(error?.description.contains("contains entry '\(folder.path)/abs.txt' that would land outside"), true, error?.description ?? "")
  }

  func testSymlinkPointingOutRejected() throws {
    let archive = folder.appendingPathComponent("a.tar.gz")
    try ArchiveBuilder.write([.symlink("dir/link", target: "../../etc")], to: archive)
    let error = datasetError { try ArchiveUnpacker.unpack(archive, into: self.folder.appendingPathComponent("out")) }
    XCTAssertEqual(error?.description.contains("contains entry 'dir/link -> ../../etc' that would land outside"), true, error?.description ?? "")
  }
}

final class WAVTests: XCTestCase {
  func testReadsPCM16() throws {
    let audio = try WAVAudio(data: WAVBuilder.pcm16([0, 16384, -32768]), name: "x.wav")
    XCTAssertEqual(audio.sampleRate, 8000)
    XCTAssertEqual(audio.samples, [0, 0.5, -1])
  }

  func testStereoRejected() {
    XCTAssertThrowsError(try WAVAudio(data: WAVBuilder.pcm16([0, 0, 0, 0], channels: 2), name: "stereo.wav")) { error in
      XCTAssertEqual((error as? DatasetError)?.description,
                     "stereo.wav: found 2 channels; expected a mono WAV file, PCM 16-bit or 32-bit float, at 8 or 16 kHz.")
    }
  }

  func testLyingDataSizeRejected() {
    XCTAssertThrowsError(try WAVAudio(data: WAVBuilder.pcm16([1, 2, 3], declaredDataSize: 16000), name: "short.wav")) { error in
      XCTAssertEqual((error as? DatasetError)?.description,
                     "short.wav: the data chunk declares 16000 bytes but only 6 follow; the file is truncated or its header is wrong. Replace it with a good copy.")
    }
  }

  func testEightBitRejected() {
    let data = WAVBuilder.riff(WAVBuilder.format(tag: 1, channels: 1, rate: 8000, bits: 8) + WAVBuilder.chunk("data", Data([1, 2])))
    XCTAssertThrowsError(try WAVAudio(data: data, name: "byte.wav")) { error in
      XCTAssertEqual((error as? DatasetError)?.description,
                     "byte.wav: found PCM 8-bit; expected a mono WAV file, PCM 16-bit or 32-bit float, at 8 or 16 kHz.")
    }
  }

  func testOtherRateRejected() {
    XCTAssertThrowsError(try WAVAudio(data: WAVBuilder.pcm16([1], rate: 44100), name: "cd.wav")) { error in
      XCTAssertEqual((error as? DatasetError)?.description.hasPrefix("cd.wav: found a sample rate of 44100 Hz;"), true)
    }
  }

  func testSkipsUnknownChunks() throws {
    let data = WAVBuilder.riff(WAVBuilder.format(tag: 1, channels: 1, rate: 16000, bits: 16)
      + WAVBuilder.chunk("LIST", Data([1, 2, 3])) + WAVBuilder.chunk("data", Data([0, 64])))
    let audio = try WAVAudio(data: data, name: "list.wav")
    XCTAssertEqual(audio.sampleRate, 16000)
    XCTAssertEqual(audio.samples, [0.5])
  }
}
