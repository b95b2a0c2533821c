import Foundation
import Logging

/// A source of postings: reads its input and emits postings one by one into a `SourceOutput`,
/// which batches them towards the stages with back-pressure, so a source never holds more than a
/// batch however large its feed is.
///
/// ```swift
/// struct LinesSource: Source {
///     static let type = "lines"
///     static let summary = "One title per line"
///     init(options: NoOptions, context: SourceContext) throws {}
///     func read(into output: SourceOutput) async throws {
///         try await output.emit(JobPosting(sourceID: "1", title: "Dev"), position: "line 1")
///     }
/// }
/// ```
public protocol Source: Sendable {
    /// The options this source takes beyond the common ones.
    associatedtype Options: PluginOptions
    /// The `type:` name in pipeline files.
    static var type: String { get }
    /// One line for `syndicate plugins`.
    static var summary: String { get }
    /// Whether the source reads a document from `path:` or `url:` (most do).
    static var readsInput: Bool { get }
    /// Creates the source from its decoded options; throw `ConfigValueError` for bad values.
    init(options: Options, context: SourceContext) throws
    /// Reads the input and emits every posting. Throwing fails this source alone.
    func read(into output: SourceOutput) async throws
}

extension Source {
    /// Sources read `path:` or `url:` unless they say otherwise.
    public static var readsInput: Bool { true }
}

/// What a source knows about its place in the pipeline.
public struct SourceContext: Sendable {
    /// The source's name in the pipeline file.
    public let name: String
    /// Where the source reads from, when it reads a document.
    public let input: SourceInput?
    /// The pipeline file's directory; relative paths are resolved against it.
    public let baseDirectory: URL
    /// The logger, labelled with the source's name.
    public let logger: Logger

    /// Creates a context.
    public init(name: String, input: SourceInput?, baseDirectory: URL, logger: Logger) {
        self.name = name
        self.input = input
        self.baseDirectory = baseDirectory
        self.logger = logger
    }

}

/// A failure of one source, with a message for the operator (`feeds/b.json:1:32: unexpected
/// end of document`).
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, and where.
    public let message: String
    /// Creates a source error.
    public init(_ message: String) {
        self.message = message
    }
    /// The message.
    public var description: String { message }
}
