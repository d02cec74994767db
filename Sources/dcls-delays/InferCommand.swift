import Foundation
import SpikingNetwork

/// `dcls-delays infer`: runs a checkpoint on given input, for checks against PyTorch.
let inferCommand = Command(usage: """
  infer --checkpoint NET.safetensors --input X.npy --output Y.npy [--mode eval|train] [--seed N]
               [--labels L.npy [--gradients G.safetensors]]
               run a checkpoint on (time, batch, inputs) input and write the readout membrane
  """) { arguments in
  let checkpoint = URL(fileURLWithPath: try arguments.required("checkpoint"))
  let input = URL(fileURLWithPath: try arguments.required("input"))
  let output = URL(fileURLWithPath: try arguments.required("output"))
  let modeName = arguments.string("mode") ?? "eval"
  let seed = try arguments.integer("seed", default: 0)
  guard seed >= 0 else { throw UsageError(message: "--seed must be non-negative, got \(seed).") }
  let labels = arguments.string("labels").map { URL(fileURLWithPath: $0) }
  let gradients = arguments.string("gradients").map { URL(fileURLWithPath: $0) }
  try arguments.rejectUnknown()
  try arguments.rejectPositional()
  let mode: ForwardMode
  switch modeName {
  case "eval": mode = .evaluation
  case "train": mode = .training
  default: throw UsageError(message: "--mode expects eval or train, got '\(modeName)'.")
  }
  if gradients != nil && labels == nil {
    throw UsageError(message: "--gradients needs --labels, since the gradient is that of the loss.")
  }
  let result = try runInference(checkpoint: checkpoint, input: input, output: output, mode: mode,
                                seed: UInt64(truncatingIfNeeded: seed), labels: labels, gradients: gradients)
  print("wrote \(output.path): readout membrane \(result.outputShape)")
  if let loss = result.loss, let accuracy = result.accuracy {
    print(String(format: "loss %.6f  accuracy %.4f", loss, accuracy))
  }
  if let gradients { print("wrote \(gradients.path)") }
}
