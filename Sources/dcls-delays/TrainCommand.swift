import Datasets
import Foundation
import Reports
import SpikingNetwork

/// `dcls-delays train`: trains one network on prepared frames outside any pipeline, saving the
/// checkpoint, optimiser state and metrics into the output folder after every epoch and resuming
/// from it when it already contains a complete save.
let trainCommand = Command(usage: """
  train --frames DIR --output DIR [--variant none|fixed|learned] [--layers L] [--hidden H]
               [--taps K] [--delays n] [--dropout P] [--tau-ms MS] [--epochs E] [--batch B] [--seed S]
               train one network on a prepared frames folder (DIR/train, DIR/test, optional DIR/valid);
               the defaults are the paper's SHD settings (2 x 256, 25 taps, n 1, dropout 0.4,
               tau 10.05 ms, 150 epochs, batch 256, seed 0, learned delays)
  """) { arguments in
  let frames = URL(fileURLWithPath: try arguments.required("frames"), isDirectory: true)
  let output = URL(fileURLWithPath: try arguments.required("output"), isDirectory: true)
  let variantName = arguments.string("variant") ?? "learned"
  guard let variant = DelayVariant(rawValue: variantName) else {
    throw UsageError(message: "--variant expects none, fixed or learned, got '\(variantName)'.")
  }
  let layers = try arguments.integer("layers", default: 2)
  let hidden = try arguments.integer("hidden", default: 256)
  let taps = try arguments.integer("taps", default: 25)
  let delays = try arguments.integer("delays", default: 1)
  let dropout = try arguments.number("dropout", default: 0.4)
  let tauMs = try arguments.number("tau-ms", default: 10.05)
  let epochs = try arguments.integer("epochs", default: 150)
  let batch = try arguments.integer("batch", default: 256)
  let seed = try arguments.integer("seed", default: 0)
  try arguments.rejectUnknown()
  try arguments.rejectPositional()
  for (name, value) in [("layers", layers), ("hidden", hidden), ("delays", delays), ("epochs", epochs), ("batch", batch)] where value <= 0 {
    throw UsageError(message: "--\(name) must be positive, got \(value).")
  }
  guard seed >= 0 else { throw UsageError(message: "--seed must be non-negative, got \(seed).") }
  guard taps > 0, taps % 2 == 1 else { throw UsageError(message: "--taps must be a positive odd number, got \(taps).") }
  guard (0..<1).contains(dropout) else { throw UsageError(message: "--dropout must be in [0, 1), got \(dropout).") }
  guard tauMs > 10 else { throw UsageError(message: "--tau-ms must exceed the 10 ms time step, got \(tauMs).") }

  var isFolder: ObjCBool = false
  if FileManager.default.fileExists(atPath: output.path, isDirectory: &isFolder), !isFolder.boolValue {
    throw UsageError(message: "--output \(output.path) is a file; give a folder (new, or one a previous train run wrote).")
  }
  // A frames folder contains one folder per split; a split folder or another folder is a mistake
  // of the path, not a damaged frames folder.
  guard FileManager.default.fileExists(atPath: frames.appendingPathComponent("train").path) else {
    throw UsageError(message: "--frames \(frames.path): train/ not found; give the folder that contains train/ and test/, "
      + "such as CACHE/frames/fsdd-mel after 'dcls-delays data prepare fsdd'.")
  }
  let train = try FrameSplit(folder: frames.appendingPathComponent("train"))
  let test = try FrameSplit(folder: frames.appendingPathComponent("test"))
  let validFolder = frames.appendingPathComponent("valid")
  let valid = FileManager.default.fileExists(atPath: validFolder.path) ? try FrameSplit(folder: validFolder) : nil
  let config = NetworkConfig(variant: variant, inputs: train.channels, hidden: hidden, hiddenLayers: layers,
                             outputs: train.classCount, taps: taps, delaysPerSynapse: delays,
                             tau: (tauMs + 1e-9) / 10, dropout: dropout)
  let settings = TrainingSettings(epochs: epochs, batchSize: batch, seed: UInt64(seed))
  var trainer = try Trainer.resume(from: output, config: config, settings: settings) ?? Trainer(config: config, settings: settings)
  print("""
    train: \(variant == .none ? "no" : variant.rawValue) delays, \(layers) x \(hidden), \(config.inputs) inputs, \(config.outputs) classes, \
    taps \(taps), n \(delays), tau \(tauMs) ms, dropout \(dropout)
           \(trainer.network.parameterCount) parameters; \(train.count) training, \(test.count) test\
    \(valid.map { ", \($0.count) validation" } ?? "") samples; epochs \(epochs), batch \(batch), seed \(seed)
    """)
  if trainer.epochsDone > 0 { print("train: resuming after epoch \(trainer.epochsDone) from \(output.path)") }
  // run.json makes the output folder a run that `dcls-delays report` can read.
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let runSettings = RunSettings(
    dataset: train.info.dataset, input: InputKind(rawValue: train.info.preprocessing) ?? .mel, seed: UInt64(seed),
    network: config, epochsPlanned: epochs, hasValidationSplit: valid != nil)
  let encoder = JSONEncoder.sorted
  encoder.outputFormatting.insert(.prettyPrinted)
  try encoder.encode(runSettings).write(to: output.appendingPathComponent("run.json"), options: .atomic)
  while trainer.epochsDone < epochs {
    trainer.runEpoch(train: FrameBatches(train), valid: valid.map(FrameBatches.init), test: FrameBatches(test)) { print($0) }
    try trainer.save(to: output)
  }
  print("train: wrote \(output.appendingPathComponent(Trainer.checkpointFile).path)")
}
