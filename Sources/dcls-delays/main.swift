import Datasets
import Foundation

#if canImport(Glibc)
import CMalloc
#endif

/// One subcommand: its one-line usage and the function that runs it.
struct Command {
  var usage: String
  var run: (inout Arguments) throws -> Void
  var switches: Set<String> = []
}

let commands: [(name: String, command: Command)] = [
  ("train", trainCommand),
  ("infer", inferCommand),
  ("bench", benchCommand),
  ("data", dataCommand),
  ("report", reportCommand),
  ("reproduce", reproduceCommand),
  ("status", statusCommand),
]

func printUsage() {
  print("usage: dcls-delays COMMAND [OPTIONS]\n\ncommands:")
  for (_, command) in commands { print("  \(command.usage)") }
}

// One line at a time, also into a pipe or file, so progress shows while a long stage runs.
setvbuf(stdout, nil, _IOLBF, 0)

#if canImport(Glibc)
// Every batch allocates and frees activation buffers of tens of megabytes. By default glibc maps
// such buffers afresh and unmaps them on free, so each batch pays page faults to zero them again.
// Keeping them in the heap lets freed buffers be reused.
mallopt(M_MMAP_MAX, 0)
mallopt(M_TRIM_THRESHOLD, Int32.max)
#endif

let words = Array(CommandLine.arguments.dropFirst())
guard let name = words.first, name != "help", name != "--help", name != "-h" else {
  printUsage()
  exit(words.isEmpty ? 2 : 0)
}
guard let command = commands.first(where: { $0.name == name })?.command else {
  FileHandle.standardError.write(Data("dcls-delays: unknown command '\(name)'. Run 'dcls-delays help' for the list.\n".utf8))
  exit(2)
}
if words.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
  print("usage: dcls-delays \(command.usage)")
  exit(0)
}
do {
  var arguments = try Arguments(command: name, words: Array(words.dropFirst()), switches: command.switches)
  try command.run(&arguments)
} catch let error as ReportableError {
  FileHandle.standardError.write(Data("dcls-delays \(name): \(error.description)\n".utf8))
  exit(error.isInputError ? 2 : 1)
} catch {
  FileHandle.standardError.write(Data("dcls-delays \(name): \(error)\n".utf8))
  exit(1)
}
