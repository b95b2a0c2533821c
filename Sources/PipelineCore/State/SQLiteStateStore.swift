import Foundation
import GRDB

/// The default state store: one SQLite file beside the pipeline (WAL mode, schema versioned with
/// migrations). Every pipeline's rows are keyed by its name, so pipelines may share a file.
///
/// ```swift
/// let store = try SQLiteStateStore(url: URL(fileURLWithPath: ".syndicate/jobs.sqlite"))
/// ```
public final class SQLiteStateStore: StateStore {
    /// The database file, or nil for an in-memory store.
    public let url: URL?
    let queue: DatabaseQueue

    /// Opens (creating and migrating if needed) the store at `url`; nil opens an in-memory store.
    public init(url: URL?) throws {
        self.url = url
        var configuration = Configuration()
        // The run's transaction spans several accesses (apply, publish each sink, commit).
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Records are about 2 KB of JSON: 16 KB pages keep each in one page and cut the
            // system calls of staging and merging a large run by half (measured). page_size only
            // takes effect on a new database.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 32 MB of page cache: a 100k-posting run takes 7.1 s instead of 8.6 s at 16 MB, and
            // peak RSS stays near 110 MB (48 MB would reach 140 MB; measured).
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            if let url {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                queue = try DatabaseQueue(path: url.path, configuration: configuration)
                try queue.writeWithoutTransaction { db in
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                }
            } else {
                queue = try DatabaseQueue(configuration: configuration)
            }
            try Self.migrator.migrate(queue)
        } catch {
            throw StateStoreError.unavailable("cannot open the state store \(url?.path ?? ":memory:"): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: records, postings, staging, sources, runs") { db in
            // Records are stored once, by content hash: staging writes a record at most once, a
            // new version never overwrites the one a failed source still needs, and merging a run
            // touches only the small rows of postings and staged.
            try db.execute(sql: """
                CREATE TABLE records (
                    hash TEXT PRIMARY KEY,
                    record TEXT NOT NULL
                );
                CREATE TABLE postings (
                    pipeline TEXT NOT NULL,
                    id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT,
                    updated_at TEXT NOT NULL,
                    missing_runs INTEGER NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1,
                    expired_at TEXT,
                    expire_reason TEXT,
                    valid_through TEXT,
                    date_posted TEXT,
                    PRIMARY KEY (pipeline, id)
                );
                CREATE INDEX postings_by_source ON postings (pipeline, source, active);
                CREATE INDEX postings_by_date ON postings (pipeline, active, date_posted);
                CREATE INDEX postings_by_hash ON postings (hash);
                CREATE TABLE staged (
                    pipeline TEXT NOT NULL,
                    id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    valid_through TEXT,
                    date_posted TEXT,
                    PRIMARY KEY (pipeline, id)
                );
                CREATE TABLE sources (
                    pipeline TEXT NOT NULL,
                    name TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    last_attempt TEXT,
                    last_success TEXT,
                    last_error TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (pipeline, name)
                );
                CREATE TABLE runs (
                    pipeline TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    exit_code INTEGER,
                    duration_seconds REAL,
                    report TEXT,
                    PRIMARY KEY (pipeline, run_id)
                );
                """)
        }
        return migrator
    }

