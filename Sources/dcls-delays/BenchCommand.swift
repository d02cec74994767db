import Datasets
import Foundation
import SpikingNetwork

/// `dcls-delays bench [--repeats N] [--only shd|ssc] [--threads N] [--variant V] [--skip-data]`: times the data
/// preparation, then the engine on the paper's network sizes, and prints medians, the achieved
/// rate against the machine's matrix product rate, and the peak memory.
let benchCommand = Command(usage: """
  bench [--repeats N] [--only SHD|SSC] [--threads N] [--variant none|fixed|learned] [--skip-data]
               time data preparation, then training and evaluation batches of the paper's networks
  """,
                           run: { arguments in
  let repeats = try arguments.integer("repeats", default: 5)
  let only = arguments.string("only")?.uppercased()
  let threads = try arguments.integer("threads", default: ProcessInfo.processInfo.activeProcessorCount)
  let skipData = arguments.flag("skip-data")
  let variants = try (arguments.string("variant").map { [$0] } ?? ["learned", "fixed", "none"]).map { name -> DelayVariant in
    guard let variant = DelayVariant(rawValue: name) else {
      throw UsageError(message: "--variant expects none, fixed or learned, got '\(name)'.")
    }
    return variant
  }
  try arguments.rejectUnknown()
  try arguments.rejectPositional()
  guard repeats > 0 else { throw UsageError(message: "--repeats must be positive, got \(repeats).") }
  guard threads > 0 else { throw UsageError(message: "--threads must be positive, got \(threads).") }
  if let only, only != "SHD", only != "SSC" {
    throw UsageError(message: "--only expects SHD or SSC, got '\(only)'.")
  }
  setBLASThreads(threads)
  if !skipData {
    print("data preparation benchmark:")
    for line in try DatasetBenchmarks.run() { print("  \(line)") }
    print("")
  }
  let rate = EngineBenchmark.sgemmRate()
  // OpenBLAS picks its kernels by the processor unless OPENBLAS_CORETYPE names them.
  let kernelSource = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { _ in " (chosen by OPENBLAS_CORETYPE)" } ?? ""
  print("engine benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS kernel \(blasCoreName())\(kernelSource), \(threads) BLAS threads")
  print(String(format: "measured SGEMM rate (2048^3): %.1f GFLOP/s", rate))
  print("median of \(repeats) \(repeats == 1 ? "run" : "runs") after one warm-up; GFLOP/s counts the products the variant's path computes")
  print("")
  print("| network | variant | train s/batch | train GFLOP/s | eval s/batch | eval GFLOP/s | eval s/batch, silent runs skipped | hidden spikes |")
  print("|---|---|---:|---:|---:|---:|---:|---:|")
  for variant in variants {
    for testCase in EngineBenchmark.paperCases(variant: variant) where only == nil || only == testCase.name {
      let result = EngineBenchmark.run(testCase, repeats: repeats)
      let skipping = result.skippingEvalSeconds.map { String(format: "%.3f", $0) } ?? "-"
      print(String(format: "| %@ | %@ | %.3f | %.1f | %.3f | %.1f | %@ | %.2f%% |", testCase.name, variant.rawValue,
                   result.trainSeconds, result.trainGFLOPs, result.evalSeconds, result.evalGFLOPs, skipping,
                   100 * result.hiddenSpikeDensity))
    }
  }
  print("""

    eval s/batch computes every product. For delay models, dcls-delays leaves out the input
    channels that are zero over a run of 16 to 64 steps; the output is bit-identical, and 'silent
    runs skipped' times that path. That time depends on the activity. 'hidden spikes' is the
    fraction of hidden-neuron steps that spike (first 16 samples) in the evaluated network, taken
    after one training batch. It fires far less than a trained network, so that column is close to
    a best case. The no-delay variant has no such path ('-').
    """)
  print(String(format: "\npeak memory: %.0f MiB", EngineBenchmark.peakMemoryMiB()))
}, switches: ["skip-data"])
