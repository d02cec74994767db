import Datasets

/// A command-line error: an unknown option, a missing value or a value of the wrong form.
struct UsageError: ReportableError {
  var message: String
  var isInputError: Bool { true }
  var description: String { message }
}

/// The options and positional arguments of one subcommand, parsed from `--name value` pairs,
/// `--flag` switches and bare words.
struct Arguments {
  private var options: [String: String] = [:]
  private var flags: Set<String> = []
  private var consumed: Set<String> = []
  /// An option given last with no value after it; an error once it is known whether it exists.
  private var dangling: String?
  /// Bare words in order, after the subcommand name.
  private(set) var positional: [String] = []
  let command: String

  /// Splits `words` into options and positional arguments. `switches` lists the options that take
  /// no value; every other `--name` takes the next word as its value.
  init(command: String, words: [String], switches: Set<String> = []) throws {
    self.command = command
    var index = 0
    while index < words.count {
      let word = words[index]
      if word.hasPrefix("--") {
        var name = String(word.dropFirst(2))
        if let equals = name.firstIndex(of: "=") {
          let key = String(name[..<equals])
          try Arguments.rejectRepeated(key, options: options, flags: flags)
          options[key] = String(name[name.index(after: equals)...])
          index += 1
          continue
        }
        try Arguments.rejectRepeated(name, options: options, flags: flags)
        if switches.contains(name) {
          flags.insert(name)
        } else {
          guard index + 1 < words.count else {
            dangling = name
            index += 1
            continue
          }
          name = name.isEmpty ? "--" : name
          options[name] = words[index + 1]
          index += 1
        }
      } else {
        positional.append(word)
      }
      index += 1
    }
  }

  /// Throws when `--name` was given before: the first value would be silently replaced.
  private static func rejectRepeated(_ name: String, options: [String: String], flags: Set<String>) throws {
    guard options[name] != nil || flags.contains(name) else { return }
    throw UsageError(message: "option --\(name) is given twice; give it once.")
  }

  /// Returns the value of `--name`, or nil when it was not given.
  mutating func string(_ name: String) -> String? {
    consumed.insert(name)
    return options[name]
  }

  /// Returns the value of `--name`, or throws an error naming the option when it was not given.
  mutating func required(_ name: String) throws -> String {
    guard let value = string(name) else {
      if dangling == name { throw UsageError(message: "option --\(name) needs a value. Run 'dcls-delays help' for usage.") }
      throw UsageError(message: "missing required option --\(name). Run 'dcls-delays help' for usage.")
    }
    return value
  }

  /// Returns the integer value of `--name`, or `fallback` when it was not given.
  mutating func integer(_ name: String, default fallback: Int) throws -> Int {
    guard let text = string(name) else { return fallback }
    guard let value = Int(text) else {
      throw UsageError(message: "--\(name) expects an integer, got '\(text)'.")
    }
    return value
  }

  /// Returns the floating-point value of `--name`, or `fallback` when it was not given.
  mutating func number(_ name: String, default fallback: Double) throws -> Double {
    guard let text = string(name) else { return fallback }
    guard let value = Double(text), value.isFinite else {
      throw UsageError(message: "--\(name) expects a number, got '\(text)'.")
    }
    return value
  }

  /// Returns whether the switch `--name` was given.
  mutating func flag(_ name: String) -> Bool {
    consumed.insert(name)
    return flags.contains(name)
  }

  /// Rejects bare words, for the subcommands that take none.
  func rejectPositional() throws {
    if let first = positional.first {
      throw UsageError(message: "unexpected argument '\(first)': dcls-delays \(command) takes only options. Run 'dcls-delays help' for usage.")
    }
  }

  /// Rejects options that no accessor asked for, so a misspelt option is an error, not ignored.
  func rejectUnknown() throws {
    if let dangling {
      throw UsageError(message: consumed.contains(dangling)
        ? "option --\(dangling) needs a value. Run 'dcls-delays help' for usage."
        : "unknown option --\(dangling). Run 'dcls-delays help' for usage.")
    }
    let unknown = Set(options.keys).union(flags).subtracting(consumed).sorted()
    if let first = unknown.first {
      throw UsageError(message: "unknown option --\(first). Run 'dcls-delays help' for usage.")
    }
  }
}