    /// Runs `body` on the connection, synchronously. Local SQLite calls are short; a synchronous
    /// call also lets a run's sinks read the snapshot with non-Sendable writers.
    func access<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction(body)
    }

    /// Runs `body` in its own transaction, synchronously.
    func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                let value = try body(db)
                try db.execute(sql: "COMMIT")
                return value
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
    }

    public func lock(pipeline: String) throws -> any RunLock {
        let lockURL = (url ?? FileManager.default.temporaryDirectory.appendingPathComponent("syndicate-memory-\(ObjectIdentifier(self).hashValue)"))
            .appendingPathExtension("lock")
        return try FileLock(url: lockURL, pipeline: pipeline)
    }

    public func sourceStates(pipeline: String) async throws -> [String: SourceState] {
        try access { db in
            var states: [String: SourceState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM sources WHERE pipeline = ?", arguments: [pipeline]) {
                states[row["name"]] = SourceState(
                    etag: row["etag"], lastModified: row["last_modified"],
                    lastAttempt: (row["last_attempt"] as String?).flatMap(RFC3339.parse),
                    lastSuccess: (row["last_success"] as String?).flatMap(RFC3339.parse),
                    lastError: row["last_error"], consecutiveFailures: row["consecutive_failures"])
            }
            return states
        }
    }

    public func beginRun(pipeline: String, runID: String) async throws {
        try transaction { db in
            try db.execute(sql: "DELETE FROM staged WHERE pipeline = ?", arguments: [pipeline])
        }
    }

    public func stage(_ postings: [JobPosting], pipeline: String, runID: String) async throws {
        guard !postings.isEmpty else { return }
        try transaction { db in
            let record = try db.cachedStatement(sql: "INSERT OR IGNORE INTO records (hash, record) VALUES (?, ?)")
            let staged = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO staged (pipeline, id, source, hash, valid_through, date_posted) VALUES (?, ?, ?, ?, ?, ?)
                """)
            var writer = JSONWriter()
            for posting in postings {
                guard let id = posting.id else { continue }
                writer.reset()
                posting.writeJSON(to: &writer)
                var hash = StableHash()
                hash.add(bytes: writer.bytes)
                let digest = hash.wideHex
                // An unchanged posting's record is already stored: OR IGNORE writes nothing.
                try record.execute(arguments: [digest, writer.string])
                try staged.execute(arguments: [
                    pipeline, id, posting.source ?? "", digest,
                    posting.validThrough.map(RFC3339.format), posting.datePosted.map(RFC3339.format),
                ])
            }
        }
    }

    public func applyRun(_ plan: RunPlan) async throws -> any RunTransaction {
        let counts: [String: SourceCounts] = try access { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                let counts = try Self.apply(plan, db)
                return counts
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
        return SQLiteRunTransaction(store: self, plan: plan, counts: counts)
    }

    public func recordFailedRun(_ plan: RunPlan) async throws {
        try transaction { db in
            try Self.updateSources(plan, db)
            try db.execute(sql: "DELETE FROM staged WHERE pipeline = ?", arguments: [plan.pipeline])
            try Self.collectRecords(db)
            try Self.insertRun(plan, exitCode: plan.exitCode, report: plan.reportJSON, db)
        }
    }

    public func status(pipeline: String, runs: Int) async throws -> PipelineStatus {
        try access { db in
            let active = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings WHERE pipeline = ? AND active = 1", arguments: [pipeline]) ?? 0
            let expired = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings WHERE pipeline = ? AND active = 0", arguments: [pipeline]) ?? 0
            let runRows = try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE pipeline = ? ORDER BY started_at DESC, rowid DESC LIMIT ?", arguments: [pipeline, runs])
            var activeBySource: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(*) AS n FROM postings WHERE pipeline = ? AND active = 1 GROUP BY source", arguments: [pipeline]) {
                activeBySource[row["source"]] = row["n"]
            }
            let sourceRows = try Row.fetchAll(db, sql: "SELECT * FROM sources WHERE pipeline = ? ORDER BY name", arguments: [pipeline])
            return PipelineStatus(
                pipeline: pipeline, active: active, expired: expired,
                runs: runRows.map { row in
                    PipelineStatus.Run(runID: row["run_id"], startedAt: row["started_at"], finishedAt: row["finished_at"], exitCode: row["exit_code"] ?? -1, durationSeconds: row["duration_seconds"])
                },
                sources: sourceRows.map { row in
                    PipelineStatus.Source(
                        name: row["name"], lastAttempt: row["last_attempt"], lastSuccess: row["last_success"], lastError: row["last_error"],
                        consecutiveFailures: row["consecutive_failures"], active: activeBySource[row["name"]] ?? 0)
                })
        }
    }

    // MARK: - Applying a run

    static func apply(_ plan: RunPlan, _ db: Database) throws -> [String: SourceCounts] {
        let now = RFC3339.format(plan.now)
        let p = plan.pipeline
        var counts: [String: SourceCounts] = [:]
        let previous = try Dictionary(
            Row.fetchAll(db, sql: "SELECT name, last_success FROM sources WHERE pipeline = ?", arguments: [p]).map { ($0["name"] as String, $0["last_success"] as String?) },
            uniquingKeysWith: { a, _ in a })
        for source in plan.sources where source.result == .complete {
            var c = SourceCounts()
            let s = source.name
            let staged = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM staged WHERE pipeline = ? AND source = ?", arguments: [p, s]) ?? 0
            try db.execute(sql: """
                INSERT INTO postings (pipeline, id, source, hash, first_seen, updated_at, valid_through, date_posted)
                SELECT s.pipeline, s.id, s.source, s.hash, ?, ?, s.valid_through, s.date_posted
                FROM staged s
                WHERE s.pipeline = ? AND s.source = ?
                  AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.pipeline = s.pipeline AND p.id = s.id)
                """, arguments: [now, now, p, s])
            c.new = db.changesCount
            try db.execute(sql: """
                UPDATE postings SET hash = s.hash, source = s.source, active = 1, missing_runs = 0,
                    expired_at = NULL, expire_reason = NULL, updated_at = ?,
                    valid_through = s.valid_through, date_posted = s.date_posted
                FROM staged s
                WHERE postings.pipeline = ? AND s.pipeline = postings.pipeline AND s.id = postings.id AND s.source = ?
                  AND s.hash != postings.hash
                """, arguments: [now, p, s])
            c.updated = db.changesCount
            // Unchanged postings that had gone missing or expired come back without a rewrite.
            try db.execute(sql: """
                UPDATE postings SET active = 1, missing_runs = 0, expired_at = NULL, expire_reason = NULL, source = s.source
                FROM staged s
                WHERE postings.pipeline = ? AND s.pipeline = postings.pipeline AND s.id = postings.id AND s.source = ?
                  AND s.hash = postings.hash AND (postings.active = 0 OR postings.missing_runs > 0)
                """, arguments: [p, s])
            c.unchanged = staged - c.new - c.updated
            try db.execute(sql: """
                UPDATE postings SET missing_runs = missing_runs + 1,
                    last_seen = CASE WHEN missing_runs = 0 THEN ? ELSE last_seen END
                WHERE pipeline = ? AND source = ? AND active = 1
                  AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.pipeline = postings.pipeline AND s.id = postings.id)
                """, arguments: [previous[s] ?? nil, p, s])
            try db.execute(sql: """
                UPDATE postings SET active = 0, expired_at = ?, expire_reason = 'missing'
                WHERE pipeline = ? AND source = ? AND active = 1 AND missing_runs >= ?
                """, arguments: [now, p, s, max(1, source.expireAfterMissing)])
            c.expired = db.changesCount
            counts[s] = c
        }
        // Whatever its source did, a posting past its valid_through leaves the active set.
        for row in try Row.fetchAll(db, sql: """
            SELECT source, COUNT(*) AS n FROM postings
            WHERE pipeline = ? AND active = 1 AND valid_through IS NOT NULL AND valid_through < ? GROUP BY source
            """, arguments: [p, now]) {
            counts[row["source"], default: SourceCounts()].expired += row["n"] as Int
        }
        try db.execute(sql: """
            UPDATE postings SET active = 0, expired_at = ?, expire_reason = 'valid_through'
            WHERE pipeline = ? AND active = 1 AND valid_through IS NOT NULL AND valid_through < ?
            """, arguments: [now, p, now])
        // Expired postings are kept 90 days for status and for dedupe across runs, then dropped.
        var purged = 0
        if let cutoff = Calendar(identifier: .gregorian).date(byAdding: .day, value: -90, to: plan.now) {
            try db.execute(sql: "DELETE FROM postings WHERE pipeline = ? AND active = 0 AND expired_at < ?", arguments: [p, RFC3339.format(cutoff)])
            purged = db.changesCount
        }
        let staleStaged = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM staged s WHERE s.pipeline = ?
              AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.pipeline = s.pipeline AND p.id = s.id AND p.hash = s.hash)
            """, arguments: [p]) ?? 0
        try db.execute(sql: "DELETE FROM staged WHERE pipeline = ?", arguments: [p])
        // Records no posting refers to any more (replaced versions, reads of failed sources) are
        // dropped; a run in which nothing changed skips the scan.
        if purged > 0 || staleStaged > 0 || counts.values.contains(where: { $0.updated > 0 }) {
            try collectRecords(db)
        }
        try updateSources(plan, db)
        try insertRun(plan, exitCode: nil, report: nil, db)
        return counts
    }

    /// Deletes the records that no posting of any pipeline refers to.
    static func collectRecords(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM records WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.hash = records.hash)
              AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.hash = records.hash)
            """)
    }

    static func updateSources(_ plan: RunPlan, _ db: Database) throws {
        let now = RFC3339.format(plan.now)
        for source in plan.sources {
            try db.execute(sql: "INSERT OR IGNORE INTO sources (pipeline, name) VALUES (?, ?)", arguments: [plan.pipeline, source.name])
            switch source.result {
            case .complete:
                try db.execute(sql: """
                    UPDATE sources SET etag = ?, last_modified = ?, last_attempt = ?, last_success = ?, last_error = NULL, consecutive_failures = 0
                    WHERE pipeline = ? AND name = ?
                    """, arguments: [source.etag, source.lastModified, now, now, plan.pipeline, source.name])
            case .notModified:
                try db.execute(sql: """
                    UPDATE sources SET etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), last_attempt = ?, last_success = ?,
                        last_error = NULL, consecutive_failures = 0
                    WHERE pipeline = ? AND name = ?
                    """, arguments: [source.etag, source.lastModified, now, now, plan.pipeline, source.name])
            case .failed(let message):
                try db.execute(sql: """
                    UPDATE sources SET last_attempt = ?, last_error = ?, consecutive_failures = consecutive_failures + 1
                    WHERE pipeline = ? AND name = ?
                    """, arguments: [now, message, plan.pipeline, source.name])
            }
        }
    }

    static func insertRun(_ plan: RunPlan, exitCode: Int32?, report: String?, _ db: Database) throws {
        let finished = exitCode == nil ? nil : RFC3339.format(Date())
        try db.execute(sql: """
            INSERT OR REPLACE INTO runs (pipeline, run_id, started_at, finished_at, exit_code, duration_seconds, report)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [plan.pipeline, plan.runID, RFC3339.format(plan.startedAt), finished, exitCode.map { Int($0) },
                             exitCode == nil ? nil : Date().timeIntervalSince(plan.startedAt), report])
    }
}

