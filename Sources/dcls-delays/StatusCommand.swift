import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let statusCommand = Command(usage: "status    (not built yet)") { _ in
  throw UsageError(message: "the status command is not built yet.")
}
