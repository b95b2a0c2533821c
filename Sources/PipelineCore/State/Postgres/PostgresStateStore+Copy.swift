import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func pipelines() async throws -> [String] {
        try await rows("""
            SELECT pipeline FROM syndicate_postings UNION SELECT pipeline FROM syndicate_sources
            UNION SELECT pipeline FROM syndicate_runs ORDER BY 1
            """).map { try $0.decode(String.self) }
    }

    public func exportState(pipeline: String, batch: Int, _ visit: StateCopy.Add) async throws -> StateCopy.History {
        // Page by id: `visit` writes to the other store between pages, and no result stays open
        // on this connection meanwhile.
        var after = ""
        while true {
            var page: [StateCopy.Posting] = []
            for row in try await rows("""
                SELECT id, source, record, first_seen, last_seen, updated_at, missing_runs, active, expired_at, expire_reason,
                       valid_through, date_posted
                FROM syndicate_postings WHERE pipeline = \(pipeline) AND id COLLATE "C" > \(after) ORDER BY id COLLATE "C" LIMIT \(max(1, batch))
                """) {
                let (id, source, record, firstSeen, lastSeen, updatedAt, missing, active, expiredAt, reason, validThrough, datePosted) =
                    try row.decode((String, String, ByteBuffer, Date, Date?, Date, Int, Bool, Date?, String?, Date?, Date?).self)
                page.append(StateCopy.Posting(
                    id: id, source: source, record: Array(record.readableBytesView), firstSeen: firstSeen, lastSeen: lastSeen,
                    updatedAt: updatedAt, missingRuns: missing, active: active, expiredAt: expiredAt, expireReason: reason,
                    validThrough: validThrough, datePosted: datePosted))
            }
            guard let last = page.last else { break }
            try await visit(page)
            after = last.id
        }
        var runs: [StateCopy.Run] = []
        for row in try await rows("""
            SELECT run_id, started_at, finished_at, exit_code, duration_seconds, report FROM syndicate_runs
            WHERE pipeline = \(pipeline) ORDER BY started_at, run_id
            """) {
            let (id, started, finished, code, duration, report) = try row.decode((String, Date, Date?, Int?, Double?, String?).self)
            runs.append(StateCopy.Run(runID: id, startedAt: started, finishedAt: finished, exitCode: code, durationSeconds: duration, report: report))
        }
        return StateCopy.History(sources: try await sourceStates(pipeline: pipeline), runs: runs)
    }

    public func importState(pipeline: String, replace: Bool, _ fill: (StateCopy.Add) async throws -> StateCopy.History) async throws {
        var copied = 0
        try await transaction {
            let held = try await value("""
                SELECT EXISTS (SELECT 1 FROM syndicate_postings WHERE pipeline = \(pipeline))
                    OR EXISTS (SELECT 1 FROM syndicate_runs WHERE pipeline = \(pipeline))
                """, as: Bool.self) ?? false
            if held && !replace { throw StateCopy.occupied(pipeline, location.description) }
            for table in ["syndicate_postings", "syndicate_sources", "syndicate_runs"] {
                var binds = PostgresBindings()
                binds.append(pipeline)
                try await rows(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE pipeline = $1", binds: binds))
            }
            let history = try await fill { batch in
                try await self.insert(batch, pipeline: pipeline)
                copied += batch.count
            }
            for (name, s) in history.sources {
                try await rows("""
                    INSERT INTO syndicate_sources (pipeline, name, etag, last_modified, last_attempt, last_success, last_error, consecutive_failures, fingerprint)
                    VALUES (\(pipeline), \(name), \(s.etag), \(s.lastModified), \(s.lastAttempt), \(s.lastSuccess), \(s.lastError), \(s.consecutiveFailures),
                            \(s.fingerprint))
                    """)
            }
            for run in history.runs {
                try await rows("""
                    INSERT INTO syndicate_runs (pipeline, run_id, started_at, finished_at, exit_code, duration_seconds, report)
                    VALUES (\(pipeline), \(run.runID), \(run.startedAt), \(run.finishedAt), \(run.exitCode), \(run.durationSeconds), \(run.report))
                    """)
            }
        }
        await analyzeIfStale(changed: copied)
    }

    /// Inserts a batch of copied postings in one statement.
    private func insert(_ batch: [StateCopy.Posting], pipeline: String) async throws {
        guard !batch.isEmpty else { return }
        // Arrays cannot hold NULL through the driver; the empty string stands for it.
        func text(_ date: Date?) -> String { date.map(RFC3339.format) ?? "" }
        try await rows("""
            INSERT INTO syndicate_postings (pipeline, id, source, hash, record, first_seen, last_seen, updated_at, missing_runs, active,
                                            expired_at, expire_reason, valid_through, date_posted)
            SELECT \(pipeline), i, s, h, r, f::TIMESTAMPTZ, NULLIF(l, '')::TIMESTAMPTZ, u::TIMESTAMPTZ, m, a, NULLIF(e, '')::TIMESTAMPTZ,
                   NULLIF(er, ''), NULLIF(v, '')::TIMESTAMPTZ, NULLIF(d, '')::TIMESTAMPTZ
            FROM unnest(\(batch.map(\.id))::TEXT[], \(batch.map(\.source))::TEXT[],
                        \(batch.map { ContentHash(bytes: $0.record).hex })::TEXT[], \(batch.map { String(decoding: $0.record, as: UTF8.self) })::TEXT[],
                        \(batch.map { RFC3339.format($0.firstSeen) })::TEXT[], \(batch.map { text($0.lastSeen) })::TEXT[],
                        \(batch.map { RFC3339.format($0.updatedAt) })::TEXT[], \(batch.map(\.missingRuns))::INT[], \(batch.map(\.active))::BOOL[],
                        \(batch.map { text($0.expiredAt) })::TEXT[], \(batch.map { $0.expireReason ?? "" })::TEXT[],
                        \(batch.map { text($0.validThrough) })::TEXT[], \(batch.map { text($0.datePosted) })::TEXT[])
                AS t(i, s, h, r, f, l, u, m, a, e, er, v, d)
            """)
    }
}
