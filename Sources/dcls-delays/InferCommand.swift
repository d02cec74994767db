import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let inferCommand = Command(usage: "infer    (not built yet)") { _ in
  throw UsageError(message: "the infer command is not built yet.")
}