/// The open transaction of one run on the SQLite store.
final class SQLiteRunTransaction: RunTransaction, @unchecked Sendable {
    // @unchecked: used by the one task that runs the pipeline; the queue serializes access.
    let store: SQLiteStateStore
    let plan: RunPlan
    let counts: [String: SourceCounts]
    private var open = true

    init(store: SQLiteStateStore, plan: RunPlan, counts: [String: SourceCounts]) {
        self.store = store
        self.plan = plan
        self.counts = counts
    }

    func forEach(order: FeedOrder, _ visit: (StoredPosting) throws -> Bool) async throws {
        let sql = """
            SELECT r.record FROM postings JOIN records r ON r.hash = postings.hash
            WHERE postings.pipeline = ? AND postings.active = 1 ORDER BY \(SQLiteOrder.clause(order))
            """
        try store.access { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [plan.pipeline])
            while let row = try rows.next() {
                let text: String = row[0]
                guard try visit(StoredPosting(json: Array(text.utf8))) else { break }
            }
        }
    }

    func activeCount() async throws -> Int {
        try store.access { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings WHERE pipeline = ? AND active = 1", arguments: [plan.pipeline]) ?? 0
        }
    }

    func commit(exitCode: Int32, reportJSON: String?) async throws {
        guard open else { return }
        open = false
        try store.access { db in
            do {
                try SQLiteStateStore.insertRun(plan, exitCode: exitCode, report: reportJSON, db)
                try db.execute(sql: "COMMIT")
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
    }

    func rollback() async {
        guard open else { return }
        open = false
        try? store.access { db in try db.execute(sql: "ROLLBACK") }
    }

    deinit {
        if open {
            try? store.access { db in try db.execute(sql: "ROLLBACK") }
        }
    }
}

/// A `sort:` order as SQL over the stored JSON records: absent values last in either direction,
/// ties by id, as the README promises.
enum SQLiteOrder {
    static func clause(_ order: FeedOrder) -> String {
        var parts: [String] = []
        for key in order.keys {
            let expression: String
            if key.path.field == .datePosted {
                expression = "postings.date_posted"
            } else {
                expression = "json_extract(r.record, '\(jsonPath(key.path))')"
            }
            parts.append("(\(expression) IS NULL)")
            parts.append("\(expression) \(key.descending ? "DESC" : "ASC")")
        }
        parts.append("postings.id ASC")
        return parts.joined(separator: ", ")
    }

    /// `$.location.city`, or `$.extra."key"` with the key quoted.
    static func jsonPath(_ path: FieldPath) -> String {
        if path.field == .extra {
            let key = (path.extraKey ?? "").replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "'", with: "''")
            return "$.extra.\"\(key)\""
        }
        return "$." + path.field.rawValue
    }
}
