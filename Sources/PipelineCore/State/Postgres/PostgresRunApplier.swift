import Foundation
import PostgresNIO

/// Applies a run to the PostgreSQL store inside the run's transaction: the same rules as the
/// SQLite store (`SQLiteStateStore.apply`), in set-based statements over the staging table so
/// that the cost is a few statements per source, not one per posting.
struct PostgresRunApplier {
    let store: PostgresStateStore
    let plan: RunPlan

    func apply() async throws -> [String: SourceCounts] {
        let p = plan.pipeline
        let now = plan.now
        var counts: [String: SourceCounts] = [:]
        var previous: [String: Date] = [:]
        for row in try await store.rows("SELECT name, last_success FROM syndicate_sources WHERE pipeline = \(p)") {
            let (name, success) = try row.decode((String, Date?).self)
            if let success { previous[name] = success }
        }
        // A posting staged twice keeps its last version.
        try await store.rows("DELETE FROM syndicate_staged s USING syndicate_staged t WHERE t.id = s.id AND t.seq > s.seq")
        // Temporary tables have no statistics until analyzed; without them the planner walks
        // every posting for the joins below.
        try await store.rows("ANALYZE syndicate_staged")
        // Postings of earlier runs that dedupe merged into another leave the active set (the
        // survivor lists them in its duplicates), before anything counts them as missing.
        for row in try await store.rows("""
            WITH gone AS (
                UPDATE syndicate_postings SET active = FALSE, expired_at = \(now), expire_reason = 'duplicate'
                WHERE pipeline = \(p) AND active AND id IN (SELECT id FROM syndicate_merged_away)
                RETURNING source)
            SELECT source, COUNT(*)::BIGINT FROM gone GROUP BY source
            """) {
            let (source, n) = try row.decode((String, Int).self)
            counts[source, default: SourceCounts()].expired += n
            counts[source, default: SourceCounts()].merged += n
        }
        for source in plan.sources where source.result == .complete {
            let s = source.name
            var c = counts[s] ?? SourceCounts()
            let staged = try await store.value("SELECT COUNT(*)::BIGINT FROM syndicate_staged WHERE source = \(s)", as: Int.self) ?? 0
            // Missing first: the postings inserted below are listed by definition.
            try await store.rows("""
                UPDATE syndicate_postings p SET missing_runs = missing_runs + 1,
                    last_seen = CASE WHEN missing_runs = 0 THEN \(previous[s]) ELSE last_seen END
                WHERE p.pipeline = \(p) AND p.source = \(s) AND p.active
                  AND NOT EXISTS (SELECT 1 FROM syndicate_staged st WHERE st.id = p.id)
                """)
            c.new = try await count("""
                INSERT INTO syndicate_postings (pipeline, id, source, hash, record, first_seen, updated_at, valid_through, date_posted)
                SELECT \(p), st.id, st.source, st.hash, st.record, \(now), \(now), st.valid_through, st.date_posted
                FROM syndicate_staged st WHERE st.source = \(s) AND st.change = \(StagedChange.new.rawValue)
                RETURNING 1
                """)
            c.updated = try await count("""
                UPDATE syndicate_postings p SET hash = st.hash, record = st.record, source = st.source,
                    valid_through = st.valid_through, date_posted = st.date_posted,
                    active = TRUE, missing_runs = 0, expired_at = NULL, expire_reason = NULL, updated_at = \(now)
                FROM syndicate_staged st
                WHERE p.pipeline = \(p) AND p.id = st.id AND st.source = \(s) AND st.change = \(StagedChange.changed.rawValue)
                RETURNING 1
                """)
            // Unchanged postings that had gone missing or expired come back without a rewrite.
            try await store.rows("""
                UPDATE syndicate_postings p SET active = TRUE, missing_runs = 0, expired_at = NULL, expire_reason = NULL, source = \(s)
                FROM syndicate_staged st
                WHERE p.pipeline = \(p) AND p.id = st.id AND st.source = \(s) AND st.change = \(StagedChange.returning.rawValue)
                """)
            c.unchanged = staged - c.new - c.updated
            c.expired += try await count("""
                UPDATE syndicate_postings SET active = FALSE, expired_at = \(now), expire_reason = 'missing'
                WHERE pipeline = \(p) AND source = \(s) AND active AND missing_runs >= \(max(1, source.expireAfterMissing))
                RETURNING 1
                """)
            counts[s] = c
        }
        // Whatever its source did, a posting past its valid_through leaves the active set.
        for row in try await store.rows("""
            WITH gone AS (
                UPDATE syndicate_postings SET active = FALSE, expired_at = \(now), expire_reason = 'valid_through'
                WHERE pipeline = \(p) AND active AND valid_through IS NOT NULL AND valid_through < \(now)
                RETURNING source)
            SELECT source, COUNT(*)::BIGINT FROM gone GROUP BY source
            """) {
            let (source, n) = try row.decode((String, Int).self)
            counts[source, default: SourceCounts()].expired += n
        }
        // Expired postings are kept 90 days for status and for dedupe across runs.
        if let cutoff = Calendar(identifier: .gregorian).date(byAdding: .day, value: -90, to: now) {
            try await store.rows("DELETE FROM syndicate_postings WHERE pipeline = \(p) AND NOT active AND expired_at < \(cutoff)")
        }
        try await updateSources()
        try await insertRun(exitCode: nil, report: nil)
        return counts
    }

