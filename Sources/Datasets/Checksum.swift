import CCrypto
import Foundation

/// Computes file digests with libcrypto's EVP interface, reading 1 MiB at a time.
public enum Checksum {
  /// Returns the lowercase hexadecimal digest of the file at `url`.
  public static func digest(of url: URL, algorithm: DigestAlgorithm) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
      throw DatasetError.ioFailed(path: url.path, reason: "cannot open the file for reading")
    }
    defer { try? handle.close() }
    guard let context = EVP_MD_CTX_new() else {
      throw DatasetError.ioFailed(path: url.path, reason: "EVP_MD_CTX_new failed")
    }
    defer { EVP_MD_CTX_free(context) }
    let method = algorithm == .md5 ? EVP_md5() : EVP_sha256()
    guard EVP_DigestInit_ex(context, method, nil) == 1 else {
      throw DatasetError.ioFailed(path: url.path, reason: "EVP_DigestInit_ex failed for \(algorithm.rawValue)")
    }
    while true {
      let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
      if chunk.isEmpty { break }
      let status = chunk.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
      guard status == 1 else {
        throw DatasetError.ioFailed(path: url.path, reason: "EVP_DigestUpdate failed")
      }
    }
    var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &bytes, &length) == 1 else {
      throw DatasetError.ioFailed(path: url.path, reason: "EVP_DigestFinal_ex failed")
    }
    return bytes[..<Int(length)].map { String(format: "%02x", $0) }.joined()
  }

  /// Returns the lowercase hexadecimal digest of `data`.
  public static func digest(of data: Data, algorithm: DigestAlgorithm) -> String {
    let context = EVP_MD_CTX_new()!
    defer { EVP_MD_CTX_free(context) }
    EVP_DigestInit_ex(context, algorithm == .md5 ? EVP_md5() : EVP_sha256(), nil)
    data.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &bytes, &length)
    return bytes[..<Int(length)].map { String(format: "%02x", $0) }.joined()
  }
}
