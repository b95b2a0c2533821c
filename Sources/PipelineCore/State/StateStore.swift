import Foundation

/// Where a pipeline keeps what it knows between runs: the active postings, each source's fetch
/// state and health, and the run history. Behind this protocol so that the SQLite store beside a
/// pipeline file (`SQLiteStateStore`) and the PostgreSQL store several hosts share
/// (`PostgresStateStore`) are interchangeable; plugins never see it.
///
/// A run uses it in this order: `lock`, `beginRun`, `stage` for every batch the stages put out,
/// then `finishRun`, which applies the run in one transaction and lets the caller publish the
/// resulting active set before it commits.
///
/// ```swift
/// let store = try SQLiteStateStore(url: pipeline.defaultStateURL)
/// let lock = try await store.lock(pipeline: "jobs")
/// ```
public protocol StateStore: Sendable {
    /// Takes the pipeline's exclusive run lock, or throws `StateStoreError.locked` at once.
    func lock(pipeline: String) async throws -> any RunLock
    /// The stored fetch state of every source of the pipeline.
    func sourceStates(pipeline: String) async throws -> [String: SourceState]
    /// What the store remembers of each sink's last published feed, by sink name.
    func sinkStates(pipeline: String) async throws -> [String: SinkState]
    /// Starts a run: forgets what an interrupted earlier run staged.
    func beginRun(pipeline: String, runID: String) async throws
    /// Stages postings that the stages put out; nothing changes in the active set yet. The
    /// batch is the store's to use up (and to read in place, when no one else holds it).
    func stage(_ postings: consuming [JobPosting], pipeline: String, runID: String) async throws
    /// Visits the postings earlier runs left active (not this run's staged ones) for which
    /// `wanted(id, firstSeen)` is true, for dedupe; the others' records are not read.
    func forEachActive(pipeline: String, where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) async throws
    /// Collapses the staged (and earlier active) postings each request names into its survivor,
    /// merged by `PostingMerge`; postings a request names that are neither staged nor active
    /// (a later stage dropped them) are left out, and so is what `failedSources` staged (the run
    /// will not use it). A run may call it several times, each with other clusters. Returns how
    /// many postings were merged away.
    @discardableResult
    func merge(_ requests: [MergeRequest], pipeline: String, failedSources: Set<String>) async throws -> Int
    /// Opens the run's transaction and applies the run in it: merges what the successful sources
    /// staged, expires what they stopped listing and what is past its `valid_through`, records
    /// the sources' states and the run. Nothing is visible to others until `commit`.
    func applyRun(_ plan: RunPlan) async throws -> any RunTransaction
    /// `applyRun`, handing the new active set to `feed` in the default feed order while the run
    /// is applied, where the store can do that without reading it back (SQLite, on a pipeline's
    /// first run: every active posting is one the run writes, and it writes them in that
    /// order). `fed` is true when it did, and `feed` then saw every active posting until it
    /// returned false; otherwise `feed` was never called.
    func applyRun(_ plan: RunPlan, feeding feed: (StoredPosting) -> Bool) async throws -> (transaction: any RunTransaction, fed: Bool)
    /// Records a run that publishes nothing (every source failed, a stage failed): its history
    /// and the sources' health, without touching the active set.
    func recordFailedRun(_ plan: RunPlan) async throws
    /// What `syndicate status` shows.
    func status(pipeline: String, runs: Int) async throws -> PipelineStatus
    /// Lets go of the store's connection, if it has one.
    func close() async

    /// The names of the pipelines the store holds state for.
    func pipelines() async throws -> [String]
    /// Sends every posting of the pipeline to `visit`, `batch` at a time, and returns its
    /// sources and runs; for `syndicate state migrate`.
    func exportState(pipeline: String, batch: Int, _ visit: StateCopy.Add) async throws -> StateCopy.History
    /// Replaces the pipeline's state with what `fill` adds and returns, in one transaction:
    /// either all of it arrives or nothing changes. Throws if the store already holds state for
    /// the pipeline, unless `replace`.
    func importState(pipeline: String, replace: Bool, _ fill: (StateCopy.Add) async throws -> StateCopy.History) async throws
}

extension StateStore {
    public func close() async {}

    /// Applies the run without feeding anything (see the protocol's requirement).
    public func applyRun(_ plan: RunPlan, feeding feed: (StoredPosting) -> Bool) async throws -> (transaction: any RunTransaction, fed: Bool) {
        (try await applyRun(plan), false)
    }

    /// Visits every posting earlier runs left active (not this run's staged ones).
    public func forEachActive(pipeline: String, _ visit: (EarlierPosting) throws -> Void) async throws {
        try await forEachActive(pipeline: pipeline, where: { _, _ in true }, visit)
    }
}

/// A held run lock; released by `release()` or when the process ends, however it ends.
public protocol RunLock: Sendable {
    /// Releases the lock.
    func release() async
}

/// A run applied but not yet committed: the sinks read the new active set from it, then the
/// runner commits (and renames the feeds into place) or rolls back (dry run, a sink failed).
public protocol RunTransaction: AnyObject, Sendable {
    /// What the run did to each successful source's postings.
    var counts: [String: SourceCounts] { get }
    /// Visits the active postings in `order` (ties by id) until `visit` returns false; `limit`
    /// says how many the caller will take at most, when it knows.
    func forEach(order: FeedOrder, limit: Int?, _ visit: (StoredPosting) throws -> Bool) async throws
    /// How many postings are active.
    func activeCount() async throws -> Int
    /// The newest `date_posted` of the active postings.
    func newestDatePosted() async throws -> Date?
    /// A digest of the active set (every active posting's id and record): equal digests mean
    /// the same postings with the same records.
    func activeDigest() async throws -> String
    /// Records, in the run's transaction, what each sink written by this run published.
    func recordSinks(_ states: [String: SinkState]) async throws
    /// Makes the run permanent, recording how it ended.
    func commit(exitCode: Int32, reportJSON: String?) async throws
    /// Forgets the run.
    func rollback() async
}

