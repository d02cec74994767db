import Foundation

/// Errors of `runInference` about its input files.
public enum InferenceError: ReportableError {
  case wrongInputShape(path: String, found: [Int], inputs: Int)
  case wrongLabels(path: String, found: [Int], batch: Int, classes: Int)
  case gradientsNeedTraining

  public var isInputError: Bool { true }

  public var description: String {
    switch self {
    case .wrongInputShape(let path, let found, let inputs):
      return "\(path) has shape \(found); expected (time, batch, \(inputs)) float32 or float64 for this checkpoint's \(inputs) inputs."
    case .wrongLabels(let path, let found, let batch, let classes):
      return "\(path) has shape \(found); expected (\(batch),) int64 labels in 0..<\(classes)."
    case .gradientsNeedTraining:
      return "--gradients differentiates the training-mode forward; add --mode train."
    }
  }
}

/// The output, loss and accuracy that `runInference` computed.
public struct InferenceResult {
  /// Readout membrane `(T_out, B, C)`.
  public var output: [Float]
  public var outputShape: [Int]
  /// Mean loss and per-sample accuracy, when labels were given.
  public var loss: Double?
  public var accuracy: Double?
}

/// Runs a checkpoint on `(T, B, I)` input: the reference's evaluation path, or the training-mode
/// forward with batch statistics and dropout drawn from `seed`. With `labels` it computes the
/// loss and accuracy; with `gradientsURL` (training mode only) it writes the gradient of every
/// trained parameter under the parameter's name.
public func runInference(
  checkpoint checkpointURL: URL, input inputURL: URL, output outputURL: URL, mode: ForwardMode, seed: UInt64,
  labels labelsURL: URL? = nil, gradients gradientsURL: URL? = nil
) throws -> InferenceResult {
  if gradientsURL != nil && mode != .training { throw InferenceError.gradientsNeedTraining }
  let checkpoint = try SafeTensors.read(checkpointURL)
  let config = try Network<Float>.config(of: checkpoint, path: checkpointURL.path)
  var network = Network<Float>(config: config)
  try network.load(checkpoint, path: checkpointURL.path)

  let input = try MappedNpy(inputURL)
  guard input.shape.count == 3, input.shape[2] == config.inputs, input.element == .float32 || input.element == .float64 else {
    throw InferenceError.wrongInputShape(path: inputURL.path, found: input.shape, inputs: config.inputs)
  }
  let (T, B) = (input.shape[0], input.shape[1])
  var labels: [Int]?
  if let labelsURL {
    let file = try MappedNpy(labelsURL)
    let values = file.element == .int64 ? file.integers() : []
    guard file.shape == [B], values.count == B, values.allSatisfy({ (0..<config.outputs).contains($0) }) else {
      throw InferenceError.wrongLabels(path: labelsURL.path, found: file.shape, batch: B, classes: config.outputs)
    }
    labels = values
  }

  var generator = SeededGenerator(seed: seed, stream: "dropout")
  let pass = network.forward(input.doubles().map(Float.init), steps: T, batch: B, mode: mode, generator: &generator)
  var result = InferenceResult(output: pass.output, outputShape: [pass.steps, B, config.outputs])
  try Npy.write(pass.output, shape: result.outputShape, to: outputURL)
  if let labels {
    let objective = SumOfSoftmaxLoss(output: pass.output, steps: pass.steps, batch: B, classes: config.outputs, labels: labels)
    result.loss = Double(objective.loss)
    result.accuracy = Double(objective.correct) / Double(B)
    if let gradientsURL {
      network.zeroGradients()
      network.backward(pass, outputGradient: objective.outputGradient())
      var file = SafeTensors()
      network.visitParameters { parameter, _ in
        file.add(parameter.name, SafeTensors.Tensor(parameter.gradient, shape: parameter.shape))
      }
      file.metadata[configMetadataKey] = checkpoint.metadata[configMetadataKey]
      try file.write(to: gradientsURL)
    }
  }
  return result
}
