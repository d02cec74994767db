/// The published files of the four datasets, as data: names, mirrors, sizes and checksums.
///
/// Adding a dataset or a mirror changes only this table. SHD and SSC are listed with the MD5 sums
/// of their `.h5.zip` files as SpikingJelly and Tonic publish them; GSC with the size and SHA-256
/// of the TensorFlow archive; FSDD with the SHA-256 of the copy shipped in `data/`.

/// A digest algorithm used to verify a file.
public enum DigestAlgorithm: String, Sendable, Codable {
  case md5 = "MD5"
  case sha256 = "SHA-256"
}

/// The expected digest of a file, as lowercase hexadecimal.
public struct FileChecksum: Sendable, Equatable, Codable, CustomStringConvertible {
  public var algorithm: DigestAlgorithm
  public var hex: String

  public init(_ algorithm: DigestAlgorithm, _ hex: String) {
    self.algorithm = algorithm
    self.hex = hex.lowercased()
  }

  /// "MD5 f325..." or "SHA-256 0ae1...".
  public var description: String { "\(algorithm.rawValue) \(hex)" }
}

/// One published file of a dataset.
public struct DatasetFile: Sendable, Equatable {
  /// The file name, used in the cache's download folder.
  public var name: String
  /// Mirrors, tried in order.
  public var urls: [String]
  /// The size in bytes, when published.
  public var size: Int64?
  public var checksum: FileChecksum
  /// A path relative to the repository root where the project ships this file, if it does.
  public var shippedPath: String?

  public init(name: String, urls: [String], size: Int64? = nil, checksum: FileChecksum,
              shippedPath: String? = nil) {
    self.name = name
    self.urls = urls
    self.size = size
    self.checksum = checksum
    self.shippedPath = shippedPath
  }
}

/// How a dataset's files hold its samples, which decides how it is prepared.
public enum DatasetLayout: String, Sendable, Codable {
  /// Spike events of 700 cochlear channels in one zipped or gzipped HDF5 file per split (SHD, SSC).
  case spikeEvents
  /// One folder of WAV files per word and the lists `validation_list.txt` and `testing_list.txt`
  /// in one archive (GSC). Files in neither list are training samples.
  case speechCommands
  /// WAV files named `DIGIT_SPEAKER_INDEX.wav` in a `recordings` folder (FSDD): index 0-4 test,
  /// 5 and above train.
  case freeSpokenDigits
  /// The FSDD recordings passed through `CochlearEncoder` into spike events of 700 channels, one
  /// SHD-layout HDF5 file per split (spiking-fsdd), made when the archive is unpacked.
  case encodedFreeSpokenDigits
}

/// A dataset: its files, classes and splits.
public struct DatasetDescription: Sendable, Equatable {
  /// The short name used on the command line and in cache paths: "shd", "ssc", "gsc", "fsdd".
  public var name: String
  public var title: String
  public var layout: DatasetLayout
  public var classCount: Int
  /// Split names in the order they are prepared, e.g. ["train", "valid", "test"].
  public var splits: [String]
  public var files: [DatasetFile]
  /// For spike datasets, the name of the file holding each split.
  public var splitFiles: [String: String]

  public init(name: String, title: String, layout: DatasetLayout, classCount: Int, splits: [String],
              files: [DatasetFile], splitFiles: [String: String] = [:]) {
    self.name = name
    self.title = title
    self.layout = layout
    self.classCount = classCount
    self.splits = splits
    self.files = files
    self.splitFiles = splitFiles
  }
}

extension DatasetDescription {
  private static let spikeMirrors = ["https://zenkelab.org/datasets/", "https://compneuro.net/datasets/"]

  private static func spikeFile(_ name: String, md5: String) -> DatasetFile {
    DatasetFile(name: name, urls: spikeMirrors.map { $0 + name }, checksum: FileChecksum(.md5, md5))
  }