extension RunTransaction {
    /// Visits every active posting in `order` until `visit` returns false.
    public func forEach(order: FeedOrder, _ visit: (StoredPosting) throws -> Bool) async throws {
        try await forEach(order: order, limit: nil, visit)
    }
}

/// Why a store cannot serve a run.
public enum StateStoreError: Error, Sendable, CustomStringConvertible {
    /// Another run holds the lock.
    case locked(pipeline: String, holder: String?)
    /// The store cannot be opened or used.
    case unavailable(String)

    public var description: String {
        switch self {
        case .locked(let pipeline, let holder):
            return "another run of '\(pipeline)' holds the lock\(holder.map { " (\($0))" } ?? ""); this run did nothing"
        case .unavailable(let message):
            return message
        }
    }
}

/// What a store remembers of a source between runs.
public struct SourceState: Sendable, Codable, Hashable {
    /// The last response's ETag; for a `path:` source, the file's `FileValidator`.
    public var etag: String?
    /// The last response's Last-Modified.
    public var lastModified: String?
    /// When it was last read, successfully or not.
    public var lastAttempt: Date?
    /// When it was last read successfully.
    public var lastSuccess: Date?
    /// The last error, cleared by a success.
    public var lastError: String?
    /// Failures since the last success.
    public var consecutiveFailures: Int
    /// The pipeline's fingerprint at the last success (`Pipeline.fingerprint`): the validators
    /// hold only while the pipeline reads the source the same way.
    public var fingerprint: String?

    /// Creates a state.
    public init(etag: String? = nil, lastModified: String? = nil, lastAttempt: Date? = nil, lastSuccess: Date? = nil, lastError: String? = nil,
                consecutiveFailures: Int = 0, fingerprint: String? = nil) {
        self.fingerprint = fingerprint
        self.etag = etag
        self.lastModified = lastModified
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
    }
}

/// How one source's read ended.
public enum SourceResult: Sendable, Hashable {
    /// Read in full: its postings replace what it listed before.
    case complete
    /// The server said 304 Not Modified: its postings stay as they are.
    case notModified
    /// Failed: its postings stay as they are, and none of this run's are used.
    case failed(String)
}

/// What a run tells the store when it finishes.
public struct RunPlan: Sendable {
    /// One source's outcome.
    public struct Source: Sendable {
        public var name: String
        public var result: SourceResult
        /// Validators of the response, for the next conditional request.
        public var etag: String?
        public var lastModified: String?
        /// The pipeline's fingerprint, kept with the validators of a successful read.
        public var fingerprint: String?
        /// Runs a posting may be missing from this source before it expires (at least 1).
        public var expireAfterMissing: Int
        /// Postings the source emitted and rejected.
        public var read: Int
        public var rejected: Int

        public init(name: String, result: SourceResult, etag: String? = nil, lastModified: String? = nil, fingerprint: String? = nil,
                    expireAfterMissing: Int = 1, read: Int = 0, rejected: Int = 0) {
            self.name = name
            self.fingerprint = fingerprint
            self.result = result
            self.etag = etag
            self.lastModified = lastModified
            self.expireAfterMissing = expireAfterMissing
            self.read = read
            self.rejected = rejected
        }
    }

    public var pipeline: String
    public var runID: String
    public var startedAt: Date
    /// The time postings are judged against (`valid_through`) and recorded with.
    public var now: Date
    public var sources: [Source]
    public var dryRun: Bool
    /// Filled by the caller once known: how the run ended, and its report as JSON.
    public var exitCode: Int32
    public var reportJSON: String?

    public init(pipeline: String, runID: String, startedAt: Date, now: Date, sources: [Source], dryRun: Bool, exitCode: Int32 = 0, reportJSON: String? = nil) {
        self.pipeline = pipeline
        self.runID = runID
        self.startedAt = startedAt
        self.now = now
        self.sources = sources
        self.dryRun = dryRun
        self.exitCode = exitCode
        self.reportJSON = reportJSON
    }
}

/// What a run did to one source's postings.
public struct SourceCounts: Sendable, Codable, Hashable {
    public var new = 0
    public var updated = 0
    public var unchanged = 0
    public var expired = 0
    /// Postings of earlier runs that this run found to duplicate another (counted in `expired`).
    public var merged = 0
    public init() {}
}

/// What `syndicate status` shows of a pipeline.
public struct PipelineStatus: Sendable, Codable {
    /// One past run.
    public struct Run: Sendable, Codable {
        public var runID: String
        public var startedAt: String
        public var finishedAt: String?
        public var exitCode: Int32
        public var durationSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case exitCode = "exit_code"
            case durationSeconds = "duration_seconds"
        }
    }

    /// One source's health.
    public struct Source: Sendable, Codable {
        public var name: String
        public var lastAttempt: String?
        public var lastSuccess: String?
        public var lastError: String?
        public var consecutiveFailures: Int
        public var active: Int
        enum CodingKeys: String, CodingKey {
            case name
            case lastAttempt = "last_attempt"
            case lastSuccess = "last_success"
            case lastError = "last_error"
            case consecutiveFailures = "consecutive_failures"
            case active
        }
    }

    public var pipeline: String
    public var active: Int
    public var expired: Int
    public var runs: [Run]
    public var sources: [Source]
}
