import Foundation
import Logging

/// A sink formats the postings it is given into one feed document. The runner does the rest that
/// every sink shares: `where:`, `sort:`, `limit:`, and writing the file atomically.
///
/// ```swift
/// struct TitlesSink: Sink {
///     static let type = "titles"
///     static let summary = "One title per line"
///     init(options: NoOptions, context: SinkContext) throws {}
///     func makeWriter() -> any FeedWriter { TitlesWriter() }
/// }
/// ```
public protocol Sink: Sendable {
    /// The sink's options beyond the common ones.
    associatedtype Options: PluginOptions
    /// The `type:` name in pipeline files.
    static var type: String { get }
    /// One line for `syndicate plugins`.
    static var summary: String { get }
    /// Creates the sink from its decoded options; throw `ConfigValueError` for bad values.
    init(options: Options, context: SinkContext) throws
    /// A writer for one feed document.
    func makeWriter() -> any FeedWriter
    /// The extension of the files when the sink writes a folder with a file per posting (its
    /// `path:` names the folder), else nil.
    var filePerPosting: String? { get }
    /// Whether a failure of this sink fails it alone (the other feeds are published, the run
    /// exits 3) rather than the whole run (an exec sink: a partner's endpoint being down must
    /// not stop the board's own feeds).
    var failsAlone: Bool { get }
}

extension Sink {
    /// One document by default.
    public var filePerPosting: String? { nil }
    /// A sink's failure fails the run by default: the feeds of one run stay consistent.
    public var failsAlone: Bool { false }
}

/// Writes one feed document: `begin`, then `write` per posting, then `end`.
public protocol FeedWriter {
    /// Writes what comes before the first posting.
    mutating func begin(_ out: FeedOutput) throws
    /// Writes one posting.
    mutating func write(_ posting: JobPosting, to out: FeedOutput) throws
    /// Writes one posting as the state holds it; by default decodes it and calls
    /// `write(_:to:)`. Writers of the record's own JSON form copy the bytes instead.
    mutating func write(stored: StoredPosting, to out: FeedOutput) throws
    /// Writes what comes after the last posting.
    mutating func end(_ out: FeedOutput) throws
    /// Whether the writer checks each posting with `problem(with:)` (which needs it decoded).
    var checksPostings: Bool { get }
    /// Why the format's consumers would reject the posting (a required field missing), or nil.
    func problem(with posting: JobPosting) -> String?
}

extension FeedWriter {
    /// Decodes the stored posting and writes it (lent, not copied).
    public mutating func write(stored: StoredPosting, to out: FeedOutput) throws {
        try stored.withPosting { try write($0, to: out) }
    }

    /// Nothing before the first posting by default.
    public mutating func begin(_ out: FeedOutput) throws {}
    /// Nothing after the last posting by default.
    public mutating func end(_ out: FeedOutput) throws {}
    /// No checks by default.
    public var checksPostings: Bool { false }
    /// Every posting is fine by default.
    public func problem(with posting: JobPosting) -> String? { nil }
}

/// What a sink knows about its place in the pipeline.
public struct SinkContext: Sendable {
    /// The sink's name in the pipeline file.
    public let name: String
    /// The pipeline's name.
    public let pipelineName: String
    /// The pipeline file's directory.
    public let baseDirectory: URL
    /// The logger.
    public let logger: Logger

    /// Creates a context.
    public init(name: String, pipelineName: String, baseDirectory: URL, logger: Logger) {
        self.name = name
        self.pipelineName = pipelineName
        self.baseDirectory = baseDirectory
        self.logger = logger
    }
}
