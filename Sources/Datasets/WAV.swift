import Foundation

/// A mono recording read from a WAV file, samples scaled to [-1, 1).
public struct WAVAudio: Sendable {
  /// Samples: PCM 16-bit values divided by 32768, or 32-bit float values as stored.
  public var samples: [Float]
  public var sampleRate: Int

  public init(samples: [Float], sampleRate: Int) {
    self.samples = samples
    self.sampleRate = sampleRate
  }

  /// Reads a RIFF/WAVE file: mono, PCM 16-bit or IEEE float 32-bit (plain or extensible format).
  public init(contentsOf url: URL) throws {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DatasetError.ioFailed(path: url.path, reason: "cannot read the file")
    }
    try self.init(data: data, name: url.path)
  }

  /// Parses the bytes of a WAV file; `name` is used in error messages.
  public init(data: Data, name: String) throws {
    let bytes = [UInt8](data)
    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    func tag(_ at: Int) -> String { String(decoding: bytes[at..<at + 4], as: UTF8.self) }

    guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else {
      throw DatasetError.unsupportedWAV(file: name, found: "no RIFF/WAVE header")
    }
    var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
    var position = 12
    while position + 8 <= bytes.count {
      let chunk = tag(position)
      let size = u32(position + 4)
      let body = position + 8
      let remaining = bytes.count - body
      if chunk == "fmt " {
        guard size >= 16, remaining >= 16 else {
          throw DatasetError.damagedWAV(file: name, reason: "the fmt chunk has \(min(size, remaining)) bytes, at least 16 expected")
        }
        var formatTag = u16(body)
        if formatTag == 0xFFFE, size >= 40, remaining >= 40 {
          formatTag = u16(body + 24)  // the first two bytes of the extensible format's sub-format GUID
        }
        format = (formatTag, u16(body + 2), u32(body + 4), u16(body + 14))
      } else if chunk == "data" {
        guard let format else {
          throw DatasetError.damagedWAV(file: name, reason: "the data chunk comes before any fmt chunk")
        }
        try Self.check(format, name: name)
        guard size <= remaining else {
          throw DatasetError.damagedWAV(file: name, reason: "the data chunk declares \(size) bytes but only \(remaining) follow")
        }
        sampleRate = format.rate
        samples = Self.decode(bytes[body..<body + size], floatingPoint: format.tag == 3)
        return
      }
      position = body + size + (size & 1)
    }
    throw DatasetError.damagedWAV(file: name, reason: format == nil ? "no fmt chunk" : "no data chunk")
  }

  private static func check(_ format: (tag: Int, channels: Int, rate: Int, bits: Int), name: String) throws {
    let kinds = [1: "PCM", 3: "IEEE float", 6: "A-law", 7: "mu-law"]
    let kind = kinds[format.tag] ?? String(format: "format tag 0x%04X", format.tag)
    guard format.channels == 1 else {
      throw DatasetError.unsupportedWAV(file: name, found: "\(format.channels) channels")
    }
    guard (format.tag == 1 && format.bits == 16) || (format.tag == 3 && format.bits == 32) else {
      throw DatasetError.unsupportedWAV(file: name, found: "\(kind) \(format.bits)-bit")
    }
    guard format.rate == 8000 || format.rate == 16000 else {
      throw DatasetError.unsupportedWAV(file: name, found: "a sample rate of \(format.rate) Hz")
    }
  }

  private static func decode(_ payload: ArraySlice<UInt8>, floatingPoint: Bool) -> [Float] {
    payload.withUnsafeBytes { raw in
      if floatingPoint {
        return (0..<raw.count / 4).map {
          Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
        }
      }
      return (0..<raw.count / 2).map {
        Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self))) / 32768
      }
    }
  }
}