  /// Spiking Heidelberg Digits: 20 classes, train 8156, test 2264, no validation set.
  public static let shd = DatasetDescription(
    name: "shd", title: "Spiking Heidelberg Digits", layout: .spikeEvents, classCount: 20,
    splits: ["train", "test"],
    files: [
      spikeFile("shd_train.h5.zip", md5: "f3252aeb598ac776c1b526422d90eecb"),
      spikeFile("shd_test.h5.zip", md5: "1503a5064faa34311c398fb0a1ed0a6f"),
    ],
    splitFiles: ["train": "shd_train.h5.zip", "test": "shd_test.h5.zip"])

  /// Spiking Speech Commands: 35 classes, train 75466, valid 9981, test 20382.
  public static let ssc = DatasetDescription(
    name: "ssc", title: "Spiking Speech Commands", layout: .spikeEvents, classCount: 35,
    splits: ["train", "valid", "test"],
    files: [
      spikeFile("ssc_train.h5.zip", md5: "d102be95e7144fcc0553d1f45ba94170"),
      spikeFile("ssc_valid.h5.zip", md5: "b4eee3516a4a90dd0c71a6ac23a8ae43"),
      spikeFile("ssc_test.h5.zip", md5: "a35ff1e9cffdd02a20eb850c17c37748"),
    ],
    splitFiles: ["train": "ssc_train.h5.zip", "valid": "ssc_valid.h5.zip", "test": "ssc_test.h5.zip"])

  /// Google Speech Commands v0.02 with all 35 words: train 84843, valid 9981, test 11005.
  public static let gsc = DatasetDescription(
    name: "gsc", title: "Google Speech Commands v0.02 (35 words)", layout: .speechCommands, classCount: 35,
    splits: ["train", "valid", "test"],
    files: [
      DatasetFile(
        name: "speech_commands_v0.02.tar.gz",
        urls: ["https://download.tensorflow.org/data/speech_commands_v0.02.tar.gz"],
        size: 2_428_923_189,
        checksum: FileChecksum(.sha256, "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58"))
    ])

  /// Free Spoken Digit Dataset 1.0.10: 10 classes, recordings 5-49 train (2700), 0-4 test (300).
  /// Shipped with the project (CC BY-SA 4.0, Zohar Jackson and contributors).
  public static let fsdd = DatasetDescription(
    name: "fsdd", title: "Free Spoken Digit Dataset 1.0.10", layout: .freeSpokenDigits, classCount: 10,
    splits: ["train", "test"],
    files: [
      DatasetFile(
        name: "free-spoken-digit-dataset-1.0.10.tar.gz",
        // NOTE: GitHub generates this tarball on request and does not promise identical bytes over
        // time, so a download may fail verification; the shipped copy is the reference.
        urls: ["https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.tar.gz"],
        checksum: FileChecksum(.sha256, "0ae11b11b1cf7f6c6dc096cce610dc6b84a60ae8b70c2749f0cfe0638feda8fb"),
        shippedPath: "data/free-spoken-digit-dataset-1.0.10.tar.gz")
    ])

  /// The FSDD recordings as spike events of the cochlear encoder, with FSDD's splits and labels.
  public static let spikingFsdd = DatasetDescription(
    name: "spiking-fsdd", title: "Free Spoken Digit Dataset 1.0.10 through the cochlear encoder",
    layout: .encodedFreeSpokenDigits, classCount: 10, splits: ["train", "test"], files: fsdd.files)

  /// Whether the dataset's frames are binned spike events rather than mel frames.
  public var hasSpikeEvents: Bool { layout == .spikeEvents || layout == .encodedFreeSpokenDigits }

  /// Every dataset in the catalogue, in the order they are listed to users.
  public static let all: [DatasetDescription] = [.shd, .ssc, .gsc, .fsdd, .spikingFsdd]

  /// Looks up a dataset by its short name.
  public static func named(_ name: String) throws -> DatasetDescription {
    guard let found = all.first(where: { $0.name == name.lowercased() }) else {
      throw DatasetError.unknownDataset(name: name, known: all.map(\.name))
    }
    return found
  }
}
