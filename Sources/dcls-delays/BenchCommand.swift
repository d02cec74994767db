import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let benchCommand = Command(usage: "bench    (not built yet)") { _ in
  throw UsageError(message: "the bench command is not built yet.")
}
