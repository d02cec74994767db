import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let dataCommand = Command(usage: "data    (not built yet)") { _ in
  throw UsageError(message: "the data command is not built yet.")
}
