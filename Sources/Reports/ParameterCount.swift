import SpikingNetwork

/// Counts the parameters of a network the way the paper (`PaperResult.citation`) counts them.
///
/// Each synapse layer contributes its weights, `outputs * inputs` for the dense `none` variant
/// and `outputs * inputs * n` for DCLS layers (n = `delaysPerSynapse`). DCLS layers add one
/// position per weight. Each hidden batch normalisation adds a weight and a bias per channel.
/// Sigma and the running statistics of batch normalisation are not counted.
///
/// With 140 inputs and batch normalisation this gives 214,016 for 2 x 256 hidden neurons, 20
/// outputs and n = 1 (SHD), and 1,409,024 and 2,458,624 for 2 x 512 and 3 x 512, 35 outputs and
/// n = 2 (SSC), the counts the paper publishes.
///
/// NOTE: The `fixed` variant counts its positions too, although they are never trained, so it
/// has the same count as `learned`. The paper states counts only for learned delays.
public func parameterCount(of network: NetworkConfig) -> Int {
  let synapseLayers = 1...(network.hiddenLayers + 1)
  let synapses = synapseLayers.reduce(0) { $0 + synapseCount(ofLayer: $1, in: network) }
  var count: Int
  switch network.variant {
  case .none:
    count = synapses
  case .fixed, .learned:
    // One weight and one position per pair, n pairs per synapse.
    count = 2 * synapses * network.delaysPerSynapse
  }
  if network.batchNorm {
    count += 2 * network.hidden * network.hiddenLayers
  }
  return count
}

/// Number of connections (input, output) of synapse layer `layer`, counted from 1 (inputs to
/// the first hidden layer) to `hiddenLayers + 1` (last hidden layer to the readout).
func synapseCount(ofLayer layer: Int, in network: NetworkConfig) -> Int {
  let inputs = layer == 1 ? network.inputs : network.hidden
  let outputs = layer == network.hiddenLayers + 1 ? network.outputs : network.hidden
  return inputs * outputs
}
