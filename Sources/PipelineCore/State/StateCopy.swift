import Foundation

/// Everything a store holds of one pipeline, in a form either store reads and writes, so that
/// `syndicate state migrate` moves a pipeline between SQLite and PostgreSQL without losing its
/// active set, its sources' validators and health, or its run history.
///
/// ```swift
/// try await target.importState(pipeline: "jobs", replace: false) { add in
///     try await origin.exportState(pipeline: "jobs", batch: 1_000, add)
/// }
/// ```
public enum StateCopy {
    /// One posting, active or expired, with its record.
    public struct Posting: Sendable {
        public var id: String
        public var source: String
        /// The record's JSON, as the store holds it; its hash is recomputed from these bytes.
        public var record: [UInt8]
        public var firstSeen: Date
        public var lastSeen: Date?
        public var updatedAt: Date
        public var missingRuns: Int
        public var active: Bool
        public var expiredAt: Date?
        public var expireReason: String?
        public var validThrough: Date?
        public var datePosted: Date?

        /// Creates a posting row.
        public init(
            id: String, source: String, record: [UInt8], firstSeen: Date, lastSeen: Date?, updatedAt: Date, missingRuns: Int,
            active: Bool, expiredAt: Date?, expireReason: String?, validThrough: Date?, datePosted: Date?
        ) {
            self.id = id
            self.source = source
            self.record = record
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.updatedAt = updatedAt
            self.missingRuns = missingRuns
            self.active = active
            self.expiredAt = expiredAt
            self.expireReason = expireReason
            self.validThrough = validThrough
            self.datePosted = datePosted
        }
    }

    /// One past run.
    public struct Run: Sendable {
        public var runID: String
        public var startedAt: Date
        public var finishedAt: Date?
        public var exitCode: Int?
        public var durationSeconds: Double?
        public var report: String?

        /// Creates a run row.
        public init(runID: String, startedAt: Date, finishedAt: Date?, exitCode: Int?, durationSeconds: Double?, report: String?) {
            self.runID = runID
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.exitCode = exitCode
            self.durationSeconds = durationSeconds
            self.report = report
        }
    }

    /// What is copied besides the postings.
    public struct History: Sendable {
        /// Each source's fetch state and health, by name.
        public var sources: [String: SourceState]
        /// The run history, oldest first.
        public var runs: [Run]

        /// Creates a history.
        public init(sources: [String: SourceState], runs: [Run]) {
            self.sources = sources
            self.runs = runs
        }
    }

    /// Receives batches of postings during an import.
    public typealias Add = ([Posting]) async throws -> Void

    /// The error for a target that already has state for the pipeline.
    static func occupied(_ pipeline: String, _ target: String) -> StateStoreError {
        .unavailable("\(target) already holds state for '\(pipeline)'; add --replace to overwrite it")
    }
}
