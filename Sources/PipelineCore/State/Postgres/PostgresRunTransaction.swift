import Foundation
import PostgresNIO

/// The open transaction of one run on the PostgreSQL store. Sinks read the new active set
/// through it, which only this connection sees until `commit`.
final class PostgresRunTransaction: RunTransaction, @unchecked Sendable {
    // @unchecked: used by the one task that runs the pipeline, one call at a time.
    let store: PostgresStateStore
    let plan: RunPlan
    let counts: [String: SourceCounts]
    private var open = true

    init(store: PostgresStateStore, plan: RunPlan, counts: [String: SourceCounts]) {
        self.store = store
        self.plan = plan
        self.counts = counts
    }

    func forEach(order: FeedOrder, limit: Int?, _ visit: (StoredPosting) throws -> Bool) async throws {
        var binds = PostgresBindings()
        binds.append(plan.pipeline)
        var sql = "SELECT p.record FROM syndicate_postings p WHERE p.pipeline = $1 AND p.active ORDER BY \(PostgresOrder.clause(order, binds: &binds))"
        if let limit {
            binds.append(limit)
            sql += " LIMIT $\(binds.count)"
        }
        try await store.stream(PostgresQuery(unsafeSQL: sql, binds: binds)) { row in
            let record = try row.decode(ByteBuffer.self)
            return try visit(StoredPosting(json: Array(record.readableBytesView)))
        }
    }

    func activeCount() async throws -> Int {
        try await store.value("SELECT COUNT(*)::BIGINT FROM syndicate_postings WHERE pipeline = \(plan.pipeline) AND active", as: Int.self) ?? 0
    }

    func newestDatePosted() async throws -> Date? {
        try await store.value("SELECT MAX(date_posted) FROM syndicate_postings WHERE pipeline = \(plan.pipeline) AND active", as: Date.self)
    }

    func activeDigest() async throws -> String {
        let digest = try await store.value("""
            SELECT COUNT(*)::TEXT || '-' || COALESCE(md5(string_agg(id || ':' || hash, ',' ORDER BY id)), '')
            FROM syndicate_postings WHERE pipeline = \(plan.pipeline) AND active
            """, as: String.self)
        return digest ?? ""
    }

    func recordSinks(_ states: [String: SinkState]) async throws {
        for (name, state) in states {
            try await store.rows("""
                INSERT INTO syndicate_sinks (pipeline, name, state) VALUES (\(plan.pipeline), \(name), \(state.text))
                ON CONFLICT (pipeline, name) DO UPDATE SET state = EXCLUDED.state
                """)
        }
    }

    func commit(exitCode: Int32, reportJSON: String?) async throws {
        guard open else { return }
        open = false
        do {
            try await PostgresRunApplier(store: store, plan: plan).insertRun(exitCode: exitCode, report: reportJSON)
            try await store.rows("COMMIT")
        } catch {
            _ = try? await store.rows("ROLLBACK")
            throw error
        }
        _ = try? await store.rows("TRUNCATE syndicate_staged, syndicate_merged_away")
        let changed = counts.values.reduce(0) { $0 + $1.new + $1.updated + $1.expired }
        await store.analyzeIfStale(changed: changed)
    }

    func rollback() async {
        guard open else { return }
        open = false
        _ = try? await store.rows("ROLLBACK")
        _ = try? await store.rows("TRUNCATE syndicate_staged, syndicate_merged_away")
    }

    deinit {
        // Never reached by the runner, which always commits or rolls back; closing the
        // connection would roll back in any case.
        if open {
            let store = self.store
            Task { _ = try? await store.rows("ROLLBACK") }
        }
    }
}

/// A `sort:` order as PostgreSQL over the stored JSON records, with the SQLite store's
/// semantics: absent values last in either direction, numbers by value, text byte by byte, ties
/// by id.
enum PostgresOrder {
    static func clause(_ order: FeedOrder, binds: inout PostgresBindings) -> String {
        var parts: [String] = []
        for key in order.keys {
            let direction = key.descending ? "DESC" : "ASC"
            if key.path.field == .datePosted {
                parts.append("(p.date_posted IS NULL)")
                parts.append("p.date_posted \(direction)")
                continue
            }
            // The path travels as a parameter, so an `extra` key needs no quoting.
            binds.append(jsonPath(key.path))
            let value = "(p.record::JSONB #> $\(binds.count)::TEXT[])"
            parts.append("(\(value) IS NULL OR \(value) = 'null'::JSONB)")
            parts.append("(CASE WHEN jsonb_typeof(\(value)) = 'number' THEN (\(value))::NUMERIC END) \(direction) NULLS LAST")
            parts.append("(\(value) #>> '{}') COLLATE \"C\" \(direction)")
        }
        parts.append("p.id COLLATE \"C\" ASC")
        return parts.joined(separator: ", ")
    }

    /// `{location,city}`, or `{extra,<key>}`, as path elements.
    static func jsonPath(_ path: FieldPath) -> [String] {
        if path.field == .extra { return ["extra", path.extraKey ?? ""] }
        return path.field.rawValue.split(separator: ".").map(String.init)
    }
}
