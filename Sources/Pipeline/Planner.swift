import Foundation
import SpikingNetwork

/// The stages of a pipeline in an order where every stage comes after its inputs.
public struct Plan: Equatable, Sendable {
  /// Pipeline name; the results go to `results/<pipeline>/`.
  public var pipeline: String
  public var stages: [Stage]

  public init(pipeline: String, stages: [Stage]) {
    self.pipeline = pipeline
    self.stages = stages
  }

  public func stage(named name: String) -> Stage? {
    stages.first { $0.name == name }
  }

  /// Names of the stages that depend on `name` directly or through others, in plan order.
  public func dependents(of name: String) -> [String] {
    var affected: Set<String> = [name]
    var result: [String] = []
    for stage in stages where stage.inputs.contains(where: affected.contains) {
      affected.insert(stage.name)
      result.append(stage.name)
    }
    return result
  }

  /// Names of the stages that `name` needs directly or through others, with `name` itself.
  public func closure(of name: String) -> Set<String> {
    var needed: Set<String> = [name]
    for stage in stages.reversed() where needed.contains(stage.name) {
      needed.formUnion(stage.inputs)
    }
    return needed
  }
}

/// Turns a pipeline file into its stage graph. Pure: reads no file and runs nothing.
public enum Planner {
  /// Expands `pipeline` into its stages and orders them.
  ///
  /// For each dataset, with variants V and seeds S:
  ///
  ///     fetch/D -> unpack/D -> preprocess/L --+--> train/L/V/seedS --> evaluate/L/V/seedS --+
  ///                                           |                                            |
  ///                                           +------------------------------------------>-+
  ///                                        (evaluate reads the frames and the checkpoint)  |
  ///                                                                                        v
  ///                         report <--- every train and evaluate stage of every dataset ---+
  ///
  /// `D` is the dataset name (`shd`) and `L` its label with the binning (`shd-legacy`), so two
  /// binnings of one dataset share its fetch and unpack stages.
  public static func plan(_ pipeline: PipelineFile) throws -> Plan {
    Plan(pipeline: pipeline.name, stages: try order(stages(of: pipeline)))
  }

  /// Lists the stages of `pipeline` in expansion order. Each dataset contributes its fetch, unpack
  /// and preprocess stages, then a train and an evaluate stage per variant and seed. The report
  /// comes last.
  public static func stages(of pipeline: PipelineFile) -> [Stage] {
    var stages: [Stage] = []
    var fetched: Set<DatasetName> = []
    var reportInputs: [String] = []
    for entry in pipeline.datasets {
      let dataset = entry.name.rawValue
      if !fetched.contains(entry.name) {
        fetched.insert(entry.name)
        let parameters = encoded(DatasetParameters(dataset: entry.name))
        stages.append(Stage(name: "fetch/\(dataset)", kind: .fetch, parameters: parameters))
        stages.append(Stage(name: "unpack/\(dataset)", kind: .unpack, parameters: parameters, inputs: ["fetch/\(dataset)"]))
      }
      let preprocess = "preprocess/\(entry.label)"
      stages.append(Stage(
        name: preprocess, kind: .preprocess,
        parameters: encoded(PreprocessParameters(
          dataset: entry.name, binning: entry.binning, timeStepMs: entry.network.timeStepMs, subset: entry.subset)),
        inputs: ["unpack/\(dataset)"]))

      for variant in pipeline.variants {
        let network = pipeline.network(for: variant, on: entry)
        for seed in pipeline.seeds {
          let run = "\(entry.label)/\(variant.rawValue)/seed\(seed)"
          stages.append(Stage(
            name: "train/\(run)", kind: .train,
            parameters: encoded(TrainParameters(dataset: entry, variant: variant, seed: seed, network: network)),
            inputs: [preprocess]))
          stages.append(Stage(
            name: "evaluate/\(run)", kind: .evaluate,
            parameters: encoded(EvaluateParameters(
              dataset: entry.name, binning: entry.binning, variant: variant, seed: seed, split: .test)),
            inputs: ["train/\(run)", preprocess]))
          reportInputs += ["train/\(run)", "evaluate/\(run)"]
        }
      }
    }

    let presentation = ReportPresentation(
      pipeline: pipeline.name, description: pipeline.description,
      title: pipeline.report.title ?? pipeline.name, figureTitles: pipeline.report.figureTitles)
    stages.append(Stage(
      name: "report", kind: .report,
      parameters: encoded(ReportParameters(
        datasets: pipeline.datasets.map(\.label), variants: pipeline.variants, seeds: pipeline.seeds)),
      inputs: reportInputs, presentation: encoded(presentation), publishesResults: true))
    return stages
  }

  /// Orders `stages` so that each comes after all of its inputs, keeping the given order among
  /// stages that are free to go first (Kahn's algorithm, taking the earliest ready stage).
  ///
  /// For the graph below, given in any order with `a` to `e` listed alphabetically:
  ///
  ///     a --> b --> d
  ///     |           ^
  ///     +---> c ----+--> e
  ///
  /// the order is `a, b, c, d, e`. A cycle is an error that lists the stages on it.
  public static func order(_ stages: [Stage]) throws -> [Stage] {
    var position: [String: Int] = [:]
    for (index, stage) in stages.enumerated() {
      if position[stage.name] != nil { throw PipelineError.duplicateStage(stage.name) }
      position[stage.name] = index
    }
    var waitingOn = [Int](repeating: 0, count: stages.count)
    var dependents = [[Int]](repeating: [], count: stages.count)
    for (index, stage) in stages.enumerated() {
      for input in Set(stage.inputs) {
        guard let source = position[input] else {
          throw PipelineError.unknownInput(stage: stage.name, input: input)
        }
        waitingOn[index] += 1
        dependents[source].append(index)
      }
    }

    var ready = Set(stages.indices.filter { waitingOn[$0] == 0 })
    var ordered: [Stage] = []
    while let next = ready.min() {
      ready.remove(next)
      ordered.append(stages[next])
      for dependent in dependents[next] {
        waitingOn[dependent] -= 1
        if waitingOn[dependent] == 0 { ready.insert(dependent) }
      }
    }
    if ordered.count < stages.count {
      throw PipelineError.cycle(findCycle(stages, unfinished: Set(stages.indices.filter { waitingOn[$0] > 0 })))
    }
    return ordered
  }

  /// Walks input links among the stages left over by Kahn's algorithm until a stage repeats,
  /// because each of them lies on or downstream of a cycle. Returns the cycle in dependency order
  /// with the first stage repeated at the end.
  private static func findCycle(_ stages: [Stage], unfinished: Set<Int>) -> [String] {
    let index = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($1.name, $0) })
    var path: [Int] = [unfinished.min()!]
    while true {
      let current = path.last!
      let next = stages[current].inputs.compactMap { index[$0] }.filter(unfinished.contains).min()!
      if let start = path.firstIndex(of: next) {
        let cycle = path[start...].map { stages[$0].name }
        return cycle + [cycle[0]]
      }
      path.append(next)
    }
  }

  private static func encoded<T: Encodable>(_ value: T) -> JSONValue {
    do {
      return try JSONValue(encoding: value)
    } catch {
      preconditionFailure("stage parameters of type \(T.self) failed to encode: \(error)")
    }
  }
}
