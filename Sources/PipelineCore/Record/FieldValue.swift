/// A value read from or written to a record field by path: what the filter language compares,
/// what `set` assigns and what sources map.
///
/// ```swift
/// FieldPath("location.city")?.get(posting)   // .string("Toronto")
/// ```
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([String])

    /// Whether the value counts as true in a `where:` expression (present, non-empty, non-zero).
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .string(let s): return !s.isEmpty
        case .number(let n): return n != 0
        case .bool(let b): return b
        case .list(let l): return !l.isEmpty
        }
    }

    /// The value as text, as a sink or error message shows it.
    public var description: String {
        switch self {
        case .null: return "null"
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return l.joined(separator: ", ")
        }
    }

    /// What kind of value it is, in words.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .list: return "a list"
        }
    }
}

/// Why a value could not be stored in a record field.
public struct FieldError: Error, Sendable, CustomStringConvertible {
    /// Whether the record must be rejected, or only the field dropped with a warning (as the
    /// specification asks for unreadable URLs and dates).
    public enum Severity: Sendable { case reject, dropField }

    /// The field's path.
    public let field: String
    /// What is wrong, for the operator.
    public let message: String
    /// What to do about it.
    public let severity: Severity

    /// Creates a field error.
    public init(field: String, message: String, severity: Severity = .reject) {
        self.field = field
        self.message = message
        self.severity = severity
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
