import Foundation

/// The metadata key holding the network settings as JSON.
public let configMetadataKey = "dcls_delays.config"

extension Network {
  /// The reference's `state_dict` as safetensors tensors: synapse `weight` (and `P`, `SIG` for
  /// DCLS layers), batch-norm `weight`, `bias`, `running_mean`, `running_var` and
  /// `num_batches_tracked`, in module order. Values are stored as float32.
  public func stateDictionary() -> SafeTensors {
    var file = SafeTensors()
    let stride = config.batchNorm ? 4 : 3
    for layer in synapses.indices {
      switch synapses[layer] {
      case .dense(let dense):
        file.add(dense.weight.name, SafeTensors.Tensor(dense.weight.value.map(Float.init), shape: dense.weight.shape))
      case .delay(let delay):
        let index = layer * stride
        file.add(delay.weight.name, SafeTensors.Tensor(delay.weight.value.map(Float.init), shape: delay.weight.shape))
        file.add(delay.position.name, SafeTensors.Tensor(delay.position.value.map(Float.init), shape: delay.position.shape))
        file.add("model.\(index).SIG", SafeTensors.Tensor([Float](repeating: Float(delay.sigma), count: delay.position.value.count),
                                                          shape: delay.position.shape))
      }
      if layer < norms.count {
        let norm = norms[layer]
        file.add(norm.scale.name, SafeTensors.Tensor(norm.scale.value.map(Float.init), shape: [norm.channels]))
        file.add(norm.shift.name, SafeTensors.Tensor(norm.shift.value.map(Float.init), shape: [norm.channels]))
        file.add("\(norm.name).running_mean", SafeTensors.Tensor(norm.runningMean.map(Float.init), shape: [norm.channels]))
        file.add("\(norm.name).running_var", SafeTensors.Tensor(norm.runningVariance.map(Float.init), shape: [norm.channels]))
        file.add("\(norm.name).num_batches_tracked", SafeTensors.Tensor([norm.batchesTracked], shape: []))
      }
    }
    if let json = try? JSONEncoder.sorted.encode(config), let text = String(data: json, encoding: .utf8) {
      file.metadata[configMetadataKey] = text
    }
    return file
  }

  /// Loads every tensor of the state dictionary from `file`, named with `prefix` (e.g. `init.`),
  /// checking names and shapes. `path` names the file in errors.
  public mutating func load(_ file: SafeTensors, prefix: String = "", path: String) throws {
    func read(_ name: String, shape: [Int]) throws -> [R] {
      let tensor = try file.tensor(prefix + name, path: path)
      guard tensor.shape == shape else {
        throw CheckpointError.wrongShape(path: path, name: prefix + name, expected: shape, found: tensor.shape)
      }
      return tensor.values(as: R.self)
    }
    let stride = config.batchNorm ? 4 : 3
    for layer in synapses.indices {
      switch synapses[layer] {
      case .dense(var dense):
        dense.weight.value = try read(dense.weight.name, shape: dense.weight.shape)
        synapses[layer] = .dense(dense)
      case .delay(var delay):
        delay.weight.value = try read(delay.weight.name, shape: delay.weight.shape)
        delay.position.value = try read(delay.position.name, shape: delay.position.shape)
        let sigmas = try read("model.\(layer * stride).SIG", shape: delay.position.shape)
        delay.sigma = sigmas.first ?? 0
        synapses[layer] = .delay(delay)
      }
      if layer < norms.count {
        let name = norms[layer].name
        let H = norms[layer].channels
        norms[layer].scale.value = try read("\(name).weight", shape: [H])
        norms[layer].shift.value = try read("\(name).bias", shape: [H])
        norms[layer].runningMean = try read("\(name).running_mean", shape: [H])
        norms[layer].runningVariance = try read("\(name).running_var", shape: [H])
        let tracked = try file.tensor(prefix + "\(name).num_batches_tracked", path: path)
        norms[layer].batchesTracked = Int64(tracked.doubles.first ?? 0)
      }
    }
  }

  /// Reads the network settings from a checkpoint's metadata.
  public static func config(of file: SafeTensors, path: String) throws -> NetworkConfig {
    guard let text = file.metadata[configMetadataKey] else {
      throw CheckpointError.notACheckpoint(path: path)
    }
    do {
      return try JSONDecoder().decode(NetworkConfig.self, from: Data(text.utf8))
    } catch {
      throw CheckpointError.malformed(path: path, reason: "metadata '\(configMetadataKey)' is not a valid network config (\(error))")
    }
  }
}

extension JSONEncoder {
  /// An encoder with sorted keys, for files that are compared or hashed.
  public static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}
