/// A type that can stand as an option's value in a pipeline file beyond the plain YAML types.
/// It names its type for `syndicate plugins` and supplies a placeholder so that decoding goes on
/// after an error and reports every problem of a file at once.
///
/// ```swift
/// extension FeedOrder: OptionValue {
///     static var optionType: String { "field, or -field for descending" }
///     static var placeholder: FeedOrder { FeedOrder(keys: []) }
/// }
/// ```
public protocol OptionValue: Codable, Sendable {
    /// How `syndicate plugins` describes the value.
    static var optionType: String { get }
    /// A value used in place of a missing or wrong one while the rest of the file is checked.
    static var placeholder: Self { get }
}

/// A string option with a fixed set of values, decoded with a suggestion for near misses.
///
/// ```swift
/// enum Order: String, ConfigEnum { case asc, desc }
/// ```
public protocol ConfigEnum: OptionValue, RawRepresentable, CaseIterable where RawValue == String {}

extension ConfigEnum {
    /// "one of a, b, c".
    public static var optionType: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    /// The first case.
    public static var placeholder: Self { allCases.first! }

    /// Decodes the case named by a string, or throws with the allowed names and a suggestion.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if let value = Self(rawValue: text) {
            self = value
            return
        }
        var message = "'\(text)' is not \(Self.optionType)"
        if let near = Suggestion.closest(to: text, among: Self.allCases.map(\.rawValue)) {
            message += " (did you mean '\(near)'?)"
        }
        throw ConfigValueError(message)
    }

    /// Encodes the case's name.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Types whose option description `syndicate plugins` prints.
protocol OptionTypeDescribing {
    static var optionTypeName: String { get }
}

extension String: OptionTypeDescribing { static var optionTypeName: String { "string" } }
extension Int: OptionTypeDescribing { static var optionTypeName: String { "integer" } }
extension Double: OptionTypeDescribing { static var optionTypeName: String { "number" } }
extension Bool: OptionTypeDescribing { static var optionTypeName: String { "boolean" } }
extension Array: OptionTypeDescribing {
    static var optionTypeName: String { "list of \(describeOptionType(Element.self))s" }
}
extension Dictionary: OptionTypeDescribing {
    static var optionTypeName: String { "mapping of \(describeOptionType(Key.self)) to \(describeOptionType(Value.self))" }
}

/// The words `syndicate plugins` uses for a type.
func describeOptionType(_ type: Any.Type) -> String {
    if let v = type as? OptionValue.Type { return v.optionType }
    if let d = type as? OptionTypeDescribing.Type { return d.optionTypeName }
    return "mapping"
}

/// Key under which the decoder tells option types what kind of YAML node they are reading
/// (`"scalar"`, `"sequence"`, `"mapping"`), for values that accept more than one shape.
public let configNodeKindKey = CodingUserInfoKey(rawValue: "syndicate.nodeKind")!

/// Key under which the decoder passes the directory relative paths are resolved against.
public let configBaseDirectoryKey = CodingUserInfoKey(rawValue: "syndicate.baseDirectory")!

/// Key under which the decoder says whether referenced files must exist now (`validate`).
public let configCheckFilesKey = CodingUserInfoKey(rawValue: "syndicate.checkFiles")!
