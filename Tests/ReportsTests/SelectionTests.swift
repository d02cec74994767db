import SpikingNetwork
import XCTest

@testable import Reports

final class SelectionTests: XCTestCase {
  func testBestTestWithoutValidation() {
    let metrics = [epoch(1, test: 0.5), epoch(2, test: 0.8), epoch(3, test: 0.7)]
    let selection = selectEpoch(in: metrics, hasValidationSplit: false)
    XCTAssertEqual(selection?.epoch, 2)
    XCTAssertEqual(selection?.testAccuracy, 0.8)
    XCTAssertEqual(selection?.rule, .bestTest)
  }

  func testBestValidationReportsItsTest() {
    let metrics = [epoch(1, test: 0.9, valid: 0.6), epoch(2, test: 0.7, valid: 0.8), epoch(3, test: 0.95, valid: 0.75)]
    let selection = selectEpoch(in: metrics, hasValidationSplit: true)
    XCTAssertEqual(selection?.epoch, 2)
    XCTAssertEqual(selection?.testAccuracy, 0.7)
    XCTAssertEqual(selection?.rule, .bestValidation)
  }

  func testTieGoesToEarliestEpoch() {
    let metrics = [epoch(1, test: 0.6), epoch(2, test: 0.8), epoch(3, test: 0.8)]
    XCTAssertEqual(selectEpoch(in: metrics, hasValidationSplit: false)?.epoch, 2)
  }

  func testNoEpochsSelectsNothing() {
    XCTAssertNil(selectEpoch(in: [], hasValidationSplit: false))
  }

  func testMeanAndSampleDeviation() {
    let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    XCTAssertEqual(mean(values), 5.0)
    // Sum of squared deviations 32, divided by n - 1 = 7.
    XCTAssertEqual(sampleStandardDeviation(values)!, (32.0 / 7.0).squareRoot(), accuracy: 1e-12)
  }

  func testDeviationNeedsTwoValues() {
    XCTAssertNil(sampleStandardDeviation([0.9]))
  }

  func testMeanOfNothing() {
    XCTAssertNil(mean([]))
  }

  /// Recomputes every accuracy cell of the CSV table from the fixture's metrics with the
  /// selection rule written out again here, independent of the library's code.
  func testTableNumbersRecomputed() throws {
    let runs = try loadRuns(from: [fixtureRuns])
    let table = accuracyCSV(groupRuns(runs, paperResults: PaperResult.published))
    let column = { (name: String) in table.header.firstIndex(of: name)! }
    XCTAssertEqual(table.rows.count, 7)

    for row in table.rows {
      let members = runs.filter {
        $0.settings.dataset == row[column("dataset")] && $0.settings.variant.rawValue == row[column("variant")]
          && String($0.settings.network.hidden) == row[column("hidden")]
      }
      XCTAssertEqual(String(members.count), row[column("runs")], "runs of \(row)")
      var selected: [Double] = []
      var epochs: [String] = []
      for run in members where !run.metrics.isEmpty {
        var bestIndex = 0
        for index in run.metrics.indices {
          let score = run.settings.hasValidationSplit ? run.metrics[index].validAccuracy! : run.metrics[index].testAccuracy
          let bestScore = run.settings.hasValidationSplit ? run.metrics[bestIndex].validAccuracy! : run.metrics[bestIndex].testAccuracy
          if score > bestScore { bestIndex = index }
        }
        selected.append(100 * run.metrics[bestIndex].testAccuracy)
        epochs.append(String(run.metrics[bestIndex].epoch))
      }
      let average = selected.reduce(0, +) / Double(selected.count)
      XCTAssertEqual(Double(row[column("accuracy_mean")])!, average, accuracy: 5e-5, "mean of \(row)")
      XCTAssertEqual(row[column("selected_epochs")], epochs.joined(separator: " "), "epochs of \(row)")
      XCTAssertEqual(Double(row[column("accuracy_best")])!, selected.max()!, accuracy: 5e-5, "best of \(row)")
      if selected.count >= 2 {
        let squares = selected.map { ($0 - average) * ($0 - average) }.reduce(0, +)
        let deviation = (squares / Double(selected.count - 1)).squareRoot()
        XCTAssertEqual(Double(row[column("accuracy_sd")])!, deviation, accuracy: 5e-5, "deviation of \(row)")
      } else {
        XCTAssertEqual(row[column("accuracy_sd")], "", "deviation of \(row)")
      }
    }
  }

  func testPaperValueOnlyForMatchingNetwork() throws {
    let runs = try loadRuns(from: [fixtureRuns])
    let groups = groupRuns(runs, paperResults: PaperResult.published)
    let matched = groups.filter { $0.paper != nil }.map { "\($0.key.dataset) \($0.key.hidden) \($0.variant.rawValue)" }
    XCTAssertEqual(matched, ["shd 256 learned", "ssc 512 learned"])
  }

  func testDifferenceAgainstPaper() throws {
    let runs = try loadRuns(from: [fixtureRuns])
    let groups = groupRuns(runs, paperResults: PaperResult.published)
    let shd = groups.first { $0.key.dataset == "shd" && $0.key.hidden == 256 && $0.variant == .learned }!
    let table = accuracyCSV([shd])
    let difference = Double(table.rows[0][table.header.firstIndex(of: "difference")!])!
    XCTAssertEqual(difference, 100 * mean(shd.selectedAccuracies)! - 95.07, accuracy: 5e-5)
  }
}

final class SpikingInputNoteTests: XCTestCase {
  func run(_ dataset: String, _ input: InputKind, _ variant: DelayVariant, seed: UInt64, test: Double) -> RunRecord {
    RunRecord(
      name: "\(dataset)/\(variant.rawValue)/seed\(seed)",
      settings: RunSettings(dataset: dataset, input: input, seed: seed, network: smallNetwork(variant), epochsPlanned: 1,
                            hasValidationSplit: false),
      metrics: [epoch(1, test: test)])
  }

  func testSpikeAndMelAccuraciesAreCompared() {
    let runs = [
      run("fsdd", .mel, .learned, seed: 0, test: 0.98), run("fsdd", .mel, .learned, seed: 1, test: 0.96),
      run("spiking-fsdd", .legacy, .learned, seed: 0, test: 0.90), run("spiking-fsdd", .legacy, .learned, seed: 1, test: 0.80),
    ]
    let notes = comparabilityNotes(groups: groupRuns(runs, paperResults: PaperResult.published), paperResults: PaperResult.published)
    XCTAssertTrue(notes.contains("On the same recordings and splits, the mean selected test accuracy is: learned delays 85.00% on spikes against 97.00% on mel frames."), "\(notes)")
    XCTAssertTrue(notes.contains { $0.hasPrefix("SPIKING-FSDD is FSDD passed through this project's cochlear encoder") })
  }
}
