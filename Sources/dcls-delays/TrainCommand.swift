import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let trainCommand = Command(usage: "train    (not built yet)") { _ in
  throw UsageError(message: "the train command is not built yet.")
}
