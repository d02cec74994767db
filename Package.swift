// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Whether this machine's CPU has AVX2 and FMA. Release builds then target Haswell-class vector
/// units, so `SIMD16.addProduct` becomes fused vector instructions instead of calls to libm's
/// scalar `fmaf`. Set DCLS_DELAYS_PORTABLE=1 to build for any x86-64 CPU.
let hasVectorFMA: Bool = {
  guard ProcessInfo.processInfo.environment["DCLS_DELAYS_PORTABLE"] == nil,
        let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return false }
  let words = Set(flags.split(separator: " ").map(String.init))
  return words.contains("avx2") && words.contains("fma")
}()

/// Optimisation for the numeric modules: bounds checks stay in debug builds (tests), and release
/// builds (benchmarks, training) drop them.
let fastMath: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-wmo"] + (hasVectorFMA ? ["-target-cpu", "haswell"] : []), .when(configuration: .release))
]

let package = Package(
  name: "dcls-delays",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "dcls-delays", targets: ["dcls-delays"])
  ],
  targets: [
    .systemLibrary(name: "CArchive", path: "Sources/CArchive"),
    .systemLibrary(name: "CHDF5", path: "Sources/CHDF5"),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
    .systemLibrary(name: "CFFTW", path: "Sources/CFFTW"),
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
    .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
    .target(
      name: "CGnuplot",
      path: "Sources/CGnuplot",
      cxxSettings: [.unsafeFlags(["-std=c++17"])],
      linkerSettings: [
        .linkedLibrary("boost_iostreams"), .linkedLibrary("boost_filesystem"),
        .linkedLibrary("boost_system"), .linkedLibrary("stdc++"),
      ]),
    .target(
      name: "Datasets",
      dependencies: ["CArchive", "CHDF5", "CFFTW", "CCrypto"],
      swiftSettings: fastMath),
    .target(
      name: "SpikingNetwork",
      dependencies: ["CBLAS", "Datasets"],
      swiftSettings: fastMath),
    .target(
      name: "Reports",
      dependencies: ["CGnuplot", "SpikingNetwork"]),
    .target(
      name: "Pipeline",
      dependencies: ["Datasets", "SpikingNetwork", "Reports", "CCrypto"]),
    .executableTarget(
      name: "dcls-delays",
      dependencies: ["Pipeline", "Datasets", "SpikingNetwork", "Reports", "CMalloc"],
      swiftSettings: fastMath),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], resources: [.copy("Fixtures")]),
    .testTarget(name: "SpikingNetworkTests", dependencies: ["SpikingNetwork"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports"], resources: [.copy("Golden")]),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline"]),
    .testTarget(name: "ToolTests", dependencies: ["Pipeline"]),
  ],
  swiftLanguageModes: [.v5],
  cxxLanguageStandard: .cxx17
)
