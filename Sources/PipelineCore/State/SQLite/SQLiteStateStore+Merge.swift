import Foundation
import GRDB

extension SQLiteStateStore {
    public func forEachActive(pipeline: String, where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) async throws {
        try access { db in
            // In record-number order, so that the records are read front to back; each is read
            // while the list is stepped, so that nothing per posting is held (a million earlier
            // postings' rows were 60 MB). The list's sort in bounded memory: see `boundedSorts`.
            try SQLiteStateStore.boundedSorts(db) { try walkActive(pipeline: pipeline, db, where: wanted, visit) }
        }
    }

    /// Dedupe's walk over the earlier postings (see `forEachActive`).
    private func walkActive(pipeline: String, _ db: Database, where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) throws {
        let list = try RawStatement(db, sql: """
            SELECT id, first_seen, record FROM postings WHERE pipeline = ? AND active = 1 AND record IS NOT NULL ORDER BY record
            """)
        defer { list.reset() }
        list.bind(1, pipeline)
        let records = try RecordReader(db)
        while try list.step() {
            let id = list.text(0)
            let firstSeen = RFC3339.parse(list.text(1)) ?? Date.distantPast
            guard try wanted(id, firstSeen) else { continue }
            try visit(EarlierPosting(id: id, firstSeen: firstSeen, stored: StoredPosting(json: records.bytes(list.int(2)))))
        }
    }

    @discardableResult
    public func merge(_ requests: [MergeRequest], pipeline: String, failedSources: Set<String>) async throws -> Int {
        guard !requests.isEmpty else { return 0 }
        let spool = try spool()
        return try transaction { db in
            guard try db.tableExists("staged", in: "temp") else { return 0 }
            try Self.indexStaged(db)
            let stager = try Stager(db, pipeline: pipeline, fresh: isFresh(pipeline), spool: spool)
            let stagedRows = try RawStatement(db, sql: "SELECT rowid, record, size, source FROM staged WHERE id = ? ORDER BY rowid")
            let records = try RecordReader(db)
            let activeRow = try RawStatement(db, sql: "SELECT record, source FROM postings WHERE pipeline = ? AND id = ? AND active = 1 AND record IS NOT NULL")
            let deleteStaged = try RawStatement(db, sql: "DELETE FROM staged WHERE rowid = ?")
            let mergedAway = try RawStatement(db, sql: "INSERT OR IGNORE INTO merged_away (id) VALUES (?)")

            /// The id's staged versions, but those of failed sources; each handle is the row's
            /// number. A replaced version's record, if spooled, is simply never copied.
            func staged(_ id: String) throws -> [MergeResolver.Staged<Int64>] {
                defer { stagedRows.reset() }
                stagedRows.bind(1, id)
                var found: [MergeResolver.Staged<Int64>] = []
                while try stagedRows.step() {
                    guard !failedSources.contains(stagedRows.text(3)) else { continue }
                    let record = stagedRows.int(1)
                    let read: () throws -> JobPosting
                    if stagedRows.isNull(2) {
                        read = { StoredPosting(json: try records.bytes(record)).posting }
                    } else {
                        let size = Int(stagedRows.int(2))
                        read = { StoredPosting(json: try spool.read(at: record, count: size)).posting }
                    }
                    found.append(MergeResolver.Staged(handle: stagedRows.int(0), posting: read))
                }
                return found
            }
            func active(_ id: String) throws -> MergeResolver.Active? {
                defer { activeRow.reset() }
                activeRow.bind(1, pipeline)
                activeRow.bind(2, id)
                guard try activeRow.step() else { return nil }
                let record = activeRow.int(0)
                return MergeResolver.Active(source: activeRow.text(1), posting: { StoredPosting(json: try records.bytes(record)).posting })
            }

            var merged = 0
            // Rows to delete, gathered and deleted in ascending order at the end: one pass along
            // the B-tree instead of a page lookup per row.
            var stagedGone: [Int64] = []
            for request in requests {
                guard let outcome = try MergeResolver.resolve(request, failedSources: failedSources, staged: staged, active: active) else {
                    continue
                }
                stagedGone += outcome.replaced.map(\.handle)
                try stager.stage(outcome.merged)
                for id in outcome.leaving {
                    mergedAway.bind(1, id)
                    try mergedAway.execute()
                }
                merged += outcome.count
            }
            for rowid in stagedGone.sorted() {
                deleteStaged.bind(1, rowid)
                try deleteStaged.execute()
            }
            return merged
        }
    }
}
