import CCrypto
import Foundation

/// SHA-256 through libcrypto's EVP interface, for stage keys and output-file checksums.
final class SHA256Hasher {
  private let context: OpaquePointer

  init() {
    guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
    self.context = context
    precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "libcrypto rejected SHA-256 initialisation")
  }

  deinit { EVP_MD_CTX_free(context) }

  func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "libcrypto rejected a SHA-256 update")
  }

  func update(_ data: Data) {
    data.withUnsafeBytes { update($0) }
  }

  /// Finishes the digest and returns it as 64 lowercase hexadecimal digits.
  func finalHex() -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1, "libcrypto rejected SHA-256 finalisation")
    return digest.prefix(Int(length)).map { byte in
      (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }.joined()
  }

  /// Returns the SHA-256 of `text`'s UTF-8 bytes in hexadecimal.
  static func hex(of text: String) -> String {
    let hasher = SHA256Hasher()
    hasher.update(Data(text.utf8))
    return hasher.finalHex()
  }

  /// Returns the SHA-256 of the file at `url` in hexadecimal, reading it in 1 MiB blocks.
  static func hex(ofFileAt url: URL) throws -> String {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw PipelineError.storage(path: url.path, reason: "cannot open the file to compute its SHA-256: \(error.localizedDescription)")
    }
    defer { try? handle.close() }
    let hasher = SHA256Hasher()
    while true {
      let block: Data?
      do {
        block = try handle.read(upToCount: 1 << 20)
      } catch {
        throw PipelineError.storage(path: url.path, reason: "read failed while computing its SHA-256: \(error.localizedDescription)")
      }
      guard let block, !block.isEmpty else { break }
      hasher.update(block)
    }
    return hasher.finalHex()
  }
}
