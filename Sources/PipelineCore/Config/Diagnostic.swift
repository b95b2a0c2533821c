/// One problem found in a pipeline file, printed compiler-style:
/// `pipelines/x.yaml:8:11: error: unknown stage type 'filtr' (did you mean 'filter'?)`.
///
/// ```swift
/// let d = Diagnostic(file: "x.yaml", line: 8, column: 11, message: "unknown stage type 'filtr'")
/// print(d)   // x.yaml:8:11: error: unknown stage type 'filtr'
/// ```
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Error {
    /// How serious the problem is.
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// The file as the user named it.
    public var file: String
    /// 1-based line, or nil when the problem has no place in the file.
    public var line: Int?
    /// 1-based column.
    public var column: Int?
    /// Error or warning.
    public var severity: Severity
    /// What is wrong and what to do, for the person who wrote the file.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int?, column: Int?, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `file:line:column: error: message`.
    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// All the problems of a pipeline file; thrown when it cannot be loaded.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they appear in the file.
    public let diagnostics: [Diagnostic]
    /// One line per problem.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// An error an option value's type throws when the text is not acceptable; the decoder places
/// it at the value's line and column (plus `offset` characters into the value).
///
/// ```swift
/// throw ConfigValueError("unknown operator '=~'", offset: 6)
/// ```
public struct ConfigValueError: Error, Sendable {
    /// What is wrong and what to do.
    public let message: String
    /// Characters into the scalar where the problem is.
    public let offset: Int

    /// Creates a value error.
    public init(_ message: String, offset: Int = 0) {
        self.message = message
        self.offset = offset
    }
}
