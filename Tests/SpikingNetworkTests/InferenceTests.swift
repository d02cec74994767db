import Foundation
import XCTest
@testable import SpikingNetwork

/// `runInference` on checkpoints made from the reference fixtures: its output file and gradient
/// file must hold the reference's tensors.
final class InferenceTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcls-infer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  /// Writes the fixture's `prefix` state as a checkpoint and its input and labels as .npy files.
  func prepare(_ name: String, prefix: String) throws -> (fixture: ReferenceFixtureTests.Fixture, checkpoint: URL, input: URL, labels: URL) {
    let fixture = try ReferenceFixtureTests.Fixture(name)
    var network = Network<Float>(config: fixture.config)
    try network.load(fixture.file, prefix: prefix, path: fixture.path)
    let checkpoint = folder.appendingPathComponent("net.safetensors")
    try network.stateDictionary().write(to: checkpoint)
    let inputTensor = try fixture.file.tensor("input", path: fixture.path)
    let input = folder.appendingPathComponent("x.npy")
    try Npy.write(inputTensor.values(as: Float.self), shape: inputTensor.shape, to: input)
    let labels = folder.appendingPathComponent("labels.npy")
    var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    let header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }".padding(toLength: 117, withPad: " ", startingAt: 0) + "\n"
    data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    for label in try fixture.tensor("labels") { withUnsafeBytes(of: Int64(label).littleEndian) { data.append(contentsOf: $0) } }
    try data.write(to: labels)
    return (fixture, checkpoint, input, labels)
  }

  func testEvaluationOutputMatchesReference() throws {
    let (fixture, checkpoint, input, labels) = try prepare("learned", prefix: "step.")
    let output = folder.appendingPathComponent("y.npy")
    let result = try runInference(checkpoint: checkpoint, input: input, output: output, mode: .evaluation, seed: 0, labels: labels)
    let written = try MappedNpy(output)
    XCTAssertEqual(written.shape, result.outputShape)
    let expected = try fixture.tensor("eval.output")
    let worst = zip(written.doubles(), expected).map { abs($0 - $1) }.max() ?? 1
    XCTAssertLessThan(worst, referenceTolerance * (expected.map(abs).max() ?? 1))
    XCTAssertEqual(try XCTUnwrap(result.loss), try fixture.tensor("eval.loss")[0], accuracy: 1e-5)
  }

  func testTrainingGradientsMatchReference() throws {
    let (fixture, checkpoint, input, labels) = try prepare("fixed", prefix: "init.")
    let gradients = folder.appendingPathComponent("g.safetensors")
    _ = try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                         mode: .training, seed: 0, labels: labels, gradients: gradients)
    let file = try SafeTensors.read(gradients)
    // Three synapse weights and two batch norms with scale and shift; fixed positions are not trained.
    XCTAssertEqual(file.names.count, 7)
    for name in file.names {
      let expected = try fixture.tensor("grad.\(name)")
      let worst = zip(file.tensors[name]!.doubles, expected).map { abs($0 - $1) }.max() ?? 1
      XCTAssertLessThan(worst, referenceTolerance * max(expected.map(abs).max() ?? 1, 1e-6), name)
    }
  }

  func testGradientsInEvaluationModeAreRejected() throws {
    let (_, checkpoint, input, labels) = try prepare("none", prefix: "init.")
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0, labels: labels,
                                          gradients: folder.appendingPathComponent("g.safetensors"))) { error in
      XCTAssertEqual("\(error)", "--gradients differentiates the training-mode forward; add --mode train.")
    }
  }

  func testInputOfWrongWidthIsRejected() throws {
    let (_, checkpoint, _, _) = try prepare("none", prefix: "init.")
    let input = folder.appendingPathComponent("wide.npy")
    try Npy.write([Float](repeating: 0, count: 2 * 3 * 7), shape: [2, 3, 7], to: input)
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "\(input.path) has shape [2, 3, 7]; expected (time, batch, 6) for this checkpoint's 6 inputs.")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("y.npy").path))
  }

  func testNonFiniteInputIsRejected() throws {
    let (_, checkpoint, _, _) = try prepare("none", prefix: "init.")
    let input = folder.appendingPathComponent("nan.npy")
    var values = [Float](repeating: 0, count: 2 * 3 * 6)
    values[4] = .nan
    try Npy.write(values, shape: [2, 3, 6], to: input)
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "\(input.path) contains a NaN or infinite value at flat index 4; the network needs finite input.")
    }
  }

  func testMissingInputNamesTheFile() throws {
    let (_, checkpoint, _, _) = try prepare("none", prefix: "init.")
    let input = folder.appendingPathComponent("absent.npy")
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "\(input.path) does not exist. Check the path.")
    }
  }

  func testUnsupportedElementTypeIsNamed() throws {
    let (_, checkpoint, _, _) = try prepare("none", prefix: "init.")
    let input = folder.appendingPathComponent("int32.npy")
    // A version 1.0 header for int32 values of shape (1, 1, 6), padded to 128 bytes, then the values.
    let header = "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1, 6), }".padding(toLength: 117, withPad: " ", startingAt: 0) + "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
    bytes += [UInt8](repeating: 0, count: 6 * 4)
    try Data(bytes).write(to: input)
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "cannot read \(input.path) as a NumPy array: unsupported element type '<i4'; expected |u1 (uint8), <f4 (float32), <f8 (float64) or <i8 (int64), little-endian. Save it with numpy.save as float32 or float64 (input) or int64 (labels), in C order.")
    }
  }

  func testMissingOutputFolderRejected() throws {
    let (_, checkpoint, input, _) = try prepare("none", prefix: "init.")
    let output = folder.appendingPathComponent("absent/y.npy")
    XCTAssertThrowsError(try runInference(checkpoint: checkpoint, input: input, output: output, mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "cannot write \(output.path): the folder \(folder.appendingPathComponent("absent").path) does not exist. Create it or choose another path.")
      XCTAssertTrue((error as? ReportableError)?.isInputError ?? false)
    }
  }

  func testFolderAsCheckpointIsNamed() throws {
    let (_, _, input, _) = try prepare("none", prefix: "init.")
    XCTAssertThrowsError(try runInference(checkpoint: folder, input: input, output: folder.appendingPathComponent("y.npy"),
                                          mode: .evaluation, seed: 0)) { error in
      XCTAssertEqual("\(error)", "cannot read \(folder.path): it is a folder, not a file. Check the path and the file's permissions.")
    }
  }
}
