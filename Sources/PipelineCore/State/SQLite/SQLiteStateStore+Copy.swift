import Foundation
import GRDB

extension SQLiteStateStore {
    public func pipelines() async throws -> [String] {
        try access { db in
            try String.fetchAll(db, sql: """
                SELECT pipeline FROM postings UNION SELECT pipeline FROM sources UNION SELECT pipeline FROM runs ORDER BY 1
                """)
        }
    }

    public func exportState(pipeline: String, batch: Int, _ visit: StateCopy.Add) async throws -> StateCopy.History {
        // Page by id, each page its own read, so that `visit` (which writes to the other store)
        // never runs inside this store's access.
        var after = ""
        while true {
            let page: [StateCopy.Posting] = try access { db in
                try Row.fetchAll(db, sql: """
                    SELECT p.id, p.source, r.record, p.first_seen, p.last_seen, p.updated_at, p.missing_runs, p.active,
                           p.expired_at, p.expire_reason, p.valid_through, p.date_posted
                    FROM postings p JOIN records r ON r.n = p.record
                    WHERE p.pipeline = ? AND p.id > ? ORDER BY p.id LIMIT ?
                    """, arguments: [pipeline, after, max(1, batch)]).map { row in
                    func date(_ column: String) -> Date? { (row[column] as String?).flatMap(RFC3339.parse) }
                    return StateCopy.Posting(
                        id: row["id"], source: row["source"], record: Array((row["record"] as String).utf8),
                        firstSeen: date("first_seen") ?? Date(timeIntervalSince1970: 0), lastSeen: date("last_seen"),
                        updatedAt: date("updated_at") ?? Date(timeIntervalSince1970: 0), missingRuns: row["missing_runs"],
                        active: row["active"], expiredAt: date("expired_at"), expireReason: row["expire_reason"],
                        validThrough: date("valid_through"), datePosted: date("date_posted"))
                }
            }
            guard let last = page.last else { break }
            try await visit(page)
            after = last.id
        }
        let sources = try await sourceStates(pipeline: pipeline)
        let runs: [StateCopy.Run] = try access { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE pipeline = ? ORDER BY started_at, rowid", arguments: [pipeline]).map { row in
                StateCopy.Run(
                    runID: row["run_id"], startedAt: RFC3339.parse(row["started_at"]) ?? Date(timeIntervalSince1970: 0),
                    finishedAt: (row["finished_at"] as String?).flatMap(RFC3339.parse), exitCode: row["exit_code"],
                    durationSeconds: row["duration_seconds"], report: row["report"])
            }
        }
        return StateCopy.History(sources: sources, runs: runs)
    }

    public func importState(pipeline: String, replace: Bool, _ fill: (StateCopy.Add) async throws -> StateCopy.History) async throws {
        // One transaction across the calls (the configuration allows it): an import that fails
        // half-way leaves the file as it was.
        try access { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            let held = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM postings WHERE pipeline = ?1) OR EXISTS (SELECT 1 FROM runs WHERE pipeline = ?1)
                """, arguments: [pipeline]) ?? false
            if held && !replace {
                try db.execute(sql: "ROLLBACK")
                throw StateCopy.occupied(pipeline, url?.path ?? "the state")
            }
            for table in ["records", "postings", "merge_inputs", "sources", "runs", "open_runs"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE pipeline = ?", arguments: [pipeline])
            }
        }
        do {
            let history = try await fill { batch in
                try self.access { db in
                    let record = try RawStatement(db, sql: "INSERT INTO records (pipeline, hash, record) VALUES (?, ?, ?)")
                    let row = try db.cachedStatement(sql: """
                        INSERT INTO postings (pipeline, id, source, hash, record, first_seen, last_seen, updated_at, missing_runs, active,
                                              expired_at, expire_reason, valid_through, date_posted)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for posting in batch {
                        let hash = ContentHash(bytes: posting.record).bytes
                        record.bind(1, pipeline)
                        record.bind(2, blob: hash)
                        record.bind(3, utf8: posting.record)
                        try record.execute()
                        try row.execute(arguments: [
                            pipeline, posting.id, posting.source, Data(hash), db.lastInsertedRowID,
                            RFC3339.format(posting.firstSeen), posting.lastSeen.map(RFC3339.format), RFC3339.format(posting.updatedAt),
                            posting.missingRuns, posting.active ? 1 : 0, posting.expiredAt.map(RFC3339.format), posting.expireReason,
                            posting.validThrough.map(RFC3339.format), posting.datePosted.map(RFC3339.format),
                        ])
                    }
                }
            }
            try access { db in
                for (name, s) in history.sources {
                    try db.execute(sql: """
                        INSERT INTO sources (pipeline, name, etag, last_modified, last_attempt, last_success, last_error, consecutive_failures, fingerprint)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [pipeline, name, s.etag, s.lastModified, s.lastAttempt.map(RFC3339.format),
                                         s.lastSuccess.map(RFC3339.format), s.lastError, s.consecutiveFailures, s.fingerprint])
                }
                for run in history.runs {
                    try db.execute(sql: """
                        INSERT INTO runs (pipeline, run_id, started_at, finished_at, exit_code, duration_seconds, report) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [pipeline, run.runID, RFC3339.format(run.startedAt), run.finishedAt.map(RFC3339.format),
                                         run.exitCode, run.durationSeconds, run.report])
                }
                try db.execute(sql: "COMMIT")
            }
        } catch {
            try? access { db in try db.execute(sql: "ROLLBACK") }
            throw error
        }
    }
}
