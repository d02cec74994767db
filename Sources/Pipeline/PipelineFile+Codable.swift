import Foundation
import SpikingNetwork

// Strict decoding of pipeline files through `SchemaNode`, and encoding of their resolved form.

extension PipelineFile: Codable {
  static let keys = ["name", "description", "datasets", "variants", "seeds", "report"]

  /// Decodes strictly; a schema violation surfaces as `SchemaViolation` with its JSON path.
  /// `PipelineFile.decode(_:file:)` adds the file name to it.
  public init(from decoder: Decoder) throws {
    try self.init(node: SchemaNode(decoder: decoder))
  }

  init(node: SchemaNode) throws {
    let object = try node.object(allowedKeys: Self.keys)

    let nameNode = try object.required("name")
    name = try nameNode.string()
    let allowedCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    if name.isEmpty || name.hasPrefix(".") || !name.allSatisfy(allowedCharacters.contains) {
      throw nameNode.violation("expected a name of letters, digits, '.', '_' or '-' that does not start with '.', found \(nameNode.found).")
    }
    description = try object.optional("description")?.string() ?? ""

    variants = []
    for element in try object.required("variants").nonEmptyList() {
      let variant = try element.choice(DelayVariant.self, "variant")
      if variants.contains(variant) { throw element.violation("variant \"\(variant.rawValue)\" is listed twice.") }
      variants.append(variant)
    }

    seeds = []
    for element in try object.required("seeds").nonEmptyList() {
      let seed = try element.integer(atLeast: 0, "a non-negative integer")
      if seeds.contains(seed) { throw element.violation("seed \(seed) is listed twice.") }
      seeds.append(seed)
    }

    datasets = []
    var firstPath: [String: String] = [:]
    for element in try object.required("datasets").nonEmptyList() {
      let entry = try DatasetEntry(node: element, variants: variants)
      if let earlier = firstPath[entry.label] {
        throw element.violation("dataset \(entry.label) is already listed at \(earlier).")
      }
      firstPath[entry.label] = element.path
      datasets.append(entry)
    }

    report = try object.optional("report").map(ReportOptions.init(node:)) ?? ReportOptions()
  }

  enum CodingKeys: String, CodingKey {
    case name, description, datasets, variants, seeds, report
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(description, forKey: .description)
    try container.encode(datasets, forKey: .datasets)
    try container.encode(variants, forKey: .variants)
    try container.encode(seeds, forKey: .seeds)
    try container.encode(report, forKey: .report)
  }
}

extension DatasetEntry: Encodable {
  init(node: SchemaNode, variants: [DelayVariant]) throws {
    let object = try node.object(allowedKeys: ["name", "binning", "network", "variantOverrides"])
    name = try object.required("name").choice(DatasetName.self, "dataset")

    if let binningNode = object.optional("binning") {
      guard name.isSpiking else {
        throw binningNode.violation("binning applies only to the spike datasets shd and ssc; remove it for \(name.rawValue).")
      }
      binning = try binningNode.choice(Binning.self, "binning")
    } else {
      binning = name.isSpiking ? .legacy : nil
    }

    let defaults = name.defaultNetwork
    network = try object.optional("network").map { try NetworkSettings(node: $0, base: defaults) } ?? defaults

    variantOverrides = [:]
    if let overridesNode = object.optional("variantOverrides") {
      let overrides = try overridesNode.object(allowedKeys: DelayVariant.allCases.map(\.rawValue))
      for key in overrides.members.keys.sorted() {
        let overrideNode = try overrides.required(key)
        let variant = DelayVariant(rawValue: key)!
        guard variants.contains(variant) else {
          throw overrideNode.violation("variant \"\(key)\" is not listed in $.variants; add it there or remove this override.")
        }
        variantOverrides[variant] = try NetworkSettings(node: overrideNode, base: network)
      }
    }
  }

  enum CodingKeys: String, CodingKey {
    case name, binning, network, variantOverrides
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encodeIfPresent(binning, forKey: .binning)
    try container.encode(network, forKey: .network)
    if !variantOverrides.isEmpty {
      let byName = Dictionary(uniqueKeysWithValues: variantOverrides.map { ($0.key.rawValue, $0.value) })
      try container.encode(byName, forKey: .variantOverrides)
    }
  }
}

extension NetworkSettings {
  static let keys = [
    "hiddenLayers", "hidden", "taps", "delaysPerSynapse", "dropout", "tauMs", "timeStepMs",
    "batchSize", "epochs", "learningRate", "weightDecay", "maxLearningRate",
    "positionLearningRateFactor", "sigmaSchedule",
  ]

  /// Reads the settings of `node`, taking each absent setting from `base`.
  init(node: SchemaNode, base: NetworkSettings) throws {
    let object = try node.object(allowedKeys: Self.keys)
    self = base
    let positive = "a positive integer"
    if let value = object.optional("hiddenLayers") { hiddenLayers = try value.integer(atLeast: 1, positive) }
    if let value = object.optional("hidden") { hidden = try value.integer(atLeast: 1, positive) }
    if let value = object.optional("taps") {
      taps = try value.integer(atLeast: 1, "an odd positive integer")
      if taps % 2 == 0 { throw value.violation("expected an odd positive integer, found \(taps).") }
    }
    if let value = object.optional("delaysPerSynapse") { delaysPerSynapse = try value.integer(atLeast: 1, positive) }
    if let value = object.optional("dropout") {
      dropout = try value.number("a probability in [0, 1)") { $0 >= 0 && $0 < 1 }
    }
    if let value = object.optional("tauMs") { tauMs = try value.number("a number above 0") { $0 > 0 } }
    if let value = object.optional("timeStepMs") {
      timeStepMs = try value.number("10, the frame step of every preprocessing mode") { $0 == 10 }
    }
    if let value = object.optional("batchSize") { batchSize = try value.integer(atLeast: 1, positive) }
    if let value = object.optional("epochs") { epochs = try value.integer(atLeast: 1, positive) }
    if let value = object.optional("learningRate") { learningRate = try value.number("a number above 0") { $0 > 0 } }
    if let value = object.optional("weightDecay") { weightDecay = try value.number("a number of at least 0") { $0 >= 0 } }
    if let value = object.optional("maxLearningRate") {
      maxLearningRate = try value.number("a number above 0") { $0 > 0 }
    }
    if let value = object.optional("positionLearningRateFactor") {
      positionLearningRateFactor = try value.number("a number of at least 0") { $0 >= 0 }
    }
    if let value = object.optional("sigmaSchedule") {
      sigmaSchedule = try SigmaScheduleSettings(node: value, base: base.sigmaSchedule)
    }
  }
}

extension SigmaScheduleSettings {
  init(node: SchemaNode, base: SigmaScheduleSettings) throws {
    let object = try node.object(allowedKeys: ["final", "epochsDivisor"])
    self = base
    if let value = object.optional("final") { final = try value.number("a number above 0") { $0 > 0 } }
    if let value = object.optional("epochsDivisor") {
      epochsDivisor = try value.integer(atLeast: 1, "a positive integer")
    }
  }
}

extension ReportOptions {
  init(node: SchemaNode) throws {
    let object = try node.object(allowedKeys: ["title", "figureTitles"])
    title = try object.optional("title")?.string()
    figureTitles = [:]
    if let titlesNode = object.optional("figureTitles") {
      let titles = try titlesNode.anyObject()
      for key in titles.members.keys.sorted() {
        figureTitles[key] = try titles.required(key).string()
      }
    }
  }
}
