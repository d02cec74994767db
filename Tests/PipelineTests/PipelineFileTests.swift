import Foundation
import SpikingNetwork
import XCTest

@testable import Pipeline

final class PipelineFileTests: XCTestCase {
  /// A valid pipeline with two datasets; tests replace parts of it with `replacing`.
  private let valid = """
    {
      "name": "tiny",
      "description": "two datasets",
      "datasets": [
        { "name": "shd" },
        { "name": "fsdd", "network": { "hidden": 16, "epochs": 2 },
          "variantOverrides": { "learned": { "learningRate": 0.002 } } }
      ],
      "variants": ["none", "learned"],
      "seeds": [0, 1],
      "report": { "title": "Tiny", "figureTitles": { "accuracy": "Accuracy by variant" } }
    }
    """

  private func decode(_ text: String) throws -> PipelineFile {
    try PipelineFile.decode(Data(text.utf8), file: "pipelines/tiny.json")
  }

  /// Returns the error message of decoding `text`, and records a test failure when it decodes.
  private func message(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
      _ = try decode(text)
      XCTFail("the pipeline decoded without error", file: file, line: line)
      return ""
    } catch let error as PipelineError {
      XCTAssertTrue(error.isInputError, file: file, line: line)
      return error.description
    } catch {
      XCTFail("unexpected error \(error)", file: file, line: line)
      return ""
    }
  }

  private func replacing(_ old: String, with new: String) -> String {
    precondition(valid.contains(old), "the valid pipeline does not contain \(old)")
    return valid.replacingOccurrences(of: old, with: new)
  }

  // MARK: Valid files

  func testDefaultsFromDataset() throws {
    let file = try decode(valid)
    let shd = file.datasets[0]
    XCTAssertEqual(shd.binning, .legacy)
    XCTAssertEqual(shd.network, DatasetName.shd.defaultNetwork)
    XCTAssertEqual(shd.network.taps, 25)
    XCTAssertEqual(shd.network.epochs, 150)
    XCTAssertEqual(shd.network.tauMs, 10.05)
    XCTAssertEqual(shd.network.positionLearningRateFactor, 100)
    XCTAssertEqual(shd.network.sigmaSchedule, SigmaScheduleSettings(final: 0.23, epochsDivisor: 4))
  }

  func testPartialNetworkKeepsOtherDefaults() throws {
    let fsdd = try decode(valid).datasets[1]
    XCTAssertNil(fsdd.binning)
    XCTAssertEqual(fsdd.network.hidden, 16)
    XCTAssertEqual(fsdd.network.epochs, 2)
    XCTAssertEqual(fsdd.network.hiddenLayers, 3)
    XCTAssertEqual(fsdd.network.batchSize, 128)
  }

  func testVariantOverride() throws {
    let file = try decode(valid)
    let fsdd = file.datasets[1]
    XCTAssertEqual(file.network(for: .learned, on: fsdd).learningRate, 0.002)
    XCTAssertEqual(file.network(for: .learned, on: fsdd).hidden, 16)
    XCTAssertEqual(file.network(for: .none, on: fsdd).learningRate, 0.001)
  }

  func testReportOptions() throws {
    let file = try decode(valid)
    XCTAssertEqual(file.report.title, "Tiny")
    XCTAssertEqual(file.report.figureTitles, ["accuracy": "Accuracy by variant"])
  }

  func testSubset() throws {
    let file = try decode(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subset": 40 }"#))
    XCTAssertEqual(file.datasets[0].subset, 40)
    XCTAssertNil(file.datasets[1].subset)
  }

  func testSubsetRoundTrip() throws {
    let file = try decode(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subset": 40 }"#))
    let data = try JSONEncoder().encode(file)
    XCTAssertEqual(try PipelineFile.decode(data, file: "round trip"), file)
  }

  func testEncodeDecodeRoundTrip() throws {
    let file = try decode(valid)
    let data = try JSONEncoder().encode(file)
    XCTAssertEqual(try PipelineFile.decode(data, file: "round trip"), file)
  }

  func testShippedPipelinesLoad() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../pipelines").standardized
    let paper = try PipelineFile.load(from: folder.appendingPathComponent("paper.json"))
    XCTAssertEqual(paper.datasets.map(\.label), ["shd-legacy", "ssc-legacy", "gsc"])
    XCTAssertEqual(paper.variants, [.none, .fixed, .learned])
    XCTAssertEqual(paper.seeds, [0, 1, 2])
    for entry in paper.datasets {
      XCTAssertEqual(entry.network, entry.name.defaultNetwork, entry.label)
    }
    let fsdd = try PipelineFile.load(from: folder.appendingPathComponent("fsdd.json"))
    XCTAssertEqual(fsdd.datasets.map(\.label), ["fsdd"])
    XCTAssertEqual(fsdd.variants, [.none, .fixed, .learned])
    XCTAssertEqual(fsdd.seeds.count, 3)
  }

  // MARK: Pinned errors

  func testUnknownKey() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""widht": 16"#)),
      "pipelines/tiny.json: $.datasets[1].network.widht: unknown key. Allowed keys: batchSize, delaysPerSynapse, dropout, epochs, hidden, hiddenLayers, learningRate, maxLearningRate, positionLearningRateFactor, sigmaSchedule, taps, tauMs, timeStepMs, weightDecay.")
  }

  func testUnknownTopLevelKey() {
    XCTAssertEqual(
      message(replacing(#""seeds": [0, 1],"#, with: #""seeds": [0, 1], "seed": 3,"#)),
      "pipelines/tiny.json: $.seed: unknown key. Allowed keys: datasets, description, name, report, seeds, variants.")
  }

  func testWrongType() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""hidden": "wide""#)),
      #"pipelines/tiny.json: $.datasets[1].network.hidden: expected an integer, found the string "wide"."#)
  }

  func testFractionForInteger() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""hidden": 16.5"#)),
      "pipelines/tiny.json: $.datasets[1].network.hidden: expected an integer, found the number 16.5.")
  }

  func testUnknownDataset() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "timit" }"#)),
      #"pipelines/tiny.json: $.datasets[0].name: unknown dataset "timit". Allowed values: shd, ssc, gsc, fsdd, spiking-fsdd."#)
  }

  func testUnknownVariant() {
    XCTAssertEqual(
      message(replacing(#"["none", "learned"]"#, with: #"["none", "slow"]"#)),
      #"pipelines/tiny.json: $.variants[1]: unknown variant "slow". Allowed values: none, fixed, learned."#)
  }

  func testNegativeEpochs() {
    XCTAssertEqual(
      message(replacing(#""epochs": 2"#, with: #""epochs": -5"#)),
      "pipelines/tiny.json: $.datasets[1].network.epochs: expected a positive integer, found -5.")
  }

  func testZeroSubset() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subset": 0 }"#)),
      "pipelines/tiny.json: $.datasets[0].subset: expected a positive integer, found 0.")
  }

  func testFractionalSubset() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subset": 2.5 }"#)),
      "pipelines/tiny.json: $.datasets[0].subset: expected an integer, found the number 2.5.")
  }

  func testSubsetAsString() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subset": "40" }"#)),
      #"pipelines/tiny.json: $.datasets[0].subset: expected an integer, found the string "40"."#)
  }

  func testUnknownDatasetKey() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "subsets": 40 }"#)),
      "pipelines/tiny.json: $.datasets[0].subsets: unknown key. Allowed keys: binning, name, network, subset, variantOverrides.")
  }

  func testMissingKey() {
    XCTAssertEqual(
      message(replacing(#""seeds": [0, 1],"#, with: "")),
      #"pipelines/tiny.json: $: missing required key "seeds"."#)
  }

  func testEvenTaps() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""taps": 24"#)),
      "pipelines/tiny.json: $.datasets[1].network.taps: expected an odd positive integer, found 24.")
  }

  func testDropoutOutOfRange() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""dropout": 1"#)),
      "pipelines/tiny.json: $.datasets[1].network.dropout: expected a probability in [0, 1), found 1.")
  }

  func testTimeStepOtherThanTen() {
    XCTAssertEqual(
      message(replacing(#""hidden": 16"#, with: #""timeStepMs": 20"#)),
      "pipelines/tiny.json: $.datasets[1].network.timeStepMs: expected 10, the frame step of every preprocessing mode, found 20.")
  }

  func testUnknownBinning() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd", "binning": "exact" }"#)),
      #"pipelines/tiny.json: $.datasets[0].binning: unknown binning "exact". Allowed values: legacy, grid."#)
  }

  func testBinningOnAudioDataset() {
    XCTAssertEqual(
      message(replacing(#""name": "fsdd","#, with: #""name": "fsdd", "binning": "grid","#)),
      "pipelines/tiny.json: $.datasets[1].binning: binning applies only to the spike datasets shd and ssc; remove it for fsdd.")
  }

  func testOverrideOfUnlistedVariant() {
    XCTAssertEqual(
      message(replacing(#""learned": { "learningRate""#, with: #""fixed": { "learningRate""#)),
      #"pipelines/tiny.json: $.datasets[1].variantOverrides.fixed: variant "fixed" is not listed in $.variants; add it there or remove this override."#)
  }

  func testOverrideUnknownKey() {
    XCTAssertEqual(
      message(replacing(#""learned": { "learningRate""#, with: #""learned": { "lr""#)),
      "pipelines/tiny.json: $.datasets[1].variantOverrides.learned.lr: unknown key. Allowed keys: batchSize, delaysPerSynapse, dropout, epochs, hidden, hiddenLayers, learningRate, maxLearningRate, positionLearningRateFactor, sigmaSchedule, taps, tauMs, timeStepMs, weightDecay.")
  }

  func testDuplicateSeed() {
    XCTAssertEqual(
      message(replacing(#""seeds": [0, 1]"#, with: #""seeds": [0, 0]"#)),
      "pipelines/tiny.json: $.seeds[1]: seed 0 is listed twice.")
  }

  func testDuplicateDataset() {
    XCTAssertEqual(
      message(replacing(#"{ "name": "shd" }"#, with: #"{ "name": "shd" }, { "name": "shd", "binning": "legacy" }"#)),
      "pipelines/tiny.json: $.datasets[1]: dataset shd-legacy is already listed at $.datasets[0].")
  }

  func testEmptyVariants() {
    XCTAssertEqual(
      message(replacing(#"["none", "learned"]"#, with: "[]")),
      "pipelines/tiny.json: $.variants: expected a non-empty list, found an empty list.")
  }

  func testBadName() {
    XCTAssertEqual(
      message(replacing(#""name": "tiny""#, with: #""name": "../up""#)),
      #"pipelines/tiny.json: $.name: expected a name of letters, digits, '.', '_' or '-' that does not start with '.', found the string "../up"."#)
  }

  func testInvalidJSON() {
    XCTAssertEqual(
      message("{\n  \"name\": \"x\",\n  \"seeds\": [0,,1]\n}"),
      "pipelines/tiny.json: cannot read the pipeline file: the file is not valid JSON: Invalid value around character 31 (line 3, column 15).")
  }

  func testTruncatedJSON() {
    XCTAssertEqual(
      message("{ \"name\": "),
      "pipelines/tiny.json: cannot read the pipeline file: the file is not valid JSON: Unexpected end of file during JSON parse.")
  }

  func testMissingFile() {
    XCTAssertThrowsError(try PipelineFile.load(from: URL(fileURLWithPath: "/nonexistent/x.json"), displayPath: "pipelines/x.json")) { error in
      XCTAssertEqual(
        "\(error)",
        "pipelines/x.json: cannot read the pipeline file: the file does not exist or cannot be read. Pipeline files live in pipelines/, such as pipelines/fsdd.json.")
    }
  }
}
