/// The options of a plugin: a `Codable` struct decoded strictly from the plugin's block of the
/// pipeline file. The same struct gives `syndicate plugins` its option list, types and defaults.
///
/// ```swift
/// struct Options: PluginOptions {
///     var pretty: Bool
///     static let optionHelp = ["pretty": "indent the output"]
///     init(from decoder: any Decoder) throws {
///         let c = try decoder.container(keyedBy: CodingKeys.self)
///         pretty = try c.decodeIfPresent(Bool.self, forKey: .pretty) ?? false
///     }
/// }
/// ```
public protocol PluginOptions: Codable, Sendable {
    /// One line of help per option key.
    static var optionHelp: [String: String] { get }
}

extension PluginOptions {
    /// No help by default.
    public static var optionHelp: [String: String] { [:] }
}

/// The options of a plugin that takes none.
public struct NoOptions: PluginOptions {
    /// Creates empty options.
    public init() {}
    /// Reads nothing, so every key given is reported as unknown.
    public init(from decoder: any Decoder) throws {}
    /// Writes nothing.
    public func encode(to encoder: any Encoder) throws {}
}

/// Where a plugin comes from, as `syndicate plugins` shows it.
public enum PluginOrigin: String, Sendable, Codable, Hashable {
    case builtIn = "built-in"
    case exec
    case distribution
}

/// The three kinds of plugin.
public enum PluginKind: String, Sendable, Codable, Hashable, CaseIterable {
    case source, stage, sink
}
