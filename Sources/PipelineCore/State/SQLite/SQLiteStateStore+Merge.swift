import Foundation
import GRDB

extension SQLiteStateStore {
    /// A staged row as the merge reads it before deciding whether to read its record.
    struct StagedRow {
        let row: Int64
        /// The record's number, or where in the spool it is when `size` is set.
        let record: Int64
        let size: Int64?
        let source: String
        let hash: [UInt8]
    }

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

    /// How many requests are read ahead and resolved at once (see `MergeChunk`): enough that
    /// handing a part over costs nothing next to resolving it, few enough that two parts' records
    /// (a few kilobytes a version) stay a few megabytes.
    static let mergeChunk = 128

    @discardableResult
    public func merge(_ requests: [MergeRequest], pipeline: String, failedSources: Set<String>) async throws -> Int {
        guard !requests.isEmpty else { return 0 }
        let spool = try spool()
        return try transaction { db in
            guard try db.tableExists("staged", in: "temp") else { return 0 }
            try Self.indexStaged(db)
            let fresh = isFresh(pipeline)
            let stager = try Stager(db, pipeline: pipeline, fresh: fresh, spool: spool)
            let stagedRows = try RawStatement(db, sql: "SELECT rowid, record, size, source, hash FROM staged WHERE id = ? ORDER BY rowid")
            let records = try RecordReader(db)
            let activeRow = try RawStatement(db, sql: "SELECT record, source FROM postings WHERE pipeline = ? AND id = ? AND active = 1 AND record IS NOT NULL")
            let deleteStaged = try RawStatement(db, sql: "DELETE FROM staged WHERE rowid = ?")
            let mergedAway = try RawStatement(db, sql: "INSERT OR IGNORE INTO merged_away (id) VALUES (?)")
            let keptInputs = try RawStatement(db, sql: "SELECT inputs, hash, valid_through, date_posted FROM merge_inputs WHERE pipeline = ? AND id = ?")
            let keepInputs = try RawStatement(db, sql: """
                INSERT OR REPLACE INTO merge_inputs (pipeline, id, inputs, hash, valid_through, date_posted) VALUES (?, ?, ?, ?, ?, ?)
                """)

            /// Every version the requests may read: each id's staged versions in the order they
            /// were staged, but those of failed sources (a replaced version's record, if spooled,
            /// is simply never copied), and its active version of an earlier run.
            func read(_ part: [MergeRequest]) throws -> (staged: [String: [MergeChunk.Version]], earlier: [String: MergeChunk.Earlier]) {
                var staged: [String: [MergeChunk.Version]] = [:], earlier: [String: MergeChunk.Earlier] = [:]
                for request in part {
                    for id in [request.survivor] + request.absorbed where staged[id] == nil {
                        let versions = try versions(of: id)
                        staged[id] = versions
                        // A first run has no earlier postings to look up.
                        earlier[id] = fresh ? nil : try active(id, readingRecord: versions.isEmpty)
                    }
                }
                return (staged, earlier)
            }
            func versions(of id: String) throws -> [MergeChunk.Version] {
                try rows(of: id).map { row in
                    let json = try row.size.map { try spool.read(at: row.record, count: Int($0)) } ?? records.bytes(row.record)
                    return MergeChunk.Version(row: row.row, json: json, hash: row.hash)
                }
            }
            /// An id's staged rows, but those of failed sources, without their records.
            func rows(of id: String) throws -> [StagedRow] {
                defer { stagedRows.reset() }
                stagedRows.bind(1, id)
                var rows: [StagedRow] = []
                while try stagedRows.step() {
                    let source = stagedRows.text(3)
                    guard !failedSources.contains(source) else { continue }
                    rows.append(StagedRow(
                        row: stagedRows.int(0), record: stagedRows.int(1), size: stagedRows.isNull(2) ? nil : stagedRows.int(2),
                        source: source, hash: stagedRows.bytes(4)))
                }
                return rows
            }
            // An earlier version's record is read only for an id with no staged version: the only
            // one `MergeResolver` reads (a posting this run staged again is merged as staged).
            func active(_ id: String, readingRecord: Bool) throws -> MergeChunk.Earlier? {
                defer { activeRow.reset() }
                activeRow.bind(1, pipeline)
                activeRow.bind(2, id)
                guard try activeRow.step() else { return nil }
                return MergeChunk.Earlier(source: activeRow.text(1), json: readingRecord ? try records.bytes(activeRow.int(0)) : nil)
            }

            var merged = 0
            // Rows to delete, gathered and deleted in ascending order at the end: one pass along
            // the B-tree instead of a page lookup per row.
            var stagedGone: [Int64] = []
            // What each merge was made from, written in the survivors' order at the end (in the
            // order merges come, each landed on its own page of the table's B-tree).
            var madeFrom: [(id: String, inputs: [UInt8], hash: [UInt8], validThrough: String?, datePosted: String?)] = []
            /// Stages `request`'s survivor as it is, without merging, when the store holds the
            /// merge of the very versions staged now (see `MergeInputs`); false when it does not.
            func keepMerged(_ request: MergeRequest) throws -> Bool {
                // What the survivor's last merge was made from, first: a request with none (a
                // new job, a store from before merges were kept) costs this one lookup, not
                // the others twice (the merge that follows makes them again).
                defer { keptInputs.reset() }
                keptInputs.bind(1, pipeline)
                keptInputs.bind(2, request.survivor)
                guard try keptInputs.step() else { return false }
                var staged: [String: [StagedRow]] = [:]
                for id in [request.survivor] + request.absorbed where staged[id] == nil {
                    staged[id] = try rows(of: id)
                    // An absorbed posting active from an earlier run leaves the active set:
                    // only a merge does that.
                    if id != request.survivor, try active(id, readingRecord: false) != nil { return false }
                }
                guard let key = MergeInputs.key(request, hashes: { id in (staged[id] ?? []).map(\.hash) }),
                      let survivor = staged[request.survivor]?.first, keptInputs.column(0, equals: key) else { return false }
                let kept = Stager.Prepared(
                    kept: request.survivor, source: survivor.source, hash: keptInputs.bytes(1),
                    validThrough: keptInputs.isNull(2) ? nil : keptInputs.text(2),
                    datePosted: keptInputs.isNull(3) ? nil : keptInputs.text(3))
                // Only while the survivor's record is still that merge's (a run since may have
                // changed it, or expired it with its record).
                guard try stager.stageKept(kept) else { return false }
                let rows = staged.values.flatMap { $0.map(\.row) }
                stagedGone += rows
                merged += rows.count - 1
                keptMerges.withLock { $0 += 1 }
                return true
            }
            func write(_ chunk: MergeChunk) throws {
                let outcomes = try chunk.wait()
                for case let outcome? in outcomes {
                    stagedGone += outcome.replaced
                    if let posting = outcome.merged {
                        try stager.stage(posting)
                        if let inputs = outcome.inputs {
                            madeFrom.append((posting.id, inputs, posting.hash, posting.validThrough, posting.datePosted))
                        }
                    }
                    for id in outcome.leaving {
                        mergedAway.bind(1, id)
                        try mergedAway.execute()
                    }
                    merged += outcome.count
                }
                chunk.release(consume outcomes)
            }
            // One part resolves while the next is read, and is written after. Requests that name
            // an id an earlier one named (dedupe's never do) see what that one staged, as when
            // requests were taken one at a time: the part ends before them, and the part before
            // is written before they are read.
            var resolving: MergeChunk?
            // A serial queue of its own gets a thread whatever else blocks (see `MergeChunk`);
            // one part resolves at a time, while the next is read.
            let resolver = DispatchQueue(label: "syndicate.merge-resolve")
            var part: [MergeRequest] = [], partIDs: Set<String> = []
            func hand(over part: [MergeRequest], ids: Set<String>) throws {
                if let chunk = resolving, !chunk.ids.isDisjoint(with: ids) {
                    try write(chunk)
                    resolving = nil
                }
                let versions = try read(part)
                let next = MergeChunk(part, ids: ids, staged: versions.staged, earlier: versions.earlier, failedSources: failedSources, on: resolver)
                if let chunk = resolving { try write(chunk) }
                resolving = next
            }
            for request in requests {
                let ids = Set([request.survivor] + request.absorbed)
                // A run that staged the same versions as the one before keeps what their merge
                // made then (a first run has nothing kept). Not for ids a pending part names:
                // those must see what it stages first.
                if !fresh, partIDs.isDisjoint(with: ids), resolving?.ids.isDisjoint(with: ids) ?? true,
                   try keepMerged(request) {
                    continue
                }
                if part.count >= Self.mergeChunk || !partIDs.isDisjoint(with: ids) {
                    try hand(over: part, ids: partIDs)
                    part.removeAll(keepingCapacity: true)
                    partIDs.removeAll(keepingCapacity: true)
                }
                part.append(request)
                partIDs.formUnion(ids)
            }
            if !part.isEmpty { try hand(over: part, ids: partIDs) }
            if let chunk = resolving { try write(chunk) }
            madeFrom.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
            for made in madeFrom {
                keepInputs.bind(1, pipeline)
                keepInputs.bind(2, made.id)
                keepInputs.bind(3, blob: made.inputs)
                keepInputs.bind(4, blob: made.hash)
                keepInputs.bind(5, made.validThrough)
                keepInputs.bind(6, made.datePosted)
                try keepInputs.execute()
            }
            for rowid in stagedGone.sorted() {
                deleteStaged.bind(1, rowid)
                try deleteStaged.execute()
            }
            return merged
        }
    }
}
