/// An error whose message is meant for the person running the tool.
///
/// Every subsystem has one error type conforming to this protocol. The message names the file or
/// value involved, what was expected and what to do next. The command-line tool prints it and
/// exits with 2 when `isInputError` (bad file, bad argument, missing data) and 1 otherwise.
public protocol ReportableError: Error, CustomStringConvertible {
  /// Whether the error comes from input the user can fix, rather than from a runtime failure.
  var isInputError: Bool { get }
}