    /// How many rows a statement with `RETURNING 1` touched, counted by the server.
    private func count(_ query: PostgresQuery) async throws -> Int {
        let counted = PostgresQuery(unsafeSQL: "WITH touched AS (\(query.sql)) SELECT COUNT(*)::BIGINT FROM touched", binds: query.binds)
        return try await store.value(counted, as: Int.self) ?? 0
    }

    /// Records each source's fetch state and health.
    func updateSources() async throws {
        let p = plan.pipeline, now = plan.now
        for source in plan.sources {
            try await store.rows("INSERT INTO syndicate_sources (pipeline, name) VALUES (\(p), \(source.name)) ON CONFLICT DO NOTHING")
            switch source.result {
            case .complete:
                try await store.rows("""
                    UPDATE syndicate_sources SET etag = \(source.etag), last_modified = \(source.lastModified), last_attempt = \(now),
                        last_success = \(now), last_error = NULL, consecutive_failures = 0, fingerprint = \(source.fingerprint)
                    WHERE pipeline = \(p) AND name = \(source.name)
                    """)
            case .notModified:
                try await store.rows("""
                    UPDATE syndicate_sources SET etag = COALESCE(\(source.etag), etag), last_modified = COALESCE(\(source.lastModified), last_modified),
                        last_attempt = \(now), last_success = \(now), last_error = NULL, consecutive_failures = 0,
                        fingerprint = COALESCE(\(source.fingerprint), fingerprint)
                    WHERE pipeline = \(p) AND name = \(source.name)
                    """)
            case .failed(let message):
                try await store.rows("""
                    UPDATE syndicate_sources SET last_attempt = \(now), last_error = \(message), consecutive_failures = consecutive_failures + 1
                    WHERE pipeline = \(p) AND name = \(source.name)
                    """)
            }
        }
    }

    /// Records the run; `exitCode` nil while it is still open.
    func insertRun(exitCode: Int32?, report: String?) async throws {
        let finished: Date? = exitCode == nil ? nil : Date()
        let duration: Double? = exitCode == nil ? nil : Date().timeIntervalSince(plan.startedAt)
        let code = exitCode.map { Int($0) }
        try await store.rows("""
            INSERT INTO syndicate_runs (pipeline, run_id, started_at, finished_at, exit_code, duration_seconds, report)
            VALUES (\(plan.pipeline), \(plan.runID), \(plan.startedAt), \(finished), \(code), \(duration), \(report))
            ON CONFLICT (pipeline, run_id) DO UPDATE SET finished_at = EXCLUDED.finished_at, exit_code = EXCLUDED.exit_code,
                duration_seconds = EXCLUDED.duration_seconds, report = EXCLUDED.report
            """)
    }
}
