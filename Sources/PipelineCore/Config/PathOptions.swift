import Foundation

/// A file path option, resolved against the pipeline file's directory (`~` and absolute paths as
/// they are). Used for outputs and state; inputs use `InputPath`, which must exist.
///
/// ```yaml
/// path: out/indeed.xml
/// ```
public struct ConfigPath: OptionValue, Hashable {
    /// The path as written.
    public let text: String
    /// The absolute location.
    public let url: URL

    public static let optionType = "file path (relative to the pipeline file)"
    public static let placeholder = ConfigPath(text: "", url: URL(fileURLWithPath: "/"))

    /// Creates a path from its text and resolved location.
    public init(text: String, url: URL) {
        self.text = text
        self.url = url
    }

    /// Resolves `text` against `base`.
    public init(_ text: String, relativeTo base: URL) {
        self.text = text
        let expanded = (text as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") {
            url = URL(fileURLWithPath: expanded).standardizedFileURL
        } else {
            url = base.appendingPathComponent(expanded).standardizedFileURL
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard !text.isEmpty else { throw ConfigValueError("the path is empty") }
        let base = decoder.userInfo[configBaseDirectoryKey] as? URL ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.init(text, relativeTo: base)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

/// An input file path; `syndicate validate` checks that it exists. A path with `*`, `?` or `[`
/// is a glob (the sources that take several documents expand it).
public struct InputPath: OptionValue, Hashable {
    /// The resolved path.
    public let path: ConfigPath

    public static let optionType = "file path or glob (relative to the pipeline file)"
    public static let placeholder = InputPath(path: .placeholder)

    /// Creates an input path.
    public init(path: ConfigPath) {
        self.path = path
    }

    /// Whether the path is a glob pattern.
    public var isGlob: Bool { path.text.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    public init(from decoder: any Decoder) throws {
        path = try ConfigPath(from: decoder)
        let check = decoder.userInfo[configCheckFilesKey] as? Bool ?? false
        if check, !isGlob, !FileManager.default.fileExists(atPath: path.url.path) {
            throw ConfigValueError("file not found: '\(path.text)' (looked for \(path.url.path)); fix the path, relative to the pipeline file")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try path.encode(to: encoder)
    }
}
