import Foundation
import GRDB
import Synchronization

/// The default state store: one SQLite file beside the pipeline (WAL mode, but for a first run
/// into an empty file: see `RunJournal`; schema versioned with migrations). Every pipeline's
/// rows are keyed by its name, so pipelines may share a file.
///
/// ```swift
/// let store = try SQLiteStateStore(url: URL(fileURLWithPath: ".syndicate/jobs.sqlite"))
/// ```
public final class SQLiteStateStore: StateStore {
    /// The database file, or nil for an in-memory store.
    public let url: URL?
    let queue: DatabaseQueue

    /// Below this many postings a sink reads its records in feed order directly; from it on,
    /// in storage order through `BucketReorder`.
    let reorderThreshold: Int
    /// Pipelines whose run began with no postings at all (a first run): see `Stager.fresh`.
    private let freshPipelines = Mutex<Set<String>>([])
    /// The run locks of a store in memory (see `lock`).
    private let memoryLocks = ProcessLocks()
    /// The open run's spooled records (see `RecordSpool`); nil outside a run.
    private let openSpool = Mutex<RecordSpool?>(nil)
    /// How many merges this store kept as they were instead of making them again (see
    /// `MergeInputs`), over its lifetime: what tests read to tell the two apart.
    let keptMerges = Mutex(0)

    /// Drops the open run's spool (its file goes with it).
    func closeSpool() {
        openSpool.withLock { $0 = nil }
    }

    /// The open run's spool, or a clear error when no run is open.
    func spool() throws -> RecordSpool {
        guard let spool = openSpool.withLock({ $0 }) else {
            throw StateStoreError.unavailable("no run is open on the state store: begin a run before staging postings")
        }
        return spool
    }

    func isFresh(_ pipeline: String) -> Bool {
        freshPipelines.withLock { $0.contains(pipeline) }
    }

    /// Opens (creating and migrating if needed) the store at `url`; nil opens an in-memory store.
    public convenience init(url: URL?) throws {
        try self.init(url: url, reorderThreshold: 20_000)
    }

    /// The connection's page cache, in kilobytes (see `prepareDatabase`).
    static let cacheKilobytes = 32768
    /// The page cache while the run's large sorts and single passes run (see `boundedSorts`).
    static let boundedSortCacheKilobytes = 8192

    /// Auxiliary threads SQLite's sorter may use in one statement (`PRAGMA threads`): with one,
    /// it sorts a filled run of rows in the background while the statement reads on, and merges
    /// the runs on two threads. A run's large sorts (dedupe's groupings, indexing the staged
    /// rows, the copy in feed order) were one core's work while the other waited: at a million
    /// postings, dedupe's three groupings took 4.0 s on one core, 2.7 s with a helper (perf
    /// timelines); alternating first runs spent 4–8 s less after the sources. Each helper sorts
    /// a run of the cache's size, so more helpers hold more memory (two: 12 MB more at the
    /// peak, for nothing more on two cores).
    static let sorterHelperThreads = 1

