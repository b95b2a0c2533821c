import Foundation

/// Chooses and opens a pipeline's state store: `--state` wins over `state:` in the file, which
/// wins over `.syndicate/<name>.sqlite` beside the pipeline file. A `postgres://` (or
/// `postgresql://`) URL names a PostgreSQL database; anything else is a SQLite file.
///
/// ```swift
/// let store = try await StateLocation(pipeline: pipeline, override: nil).open()
/// ```
public struct StateLocation: Sendable, CustomStringConvertible {
    /// The two kinds of store.
    public enum Kind: Sendable, Hashable {
        /// A SQLite file.
        case sqlite(URL)
        /// A PostgreSQL database.
        case postgres(PostgresURL)
    }

    /// Which store, and where.
    public let kind: Kind
    /// Where rejects files go: beside a SQLite state, in `.syndicate/rejects` beside the
    /// pipeline file for a database.
    public let rejectsDirectory: URL

    /// The location for a pipeline; `override` is `--state` as typed (a path relative to the
    /// working directory, like any command-line path, or a URL).
    public init(pipeline: Pipeline, override: String?) throws(ConfigValueError) {
        let fallbackRejects = pipeline.defaultStateURL.deletingLastPathComponent().appendingPathComponent("rejects")
        if let override {
            try self.init(override, rejectsDirectory: fallbackRejects)
        } else if let state = pipeline.state, PostgresURL.matches(state.text) {
            self.init(kind: .postgres(try PostgresURL(state.text)), rejectsDirectory: fallbackRejects)
        } else {
            let url = pipeline.state?.url ?? pipeline.defaultStateURL
            self.init(kind: .sqlite(url), rejectsDirectory: url.deletingLastPathComponent().appendingPathComponent("rejects"))
        }
    }

    private init(kind: Kind, rejectsDirectory: URL) {
        self.kind = kind
        self.rejectsDirectory = rejectsDirectory
    }

    /// A location as typed on the command line: a URL, or a path relative to the working
    /// directory.
    public init(_ text: String, rejectsDirectory: URL? = nil) throws(ConfigValueError) {
        if PostgresURL.matches(text) {
            kind = .postgres(try PostgresURL(text))
            self.rejectsDirectory = rejectsDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        } else {
            let url = URL(fileURLWithPath: (text as NSString).expandingTildeInPath).standardizedFileURL
            kind = .sqlite(url)
            self.rejectsDirectory = url.deletingLastPathComponent().appendingPathComponent("rejects")
        }
    }

    /// Whether a store may exist there: a SQLite file that exists, or any database (which only
    /// connecting tells).
    public var exists: Bool {
        switch kind {
        case .sqlite(let url): FileManager.default.fileExists(atPath: url.path)
        case .postgres: true
        }
    }

    /// The file's path or the database's URL without its password.
    public var description: String {
        switch kind {
        case .sqlite(let url): url.path
        case .postgres(let url): url.description
        }
    }

    /// Opens the store. A dry run of a pipeline that has no SQLite state yet runs against an
    /// empty in-memory store, so that it creates nothing on disk.
    public func open(dryRun: Bool = false) async throws -> any StateStore {
        switch kind {
        case .sqlite(let url):
            if dryRun && !exists { return try SQLiteStateStore(url: nil) }
            return try SQLiteStateStore(url: url)
        case .postgres(let url):
            return try await PostgresStateStore.connect(url)
        }
    }
}
