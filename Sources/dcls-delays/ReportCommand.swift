import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let reportCommand = Command(usage: "report    (not built yet)") { _ in
  throw UsageError(message: "the report command is not built yet.")
}
