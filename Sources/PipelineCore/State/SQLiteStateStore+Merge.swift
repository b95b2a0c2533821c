import Foundation
import GRDB

extension SQLiteStateStore {
    public func forEachActive(pipeline: String, _ visit: (EarlierPosting) throws -> Void) async throws {
        try access { db in
            // The small rows first, sorted by record number; then each record by its number, in
            // that order: reads front to back, and no sort ever holds the records themselves.
            struct Row { var id: String; var firstSeen: Date; var record: Int64 }
            var rows: [Row] = []
            let list = try RawStatement(db, sql: """
                SELECT id, first_seen, record FROM postings WHERE pipeline = ? AND active = 1 AND record IS NOT NULL ORDER BY record
                """)
            list.bind(1, pipeline)
            while try list.step() {
                rows.append(Row(id: list.text(0), firstSeen: RFC3339.parse(list.text(1)) ?? Date.distantPast, record: list.int(2)))
            }
            list.reset()
            let records = try RecordReader(db)
            for row in rows {
                try visit(EarlierPosting(id: row.id, firstSeen: row.firstSeen, stored: StoredPosting(json: records.bytes(row.record))))
            }
        }
    }

    @discardableResult
    public func merge(_ requests: [MergeRequest], pipeline: String, failedSources: Set<String>) async throws -> Int {
        guard !requests.isEmpty else { return 0 }
        return try transaction { db in
            guard try db.tableExists("staged", in: "temp") else { return 0 }
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS temp.staged_by_id ON staged (id)")
            let stager = try Stager(db, pipeline: pipeline)
            let stagedRows = try RawStatement(db, sql: "SELECT rowid, record, change, source FROM staged WHERE id = ? ORDER BY rowid")
            let records = try RecordReader(db)
            let active = try RawStatement(db, sql: "SELECT record, source FROM postings WHERE pipeline = ? AND id = ? AND active = 1 AND record IS NOT NULL")
            let deleteStaged = try RawStatement(db, sql: "DELETE FROM staged WHERE rowid = ?")
            let deleteRecord = try RawStatement(db, sql: "DELETE FROM records WHERE n = ?")
            let mergedAway = try RawStatement(db, sql: "INSERT OR IGNORE INTO merged_away (id) VALUES (?)")

            struct Row { var rowid: Int64; var record: Int64; var change: Int64 }
            /// The id's staged versions, but those of failed sources (discarded when the run is
            /// applied, so merging them would lose what they absorbed).
            func rows(_ id: String) throws -> [Row] {
                defer { stagedRows.reset() }
                stagedRows.bind(1, id)
                var found: [Row] = []
                while try stagedRows.step() {
                    guard !failedSources.contains(stagedRows.text(3)) else { continue }
                    found.append(Row(rowid: stagedRows.int(0), record: stagedRows.int(1), change: stagedRows.int(2)))
                }
                return found
            }
            func posting(_ number: Int64) throws -> JobPosting {
                StoredPosting(json: try records.bytes(number)).posting
            }
            func activeRecord(_ id: String) throws -> (number: Int64, source: String)? {
                defer { active.reset() }
                active.bind(1, pipeline)
                active.bind(2, id)
                return try active.step() ? (active.int(0), active.text(1)) : nil
            }

            var merged = 0
            // Rows and records to delete, gathered and deleted in ascending order at the end:
            // one pass along each B-tree instead of a page lookup per row.
            var stagedGone: [Int64] = []
            var recordsGone: [Int64] = []
            for request in requests {
                // The survivor: its first staged version, else its active version of an earlier
                // run, else (its source failed) the first absorbed posting this run has.
                var ids = [request.survivor] + request.absorbed.filter { $0 != request.survivor }
                var survivor: JobPosting?
                var others: [JobPosting] = []
                var replaced: [Row] = []
                var leaving: [String] = []
                while survivor == nil, !ids.isEmpty {
                    let id = ids.removeFirst()
                    let staged = try rows(id)
                    if let first = staged.first {
                        survivor = try posting(first.record)
                        for row in staged.dropFirst() { others.append(try posting(row.record)) }
                        replaced += staged
                    } else if let earlier = try activeRecord(id) {
                        // Re-staged under a failed source it would be discarded, and what it
                        // absorbed with it: leave this one for the next run.
                        if failedSources.contains(earlier.source) { break }
                        survivor = try posting(earlier.number)
                    }
                }
                guard let survivor else { continue }
                for id in ids {
                    let absorbedRows = try rows(id)
                    for row in absorbedRows { others.append(try posting(row.record)) }
                    replaced += absorbedRows
                    if let earlier = try activeRecord(id) {
                        if absorbedRows.isEmpty { others.append(try posting(earlier.number)) }
                        leaving.append(id)
                    }
                }
                guard !others.isEmpty else { continue }
                let result = PostingMerge.merge(survivor: survivor, others: others, prefer: request.prefer)
                for row in replaced {
                    stagedGone.append(row.rowid)
                    // Records of new and changed postings were written for this run alone.
                    if row.change == Int64(Change.new.rawValue) || row.change == Int64(Change.changed.rawValue) {
                        recordsGone.append(row.record)
                    }
                }
                try stager.stage(result)
                for id in leaving {
                    mergedAway.bind(1, id)
                    try mergedAway.execute()
                }
                merged += others.count
            }
            for rowid in stagedGone.sorted() {
                deleteStaged.bind(1, rowid)
                try deleteStaged.execute()
            }
            for number in recordsGone.sorted() {
                deleteRecord.bind(1, number)
                try deleteRecord.execute()
            }
            return merged
        }
    }
}