    /// Runs `body` with the connection's page cache at `boundedSortCacheKilobytes`. SQLite's
    /// sorter keeps runs the size of the main database's page cache in memory before spilling
    /// them to temporary files, so every sort over a run's postings (indexing the staged rows,
    /// the copy in feed order, the feed pass, dedupe's walk over earlier postings) held up to
    /// 32 MB more at its peak, and a run's peak memory grew with the run until its sorts
    /// reached that size (a `--reread` at 1M: 141 MB before the staged rows were indexed, 173
    /// during). The passes read each record once, so a large cache holds nothing read again.
    static func boundedSorts<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA cache_size = -\(boundedSortCacheKilobytes)")
        defer { try? db.execute(sql: "PRAGMA cache_size = -\(cacheKilobytes)") }
        return try body()
    }

    /// Indexes the run's staged rows by id, once (the merge and the apply both need it).
    static func indexStaged(_ db: Database) throws {
        try boundedSorts(db) { try db.execute(sql: "CREATE INDEX IF NOT EXISTS temp.staged_by_id ON staged (id)") }
    }

    init(url: URL?, reorderThreshold: Int) throws {
        self.url = url
        self.reorderThreshold = reorderThreshold
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
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteStateStore.cacheKilobytes)")
            // The same for the connection's temporary database, where a run's staged rows and
            // their index by id live (well over 100 MB at a million postings): at SQLite's default
            // of 2 MB, every lookup of the merge and the apply read its pages back from the
            // temporary file and wrote dirty ones out again. A first run at 1M: 112, 102 and
            // 88 s against 122 and 115 s at 2 MB (alternating), for 35–42 MB more peak memory;
            // 64 MB measured no better.
            try db.execute(sql: "PRAGMA temp.cache_size = -\(SQLiteStateStore.cacheKilobytes)")
            try db.execute(sql: "PRAGMA threads = \(SQLiteStateStore.sorterHelperThreads)")
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
            throw Self.openFailure(url?.path ?? ":memory:", error)
        }
    }

    /// What an operator is told when the file cannot be opened. Busy, it is held by a first run
    /// under its rollback journal (see `RunJournal`) or by a migration: waiting is the fix.
    static func openFailure(_ path: String, _ error: any Error) -> StateStoreError {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return .unavailable(
                "cannot open the state store \(path): another process holds it (a pipeline's first run into a new file keeps it "
                    + "to itself from applying the run to its commit); try again when that run has finished")
        }
        return .unavailable("cannot open the state store \(path): \(error)")
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
        migrator.registerMigration("v2: records appended by number, staging in a temporary table") { db in
            // Random keys were what made large runs slow: every staged record went into a B-tree
            // ordered by its content hash and every staged row into one ordered by posting id, so
            // at 500,000 postings nearly every insert touched a page the cache had dropped. Now
            // records are appended in arrival order under a number, staged rows go to a temporary
            // table of the connection (no journal, gone with the process), and ordering is done
            // once, by sorting, when the run is applied or published. Each record belongs to one
            // pipeline, so a pipeline cleaning up after itself never touches another's.
            try db.execute(sql: """
                CREATE TABLE records_v2 (
                    n INTEGER PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    record TEXT NOT NULL
                );
                INSERT INTO records_v2 (pipeline, hash, record)
                    SELECT DISTINCT p.pipeline, r.hash, r.record FROM postings p JOIN records r ON r.hash = p.hash;
                CREATE INDEX records_v2_by_hash ON records_v2 (pipeline, hash);
                ALTER TABLE postings ADD COLUMN record INTEGER;
                UPDATE postings SET record = (
                    SELECT n FROM records_v2 WHERE records_v2.pipeline = postings.pipeline AND records_v2.hash = postings.hash);
                DROP INDEX records_v2_by_hash;
                DROP TABLE records;
                ALTER TABLE records_v2 RENAME TO records;
                DROP INDEX postings_by_date;
                DROP INDEX postings_by_hash;
                DROP TABLE staged;
                CREATE TABLE open_runs (
                    pipeline TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    last_record INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: sources remember the pipeline's fingerprint") { db in
            // The validators of a source hold only while the pipeline reads it the same way.
            try db.execute(sql: "ALTER TABLE sources ADD COLUMN fingerprint TEXT")
        }
        migrator.registerMigration("v4: sinks remember their last feed") { db in
            // A feed whose pipeline and active set are unchanged is left as it is.
            try db.execute(sql: "CREATE TABLE sinks (pipeline TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (pipeline, name))")
        }
        migrator.registerMigration("v5: merges remember what they were made from") { db in
            // A run that stages the same versions of a job again keeps the merged record it has
            // (see `MergeInputs`). One row per survivor id, replaced by each merge of it.
            try db.execute(sql: """
                CREATE TABLE merge_inputs (
                    pipeline TEXT NOT NULL,
                    id TEXT NOT NULL,
                    inputs BLOB NOT NULL,
                    hash BLOB NOT NULL,
                    valid_through TEXT,
                    date_posted TEXT,
                    PRIMARY KEY (pipeline, id)
                ) WITHOUT ROWID
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

    public func lock(pipeline: String) async throws -> any RunLock {
        // In memory, no other process can reach the store: its locks are its own.
        guard let url else { return try memoryLocks.lock(pipeline: pipeline) }
        // One lock file per pipeline: pipelines that share a state file run independently.
        return try FileLock(url: url.appendingPathExtension("\(pipeline).lock"), pipeline: pipeline)
    }

    public func sourceStates(pipeline: String) async throws -> [String: SourceState] {
        try access { db in
            var states: [String: SourceState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM sources WHERE pipeline = ?", arguments: [pipeline]) {
                states[row["name"]] = SourceState(
                    etag: row["etag"], lastModified: row["last_modified"],
                    lastAttempt: (row["last_attempt"] as String?).flatMap(RFC3339.parse),
                    lastSuccess: (row["last_success"] as String?).flatMap(RFC3339.parse),
                    lastError: row["last_error"], consecutiveFailures: row["consecutive_failures"], fingerprint: row["fingerprint"])
            }
            return states
        }
    }

    public func sinkStates(pipeline: String) async throws -> [String: SinkState] {
        try access { db in
            var states: [String: SinkState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, state FROM sinks WHERE pipeline = ?", arguments: [pipeline]) {
                states[row["name"]] = SinkState(text: row["state"])
            }
            return states
        }
    }

    public func beginRun(pipeline: String, runID: String) async throws {
        try transaction { db in
            // A run that ended without applying (killed, crashed) may have left records that no
            // posting refers to: they all come after the number it started from.
            if let last = try Int64.fetchOne(db, sql: "SELECT last_record FROM open_runs WHERE pipeline = ?", arguments: [pipeline]) {
                try db.execute(sql: """
                    DELETE FROM records WHERE n > ? AND pipeline = ?
                      AND n NOT IN (SELECT record FROM postings WHERE pipeline = ? AND record IS NOT NULL)
                    """, arguments: [last, pipeline, pipeline])
            }
            let last = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(n), 0) FROM records") ?? 0
            let empty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM postings WHERE pipeline = ?)", arguments: [pipeline]) ?? false
            freshPipelines.withLock { if empty { $0.insert(pipeline) } else { $0.remove(pipeline) } }
            try db.execute(sql: "INSERT OR REPLACE INTO open_runs (pipeline, run_id, last_record) VALUES (?, ?, ?)", arguments: [pipeline, runID, last])
            let spool = try RecordSpool()
            openSpool.withLock { $0 = spool }
            // `record` is the number of the record an unchanged posting keeps (size NULL), or
            // where in the spool a new version's record is (its size beside it).
            try db.execute(sql: """
                DROP TABLE IF EXISTS temp.staged;
                CREATE TEMP TABLE staged (
                    id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    record INTEGER NOT NULL,
                    size INTEGER,
                    change INTEGER NOT NULL,
                    valid_through TEXT,
                    date_posted TEXT
                );
                DROP TABLE IF EXISTS temp.merged_away;
                CREATE TEMP TABLE merged_away (id TEXT PRIMARY KEY);
                """)
        }
    }

    /// What staging found of a posting; decided by one lookup per posting so that applying the
    /// run touches only what changed.
    typealias Change = StagedChange

    public func stage(_ postings: consuming [JobPosting], pipeline: String, runID: String) async throws {
        guard !postings.isEmpty else { return }
        try transaction { db in
            let stager = try Stager(db, pipeline: pipeline, fresh: isFresh(pipeline), spool: spool())
            // Lent in place (the batch is this call's own when the runner hands it over).
            try postings.withUnsafeMutableBufferPointer { postings in
                for i in postings.indices { try stager.stage(lent: &postings[i]) }
            }
        }
    }

    public func applyRun(_ plan: RunPlan) async throws -> any RunTransaction {
        try apply(plan, feed: nil)
    }

    /// On a first run the records are copied in the default feed order and every one of them
    /// (but those past their `valid_through`) is active afterwards: the sinks of that order get
    /// them as they are copied, on other cores, instead of reading them all back afterwards.
    public func applyRun(_ plan: RunPlan, feeding feed: (StoredPosting) -> Bool) async throws -> (transaction: any RunTransaction, fed: Bool) {
        let fresh = isFresh(plan.pipeline)
        // The apply only calls it before it returns.
        return try withoutActuallyEscaping(feed) { feed in (try apply(plan, feed: fresh ? feed : nil), fresh) }
    }

    private func apply(_ plan: RunPlan, feed: ((StoredPosting) -> Bool)?) throws -> any RunTransaction {
        let spool = try spool()
        // Whatever happens, the run's merging is over: what it spooled is not read again.
        defer { closeSpool() }
        let (counts, journal): ([String: SourceCounts], RunJournal) = try access { db in
            let journal = url == nil ? .wal : RunJournal.choose(db, fresh: isFresh(plan.pipeline))
            do {
                try db.execute(sql: "BEGIN IMMEDIATE")
                return (try Self.apply(plan, spool: spool, feed: feed, db), journal)
            } catch {
                try? db.execute(sql: "ROLLBACK")
                journal.end(db)
                throw error
            }
        }
        return SQLiteRunTransaction(store: self, plan: plan, counts: counts, journal: journal)
    }

    public func recordFailedRun(_ plan: RunPlan) async throws {
        closeSpool()
        try transaction { db in
            try Self.updateSources(plan, db)
            try Self.discardStaged(pipeline: plan.pipeline, db)
            try Self.insertRun(plan, exitCode: plan.exitCode, report: plan.reportJSON, db)
        }
    }

    public func status(pipeline: String, runs: Int) async throws -> PipelineStatus {
        try access { db in
            let active = try Self.activeCount(pipeline: pipeline, db)
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

    /// Applies the run in the open transaction; `feed`, when given, gets each record copied that
    /// will be active, in the default feed order (see `copySpooled`).
    static func apply(_ plan: RunPlan, spool: RecordSpool, feed: ((StoredPosting) -> Bool)? = nil, _ db: Database) throws -> [String: SourceCounts] {
        let now = RFC3339.format(plan.now)
        let p = plan.pipeline
        var counts: [String: SourceCounts] = [:]
        let previous = try Dictionary(
            Row.fetchAll(db, sql: "SELECT name, last_success FROM sources WHERE pipeline = ?", arguments: [p]).map { ($0["name"] as String, $0["last_success"] as String?) },
            uniquingKeysWith: { a, _ in a })
        // Staged rows were appended in arrival order; one sort indexes them by id for the joins
        // below. A posting staged twice keeps its last version.
        try indexStaged(db)
        let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM staged") ?? 0
        let distinct = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT id) FROM staged") ?? 0
        if distinct < rows {
            let earlier = "EXISTS (SELECT 1 FROM staged t WHERE t.id = staged.id AND t.rowid > staged.rowid)"
            try db.execute(sql: "DELETE FROM staged WHERE \(earlier)")
        }
        let complete = plan.sources.filter { $0.result == .complete }.map(\.name)
        try boundedSorts(db) { try copySpooled(pipeline: p, sources: complete, from: spool, now: now, feed: feed, db) }
        // Postings of earlier runs that dedupe merged into another leave the active set (the
        // survivor lists them in its duplicates), before anything counts them as missing.
        var mergedAway: [String: Int] = [:]
        if try db.tableExists("merged_away", in: "temp") {
            let absorbed = "pipeline = ? AND active = 1 AND id IN (SELECT id FROM merged_away)"
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(*) AS n FROM postings WHERE \(absorbed) GROUP BY source", arguments: [p]) {
                let source: String = row["source"]
                mergedAway[source, default: 0] += row["n"] as Int
            }
            try db.execute(sql: "UPDATE postings SET active = 0, expired_at = ?, expire_reason = 'duplicate' WHERE \(absorbed)", arguments: [now, p])
        }
        // The staged rows of each source and kind, counted in one pass: each statement below
        // reads the whole staging table to find its kind's rows, and most runs stage rows of one
        // or two kinds (a first run only new ones): at a million postings, the counts and the
        // statements that found nothing were half a second of the run's single-core tail.
        var kinds: [String: [Int: Int]] = [:]
        for row in try boundedSorts(db, { try Row.fetchAll(db, sql: "SELECT source, change, COUNT(*) AS n FROM staged GROUP BY source, change") }) {
            kinds[row["source"] as String, default: [:]][row["change"] as Int] = row["n"] as Int
        }
        for source in plan.sources where source.result == .complete {
            var c = SourceCounts()
            let s = source.name
            let ofSource = kinds[s] ?? [:]
            let staged = ofSource.values.reduce(0, +)
            func has(_ change: Change) -> Bool { ofSource[Int(change.rawValue), default: 0] > 0 }
            // Missing first: the postings inserted below are listed by definition.
            try db.execute(sql: """
                UPDATE postings SET missing_runs = missing_runs + 1,
                    last_seen = CASE WHEN missing_runs = 0 THEN ? ELSE last_seen END
                WHERE pipeline = ? AND source = ? AND active = 1
                  AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.id = postings.id)
                """, arguments: [previous[s] ?? nil, p, s])
            if has(.new) {
                // In id order: the postings' primary key index then grows at one end, where taken
                // in staging order its pages were visited at random (and, past the page cache,
                // read back from the file). The sort's memory is bounded (`boundedSorts`); the
                // index needs only the pages at its end.
                try boundedSorts(db) {
                    try db.execute(sql: """
                        INSERT INTO postings (pipeline, id, source, hash, record, first_seen, updated_at, valid_through, date_posted)
                        SELECT ?, s.id, s.source, s.hash, \(stagedRecord), ?, ?, s.valid_through, s.date_posted
                        FROM staged s WHERE s.source = ? AND s.change = 0 ORDER BY +s.id
                        """, arguments: [p, now, now, s])
                }
                c.new = db.changesCount
            }
            // Both statements start from the few staged rows of their kind (a join would let the
            // planner walk every posting instead).
            let ofKind = "SELECT id FROM staged WHERE source = ? AND change = ?"
            if has(.changed) {
                // The versions changed postings replace are no longer needed by anyone.
                try db.execute(sql: """
                    DELETE FROM records WHERE n IN (
                        SELECT record FROM postings WHERE pipeline = ? AND id IN (\(ofKind)) AND record IS NOT NULL)
                    """, arguments: [p, s, Change.changed.rawValue])
                try db.execute(sql: """
                    UPDATE postings SET (hash, record, source, valid_through, date_posted) =
                            (SELECT s.hash, \(stagedRecord), s.source, s.valid_through, s.date_posted FROM staged s WHERE s.id = postings.id),
                        active = 1, missing_runs = 0, expired_at = NULL, expire_reason = NULL, updated_at = ?
                    WHERE pipeline = ? AND id IN (\(ofKind))
                    """, arguments: [now, p, s, Change.changed.rawValue])
                c.updated = db.changesCount
            }
            if has(.returning) {
                // Unchanged postings that had gone missing or expired come back without a rewrite.
                try db.execute(sql: """
                    UPDATE postings SET active = 1, missing_runs = 0, expired_at = NULL, expire_reason = NULL, source = ?
                    WHERE pipeline = ? AND id IN (\(ofKind))
                    """, arguments: [s, p, s, Change.returning.rawValue])
            }
            c.unchanged = staged - c.new - c.updated
            try db.execute(sql: """
                UPDATE postings SET active = 0, expired_at = ?, expire_reason = 'missing'
                WHERE pipeline = ? AND source = ? AND active = 1 AND missing_runs >= ?
                """, arguments: [now, p, s, max(1, source.expireAfterMissing)])
            c.expired = db.changesCount
            counts[s] = c
        }
        for (source, n) in mergedAway {
            counts[source, default: SourceCounts()].expired += n
            counts[source, default: SourceCounts()].merged += n
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
        // Expired postings are kept 90 days for status and for dedupe across runs, then dropped
        // with their records.
        if let cutoff = Calendar(identifier: .gregorian).date(byAdding: .day, value: -90, to: plan.now) {
            let purge = "pipeline = ? AND active = 0 AND expired_at < ?"
            let arguments: StatementArguments = [p, RFC3339.format(cutoff)]
            try db.execute(sql: "DELETE FROM records WHERE n IN (SELECT record FROM postings WHERE \(purge) AND record IS NOT NULL)", arguments: arguments)
            try db.execute(sql: "DELETE FROM merge_inputs WHERE (pipeline, id) IN (SELECT pipeline, id FROM postings WHERE \(purge))", arguments: arguments)
            try db.execute(sql: "DELETE FROM postings WHERE \(purge)", arguments: arguments)
        }
        // The run is no longer open; what the sources that did not complete staged was never
        // copied to the records table, and goes with the staging table and the spool.
        try discardStaged(pipeline: p, db)
        try updateSources(plan, db)
        try insertRun(plan, exitCode: nil, report: nil, db)
        return counts
    }

    /// Writes the spooled records of the staged rows of `sources` to the records table and
    /// points their rows at them. Rows of other sources are discarded with the spool.
    ///
    /// They are appended in the default feed order (newest first), so that the sinks of a first
    /// run, and of any run that added nothing, find the records in the order they publish them
    /// and read them straight through, without putting them in order through temporary files
    /// (at a million postings, writing and reading back 2.9 GB). The spool is read at random
    /// then, but it was written moments before and is still in the system's cache.
    ///
    /// Each day's records are on a shelf of the spool of their own (`spoolGroup`), and a shelf
    /// is released as soon as its last record has been copied: the pages it frees are the ones
    /// the next day's records are written into (see `RecordSpool`).
    ///
    /// `feed`, when given, gets each record copied but those past their `valid_through` at
    /// `now` (which the apply expires next), until it returns false.
    static func copySpooled(
        pipeline: String, sources: [String], from spool: RecordSpool, now: String, feed: ((StoredPosting) -> Bool)? = nil, _ db: Database
    ) throws {
        // Which record each row got goes to a small table of its own, which the statements that
        // write postings read (`stagedRecord`): updated one by one in feed order, the staging
        // table's pages were visited at random (2 s of 5 at 250,000), and updated from this
        // table afterwards, all of them were written once more (3.2 s at 1M).
        // Created before any statement is prepared and dropped with the staging table: GRDB
        // finalizes its cached statements when the schema changes.
        try db.execute(sql: "DROP TABLE IF EXISTS temp.copied; CREATE TEMP TABLE copied (staged INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        // The copy notes each row's record here, by row, and the table is written from it after
        // the copy, in row order: written as the copy went (feed order), each insert looked for
        // its place in the table at random, 2.1 s of the copy's 14.5 at 1M. Four bytes a row
        // (the records are numbered on from the first one copied), for the copy only.
        let (lowest, highest) = try Row.fetchOne(db, sql: "SELECT MIN(rowid), MAX(rowid) FROM staged").map { ($0[0] as Int64? ?? 0, $0[1] as Int64? ?? -1) } ?? (0, -1)
        var copied = [UInt32](repeating: 0, count: Int(max(0, highest - lowest + 1)))
        var first: Int64?
        // The rows whose record is in the spool, of the sources copied; the same for the count of
        // each shelf's reads as for the copy, so that no shelf is released with a read to come.
        let spooled = "FROM staged WHERE size IS NOT NULL AND source IN (SELECT value FROM json_each(?))"
        var reads: [Int: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT record >> \(RecordSpool.offsetBits) AS shelf, COUNT(*) AS n \(spooled) GROUP BY shelf", arguments: [jsonArray(sources)]) {
            reads[row["shelf"]] = row["n"]
        }
        spool.expectReads(reads)
        do {
            // The order is the default feed order's (`SQLiteOrder.clause(.default)`), which the
            // sinks fed here rely on.
            let rows = try RawStatement(db, sql: """
                SELECT rowid, record, size, hash, (valid_through IS NOT NULL AND valid_through < ?) AS gone \(spooled)
                ORDER BY (date_posted IS NULL), date_posted DESC, id
                """)
            defer { rows.reset() }
            let insert = try RawStatement(db, sql: "INSERT INTO records (pipeline, hash, record) VALUES (?, ?, ?)")
            rows.bind(1, now)
            rows.bind(2, jsonArray(sources))
            insert.bind(1, pipeline)
            var feeding = feed != nil
            while try rows.step() {
                insert.bind(2, blob: rows.bytes(3))
                let record = try spool.take(at: rows.int(1), count: Int(rows.int(2)))
                try insert.execute(bindingUTF8: record, at: 3)
                let n = db.lastInsertedRowID
                let base = first ?? n
                first = base
                guard let number = UInt32(exactly: n - base + 1), number < UInt32.max, rows.int(0) >= lowest, rows.int(0) <= highest else {
                    throw StateStoreError.unavailable("copying the run's records: record \(n) of staged row \(rows.int(0)) is out of the copy's range (a bug: please report it)")
                }
                copied[Int(rows.int(0) - lowest)] = number
                if feeding, let feed, rows.int(4) == 0 { feeding = feed(StoredPosting(json: record)) }
            }
        }
        guard let first else { return }
        let note = try RawStatement(db, sql: "INSERT INTO temp.copied (staged, n) VALUES (?, ?)")
        for (index, number) in copied.enumerated() where number != 0 {
            note.bind(1, lowest + Int64(index))
            note.bind(2, first + Int64(number) - 1)
            try note.execute()
        }
    }

    /// The record number of staged row `s` once the run's records are copied: the record it
    /// kept (unchanged postings, no size), or the one `copySpooled` wrote for it.
    static let stagedRecord = "CASE WHEN s.size IS NULL THEN s.record ELSE (SELECT c.n FROM temp.copied c WHERE c.staged = s.rowid) END"

    /// The spool group of a staged record: the day (UTC) of its `date_posted`, by which
    /// `copySpooled` reads the records back; the records of postings without one share a group.
    static func spoolGroup(_ datePosted: Date?) -> Int {
        guard let seconds = datePosted?.timeIntervalSince1970 else { return .min }
        let day = (seconds / 86_400).rounded(.down)
        // A date no feed means (far outside what the date readers accept) shares the group too.
        guard day.magnitude < 1e12 else { return .min }
        return Int(day)
    }

    /// Forgets what the run staged, and the run is no longer open. Nothing it staged reached the
    /// records table unless the run was applied (in the same transaction).
    static func discardStaged(pipeline: String, _ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.staged")
        try db.execute(sql: "DROP TABLE IF EXISTS temp.merged_away")
        try db.execute(sql: "DROP TABLE IF EXISTS temp.copied")
        try db.execute(sql: "DELETE FROM open_runs WHERE pipeline = ?", arguments: [pipeline])
    }

    /// How many postings of `pipeline` are active.
    static func activeCount(pipeline: String, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings WHERE pipeline = ? AND active = 1", arguments: [pipeline]) ?? 0
    }

    static func jsonArray(_ strings: [String]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for string in strings { writer.string(string) }
        writer.endArray()
        return writer.string
    }

    static func updateSources(_ plan: RunPlan, _ db: Database) throws {
        let now = RFC3339.format(plan.now)
        for source in plan.sources {
            try db.execute(sql: "INSERT OR IGNORE INTO sources (pipeline, name) VALUES (?, ?)", arguments: [plan.pipeline, source.name])
            switch source.result {
            case .complete:
                try db.execute(sql: """
                    UPDATE sources SET etag = ?, last_modified = ?, last_attempt = ?, last_success = ?, last_error = NULL, consecutive_failures = 0,
                        fingerprint = ?
                    WHERE pipeline = ? AND name = ?
                    """, arguments: [source.etag, source.lastModified, now, now, source.fingerprint, plan.pipeline, source.name])
            case .notModified:
                try db.execute(sql: """
                    UPDATE sources SET etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), last_attempt = ?, last_success = ?,
                        last_error = NULL, consecutive_failures = 0, fingerprint = COALESCE(?, fingerprint)
                    WHERE pipeline = ? AND name = ?
                    """, arguments: [source.etag, source.lastModified, now, now, source.fingerprint, plan.pipeline, source.name])
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
    /// How the transaction is journaled; a rollback journal is put back to WAL when it ends.
    let journal: RunJournal
    private var open = true

    init(store: SQLiteStateStore, plan: RunPlan, counts: [String: SourceCounts], journal: RunJournal) {
        self.store = store
        self.plan = plan
        self.counts = counts
        self.journal = journal
    }

    func forEach(order: FeedOrder, limit: Int?, _ visit: (StoredPosting) throws -> Bool) async throws {
        // SQLite sorts the keys and record numbers (its sorter spills to temporary files past
        // its cache); nothing per posting is held here. Letting it sort the records themselves
        // spilled gigabytes.
        let join = SQLiteOrder.needsRecord(order) ? "JOIN records r ON r.n = postings.record" : ""
        let active = "FROM postings \(join) WHERE postings.pipeline = ? AND postings.active = 1"
        let clause = SQLiteOrder.clause(order)
        try store.access { db in
            let count = try SQLiteStateStore.activeCount(pipeline: plan.pipeline, db)
            if min(count, limit ?? Int.max) < store.reorderThreshold {
                // A small feed: one read per posting, in feed order.
                let records = try SQLiteStateStore.RecordReader(db)
                let list = try RawStatement(db, sql: "SELECT postings.record \(active) ORDER BY \(clause)")
                defer { list.reset() }
                list.bind(1, plan.pipeline)
                while try list.step() {
                    guard try visit(StoredPosting(json: records.bytes(list.int(0)))) else { break }
                }
                return
            }
            // A large one: each record's feed position goes to a temporary table ordered by
            // record number; the records are then read in storage order (sequential reads of
            // the file) and put back in feed order through temporary buckets.
            try SQLiteStateStore.boundedSorts(db) { try feedPass(active: active, clause: clause, db, visit) }
        }
    }

    /// The feed pass of a large feed (see `forEach`).
    private func feedPass(active: String, clause: String, _ db: Database, _ visit: (StoredPosting) throws -> Bool) throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.feed_positions;
            CREATE TEMP TABLE feed_positions (record INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (record, position)) WITHOUT ROWID;
            """)
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.feed_positions") }
        try db.execute(sql: """
            INSERT INTO temp.feed_positions (record, position)
            SELECT postings.record, ROW_NUMBER() OVER (ORDER BY \(clause)) - 1 \(active)
            """, arguments: [plan.pipeline])
        let positioned = db.changesCount
        // Records already in feed order (see `copySpooled`) go straight to the sinks; from
        // the first one out of place on, the rest go through the buckets.
        var emitted = 0
        var reorder: BucketReorder?
        let positions = try RawStatement(db, sql: "SELECT record, position FROM temp.feed_positions ORDER BY record, position")
        defer { positions.reset() }
        // One scan along the records from the first one needed, skipping the records of
        // expired postings and other pipelines, rather than a lookup per record.
        let scan = try RawStatement(db, sql: "SELECT n, record FROM records WHERE n >= ? ORDER BY n")
        defer { scan.reset() }
        var scanned: Int64 = .min
        while try positions.step() {
            let number = positions.int(0)
            if scanned == .min { scan.bind(1, number) }
            while scanned < number {
                guard try scan.step() else { throw SQLiteStateStore.missingRecord(number) }
                scanned = scan.int(0)
            }
            guard scanned == number else { throw SQLiteStateStore.missingRecord(number) }
            let position = Int(positions.int(1))
            if reorder == nil, position == emitted {
                emitted += 1
                guard try visit(StoredPosting(json: scan.bytes(1))) else { return }
                continue
            }
            if reorder == nil { reorder = try BucketReorder(count: positioned - emitted) }
            try scan.withBytes(1) { try reorder?.add(position: position - emitted, $0) }
        }
        try reorder?.drain { json in try visit(StoredPosting(json: json)) }
    }

    func activeCount() async throws -> Int {
        try store.access { db in
            try SQLiteStateStore.activeCount(pipeline: plan.pipeline, db)
        }
    }

    func newestDatePosted() async throws -> Date? {
        try store.access { db in
            try String.fetchOne(db, sql: "SELECT MAX(date_posted) FROM postings WHERE pipeline = ? AND active = 1", arguments: [plan.pipeline])
        }.flatMap(RFC3339.parse)
    }

    func activeDigest() async throws -> String {
        try store.access { db in
            // The stored hash is the record's (whose JSON holds the id), so their sum is the set's
            // digest: order-free, so that the table is read as it is laid out, and nothing to
            // hash again per posting.
            let rows = try RawStatement(db, sql: "SELECT hash FROM postings WHERE pipeline = ? AND active = 1")
            defer { rows.reset() }
            rows.bind(1, plan.pipeline)
            var high: UInt64 = 0, low: UInt64 = 0, count = 0
            while try rows.step() {
                rows.withBytes(0) { hash in
                    var lanes = (UInt64(0), UInt64(0))
                    withUnsafeMutableBytes(of: &lanes) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: hash.prefix(16))) }
                    high &+= lanes.0
                    low &+= lanes.1 ^ UInt64(hash.count)
                }
                count += 1
            }
            return "\(count)-\(String(high, radix: 16))\(String(low, radix: 16))"
        }
    }

    func recordSinks(_ states: [String: SinkState]) async throws {
        try store.access { db in
            for (name, state) in states {
                try db.execute(sql: "INSERT OR REPLACE INTO sinks (pipeline, name, state) VALUES (?, ?, ?)", arguments: [plan.pipeline, name, state.text])
            }
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
                journal.end(db)
                throw error
            }
            journal.end(db)
        }
    }

    func rollback() async {
        guard open else { return }
        open = false
        discard()
    }

    /// Rolls the run back, then drops the records it staged.
    private func discard() {
        store.closeSpool()
        try? store.access { db in
            try db.execute(sql: "ROLLBACK")
            journal.end(db)
            try db.inTransaction {
                try SQLiteStateStore.discardStaged(pipeline: plan.pipeline, db)
                return .commit
            }
        }
    }

    deinit {
        if open { discard() }
    }
}

/// A `sort:` order as SQL over the stored JSON records: absent values last in either direction,
/// ties by id, as the README promises.
enum SQLiteOrder {
    /// Whether sorting needs the records themselves (a key other than `date_posted`).
    static func needsRecord(_ order: FeedOrder) -> Bool {
        order.keys.contains { $0.path.field != .datePosted }
    }

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
