import Datasets

// Placeholder until its module lands; the file is replaced by the real command.
let reproduceCommand = Command(usage: "reproduce    (not built yet)") { _ in
  throw UsageError(message: "the reproduce command is not built yet.")
}
