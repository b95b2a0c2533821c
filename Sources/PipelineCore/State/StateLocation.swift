import Foundation

/// Chooses and opens a pipeline's state store: `--state` wins over `state:` in the file, which
/// wins over `.syndicate/<name>.sqlite` beside the pipeline file.
///
/// ```swift
/// let store = try StateLocation(pipeline: pipeline, override: nil).open()
/// ```
public struct StateLocation: Sendable {
    /// The SQLite file.
    public let url: URL

    /// The location for a pipeline; `override` is `--state` as typed (relative to the working
    /// directory, like any command-line path).
    public init(pipeline: Pipeline, override: String?) {
        if let override {
            url = URL(fileURLWithPath: (override as NSString).expandingTildeInPath).standardizedFileURL
        } else {
            url = pipeline.state?.url ?? pipeline.defaultStateURL
        }
    }

    /// The folder beside the state where rejects files go.
    public var rejectsDirectory: URL {
        url.deletingLastPathComponent().appendingPathComponent("rejects")
    }

    /// Whether a store exists there yet.
    public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Opens the store. A dry run of a pipeline that has no state yet runs against an empty
    /// in-memory store, so that it creates nothing on disk.
    public func open(dryRun: Bool = false) throws -> any StateStore {
        if dryRun && !exists { return try SQLiteStateStore(url: nil) }
        return try SQLiteStateStore(url: url)
    }
}
