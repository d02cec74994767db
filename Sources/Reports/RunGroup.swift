import SpikingNetwork

/// The network and data a set of runs shares; runs that differ only in the seed (and variant)
/// share a key.
public struct NetworkKey: Hashable, Comparable, Sendable {
  public var dataset: String
  public var input: InputKind
  public var hiddenLayers: Int
  public var hidden: Int
  public var delaysPerSynapse: Int
  public var taps: Int

  init(_ settings: RunSettings) {
    dataset = settings.dataset
    input = settings.input
    hiddenLayers = settings.network.hiddenLayers
    hidden = settings.network.hidden
    delaysPerSynapse = settings.network.delaysPerSynapse
    taps = settings.network.taps
  }

  /// Short name of the network, for example "2x256, n=1, K=25".
  public var networkLabel: String {
    "\(hiddenLayers)x\(hidden), n=\(delaysPerSynapse), K=\(taps)"
  }

  /// File-name-safe identifier, for example "shd-legacy-2x256-n1-k25".
  public var slug: String {
    "\(dataset)-\(input.rawValue)-\(hiddenLayers)x\(hidden)-n\(delaysPerSynapse)-k\(taps)"
      .map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.reduce(into: "") { $0.append($1) }
  }

  public static func < (left: NetworkKey, right: NetworkKey) -> Bool {
    let leftOrder = (datasetRank(left.dataset), left.dataset, left.input.rawValue, left.hiddenLayers, left.hidden)
    let rightOrder = (datasetRank(right.dataset), right.dataset, right.input.rawValue, right.hiddenLayers, right.hidden)
    if leftOrder != rightOrder { return leftOrder < rightOrder }
    return (left.delaysPerSynapse, left.taps) < (right.delaysPerSynapse, right.taps)
  }
}

/// Position of a dataset in the report: the paper's order, then the others by name.
func datasetRank(_ dataset: String) -> Int {
  ["shd", "ssc", "gsc", "fsdd"].firstIndex(of: dataset) ?? 4
}

/// Position of a variant in tables and legends: the ablation's order.
func variantRank(_ variant: DelayVariant) -> Int {
  DelayVariant.allCases.firstIndex(of: variant) ?? 0
}

/// Human-readable variant name.
public func variantTitle(_ variant: DelayVariant) -> String {
  switch variant {
  case .none: return "no delay"
  case .fixed: return "fixed random delays"
  case .learned: return "learned delays"
  }
}

/// The runs of one network and variant over all seeds, with their selected accuracies.
public struct RunGroup: Sendable {
  public var key: NetworkKey
  public var variant: DelayVariant
  /// All runs of the group, finished or not, sorted by seed.
  public var runs: [RunRecord]
  /// Selected epoch of each run with at least one finished epoch, in the order of `runs`.
  public var selections: [(run: RunRecord, selection: Selection)]
  /// The matching published result, when the paper has one for this network.
  public var paper: PaperResult?

  /// Runs that finished at least one epoch.
  public var startedRuns: [RunRecord] { runs.filter { !$0.metrics.isEmpty } }
  /// Runs that finished every planned epoch.
  public var completeRuns: [RunRecord] { runs.filter(\.isComplete) }
  /// Selected test accuracies (fractions), one per started run.
  public var selectedAccuracies: [Double] { selections.map(\.selection.testAccuracy) }
  /// Test accuracies (fractions) at each started run's last finished epoch.
  public var lastAccuracies: [Double] { startedRuns.compactMap { $0.metrics.last?.testAccuracy } }
  public var parameterCount: Int { Reports.parameterCount(of: runs[0].settings.network) }
  /// Mean wall time of one epoch's training over all finished epochs of all runs, in seconds.
  public var trainSecondsPerEpoch: Double? { mean(startedRuns.flatMap { $0.metrics.map(\.trainSeconds) }) }
  public var rule: SelectionRule { runs[0].settings.hasValidationSplit ? .bestValidation : .bestTest }
  public var epochsPlanned: Int { runs.map(\.settings.epochsPlanned).max() ?? 0 }
}

/// Groups runs by network and variant, in report order (dataset, network, variant).
public func groupRuns(_ runs: [RunRecord], paperResults: [PaperResult]) -> [RunGroup] {
  var byKey: [NetworkKey: [DelayVariant: [RunRecord]]] = [:]
  for run in runs {
    byKey[NetworkKey(run.settings), default: [:]][run.settings.variant, default: []].append(run)
  }
  var groups: [RunGroup] = []
  for key in byKey.keys.sorted() {
    let variants = byKey[key]!
    for variant in variants.keys.sorted(by: { variantRank($0) < variantRank($1) }) {
      let members = variants[variant]!.sorted { ($0.settings.seed, $0.name) < ($1.settings.seed, $1.name) }
      let selections = members.compactMap { run -> (run: RunRecord, selection: Selection)? in
        guard let chosen = selectEpoch(in: run.metrics, hasValidationSplit: run.settings.hasValidationSplit) else { return nil }
        return (run, chosen)
      }
      let paper = paperResults.first { $0.matches(dataset: key.dataset, network: members[0].settings.network) }
      groups.append(RunGroup(key: key, variant: variant, runs: members, selections: selections, paper: paper))
    }
  }
  return groups
}
