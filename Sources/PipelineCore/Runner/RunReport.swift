import Foundation

/// What a run did: every source, stage and sink with the same counters (received, sent, errors,
/// bytes, duration), the rejects and the warnings. `--report FILE` writes it as JSON.
public struct RunReport: Sendable, Codable {
    /// How the run ended.
    public enum Status: String, Sendable, Codable {
        case ok, partial, failed, interrupted, locked
    }

    /// One source's figures.
    public struct SourceReport: Sendable, Codable {
        public var name: String
        public var type: String
        /// `ok`, `not-modified` or `failed`.
        public var status: String
        public var error: String?
        /// Postings read and passed on.
        public var sent: Int
        public var rejected: Int
        public var warnings: Int
        /// What the run did to the source's postings in the active set.
        public var new: Int = 0
        public var updated: Int = 0
        public var unchanged: Int = 0
        public var expired: Int = 0
        /// Of the expired, postings of earlier runs that dedupe merged into another.
        public var merged: Int = 0
        public var durationSeconds: Double
    }

    /// One stage's figures.
    public struct StageReport: Sendable, Codable {
        public var type: String
        public var received: Int
        public var sent: Int
        public var durationSeconds: Double
        /// The stage's own figures, when it has any (dedupe: duplicates per rule).
        public var counts: [String: Int]? = nil
    }

    /// One sink's figures.
    public struct SinkReport: Sendable, Codable {
        public var name: String
        public var type: String
        public var path: String
        public var status: String
        public var error: String?
        public var received: Int
        public var written: Int
        public var bytes: Int
        public var durationSeconds: Double
        /// Postings the sink's format could not carry (a required field missing), left out of
        /// this feed only.
        public var leftOut: Int = 0
        /// Why, for the first of them: `id (source:source_id): reason`.
        public var leftOutReasons: [String]? = nil
        /// True when the feed was left as it was: nothing it shows changed since it was written.
        public var unchanged: Bool? = nil
        /// How many reasons a sink's report keeps.
        public static let keptReasons = 50
    }

    public var pipeline: String
    public var file: String
    public var status: Status
    public var exitCode: Int32
    public var dryRun: Bool
    public var startedAt: String
    public var finishedAt: String
    public var durationSeconds: Double
    public var sources: [SourceReport]
    public var stages: [StageReport]
    public var sinks: [SinkReport]
    public var rejects: Int
    public var rejectsFile: String?
    public var warnings: Int
    public var firstWarnings: [String]
    /// Postings active after the run.
    public var active: Int?
    /// Why nothing was published, when nothing was.
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case pipeline, file, status
        case exitCode = "exit_code"
        case dryRun = "dry_run"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case sources, stages, sinks, rejects
        case rejectsFile = "rejects_file"
        case warnings
        case firstWarnings = "first_warnings"
        case failure, active
    }

    /// The report of a run that could not start (its state store cannot be opened).
    public static func failedBeforeStart(_ pipeline: Pipeline, failure: String) -> RunReport {
        let now = RFC3339.format(Date())
        return RunReport(
            pipeline: pipeline.name, file: pipeline.file, status: .failed, exitCode: ExitStatus.failed, dryRun: false,
            startedAt: now, finishedAt: now, durationSeconds: 0, sources: [], stages: [], sinks: [], rejects: 0,
            rejectsFile: nil, warnings: 0, firstWarnings: [], active: nil, failure: failure)
    }

    /// The report as indented JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}

/// The exit codes of `syndicate run`, as the specification lists them.
public enum ExitStatus {
    /// Every source read, every feed published.
    public static let ok: Int32 = 0
    /// Nothing was published.
    public static let failed: Int32 = 1
    /// A source failed; feeds were published without its new postings.
    public static let partial: Int32 = 3
    /// Another run holds the pipeline's lock.
    public static let locked: Int32 = 75
    /// The pipeline file is invalid.
    public static let invalidConfig: Int32 = 78
    /// Stopped by SIGINT or SIGTERM; nothing was published.
    public static let interrupted: Int32 = 130
}
