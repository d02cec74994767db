import Foundation

/// Errors of `runInference` about its input files.
public enum InferenceError: ReportableError {
  case unreadableArray(path: String, reason: String)
  case missingFile(path: String)
  case missingFolder(path: String)
  case wrongInputShape(path: String, found: [Int], inputs: Int)
  case wrongInputType(path: String, found: String)
  case emptyInput(path: String)
  case nonFiniteInput(path: String, index: Int)
  case wrongLabels(path: String, found: [Int], batch: Int)
  case wrongLabelType(path: String, found: String)
  case labelOutOfRange(path: String, index: Int, label: Int, classes: Int)
  case gradientsNeedTraining

  public var isInputError: Bool { true }

  public var description: String {
    switch self {
    case .unreadableArray(let path, let reason):
      return "cannot read \(path) as a NumPy array: \(reason). Save it with numpy.save as float32 or float64 (input) or int64 (labels), in C order."
    case .missingFile(let path):
      return "\(path) does not exist. Check the path."
    case .missingFolder(let path):
      return "cannot write \(path): the folder \((path as NSString).deletingLastPathComponent) does not exist. Create it or choose another path."
    case .wrongInputShape(let path, let found, let inputs):
      return "\(path) has shape \(found); expected (time, batch, \(inputs)) for this checkpoint's \(inputs) inputs."
    case .wrongInputType(let path, let found):
      return "\(path) contains \(found) values; expected float32 or float64. Convert it with x.astype(numpy.float32)."
    case .emptyInput(let path):
      return "\(path) has no time steps or no samples; expected at least one of each."
    case .nonFiniteInput(let path, let index):
      return "\(path) contains a NaN or infinite value at flat index \(index); the network needs finite input."
    case .wrongLabels(let path, let found, let batch):
      return "\(path) has shape \(found); expected (\(batch),), one label per sample of the input."
    case .wrongLabelType(let path, let found):
      return "\(path) contains \(found) values; expected int64 labels. Convert them with y.astype(numpy.int64)."
    case .labelOutOfRange(let path, let index, let label, let classes):
      return "\(path): label \(label) of sample \(index) is outside the checkpoint's classes 0 to \(classes - 1)."
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
  for url in [outputURL, gradientsURL].compactMap({ $0 }) {
    var isFolder: ObjCBool = false
    let folder = url.deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      throw InferenceError.missingFolder(path: url.path)
    }
  }
  let checkpoint = try SafeTensors.read(checkpointURL)
  let config = try Network<Float>.config(of: checkpoint, path: checkpointURL.path)
  var network = Network<Float>(config: config)
  try network.load(checkpoint, path: checkpointURL.path)

  let input = try mapArray(inputURL)
  guard input.element == .float32 || input.element == .float64 else {
    throw InferenceError.wrongInputType(path: inputURL.path, found: input.element.numpyName)
  }
  guard input.shape.count == 3, input.shape[2] == config.inputs else {
    throw InferenceError.wrongInputShape(path: inputURL.path, found: input.shape, inputs: config.inputs)
  }
  let (T, B) = (input.shape[0], input.shape[1])
  guard T > 0, B > 0 else { throw InferenceError.emptyInput(path: inputURL.path) }
  let values = input.doubles()
  if let index = values.firstIndex(where: { !$0.isFinite }) {
    throw InferenceError.nonFiniteInput(path: inputURL.path, index: index)
  }
  var labels: [Int]?
  if let labelsURL {
    let file = try mapArray(labelsURL)
    guard file.element == .int64 else { throw InferenceError.wrongLabelType(path: labelsURL.path, found: file.element.numpyName) }
    guard file.shape == [B] else { throw InferenceError.wrongLabels(path: labelsURL.path, found: file.shape, batch: B) }
    let values = file.integers()
    if let index = values.firstIndex(where: { !(0..<config.outputs).contains($0) }) {
      throw InferenceError.labelOutOfRange(path: labelsURL.path, index: index, label: values[index], classes: config.outputs)
    }
    labels = values
  }

  var generator = SeededGenerator(seed: seed, stream: "dropout")
  let pass = network.forward(values.map(Float.init), steps: T, batch: B, mode: mode, generator: &generator)
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

/// Maps a user's `.npy` file, turning the frames reader's errors into ones about this file.
private func mapArray(_ url: URL) throws -> MappedNpy {
  guard FileManager.default.fileExists(atPath: url.path) else {
    throw InferenceError.missingFile(path: url.path)
  }
  do {
    return try MappedNpy(url)
  } catch let error as DatasetError {
    if case .invalidFrames(_, let reason) = error {
      // The frames reader starts its reason with the file name, which this message already has.
      let name = url.lastPathComponent + ": "
      throw InferenceError.unreadableArray(path: url.path, reason: reason.hasPrefix(name) ? String(reason.dropFirst(name.count)) : reason)
    }
    throw error
  }
}
