import Foundation
import GRDB
import PipelineCore

/// Dedupe's signatures of a run, in a scratch database rather than in memory: a million
/// postings' signatures were 100 MB of the heap, and twice that while they were sorted. SQLite
/// sorts each rule's keys in bounded memory (spilling to temporary files), so what the stage
/// holds per posting is the finder's twelve bytes (the union-find and the clusters' grouping).
///
/// Rows are numbered in the order they came (`index`), which breaks ties between survivors:
/// this run's postings first, then those of earlier runs.
final class SignatureStore: @unchecked Sendable {
    // Sendable by discipline: the stage appends from one batch at a time and reads in `finish`,
    // never at once (the runner calls a stage's methods in turn).
    private let scratch: ScratchDatabase
    /// How many signatures it holds.
    private(set) var count = 0
    /// The ids this run staged (signatures not of earlier postings), which `sawEarlier` looks
    /// up, each with the row of its first signature: read in order from the id index when it
    /// first looks, 16 hex digits as the number the table keeps (signed, as SQLite orders them;
    /// 12 bytes a posting, for the walk over the earlier postings), any other id as text.
    private var stagedNumbers: [Int64] = []
    /// The row of `stagedNumbers`' id at the same place.
    private var stagedRows: [UInt32] = []
    private var stagedTexts: [String: Int64] = [:]
    private var stagedLoaded = false
    /// When each of this run's signatures was first seen by an earlier run (`sawEarlier`), by
    /// row; infinity when it was not. Kept here, 8 bytes a posting of the run, and applied
    /// where a survivor is chosen (`standings`): written into the table, each sighting was an
    /// update of its row, batched and in row order, and the walk over the earlier postings of a
    /// 250,000-posting run that read them all again took 0.62–0.65 s, against 0.45–0.54 s now.
    private var earliestSightings: [Double] = []

    /// One member of a group that shares a key: what the rules compare.
    struct Candidate {
        var index: Int
        var earlier: Bool
        var titleKey: UInt64?
        var placeKey: UInt64?
        var simhash: UInt64?
        var datePosted: Double?
    }

    /// What decides which member of a cluster survives, and the id it is known by.
    struct Standing {
        var id: String
        var firstSeen: Double
        var datePosted: Double?
        var sourceRank: Int
    }

    /// The keys a rule groups by.
    enum Key: String {
        case source = "source_key", url = "url_key", block = "block_key"
    }

    init() throws {
        scratch = try ScratchDatabase(purpose: "dedupe")
        try access { db in
            // `id` has no type: an integer for the usual 16 hex digits, text otherwise.
            try db.execute(sql: """
                CREATE TABLE signatures (
                    idx INTEGER PRIMARY KEY,
                    id NOT NULL,
                    source_key INTEGER, url_key INTEGER, title_key INTEGER, place_key INTEGER, block_key INTEGER,
                    simhash INTEGER, posted REAL,
                    rank INTEGER NOT NULL, first_seen REAL NOT NULL, earlier INTEGER NOT NULL
                )
                """)
        }
    }

    /// Appends signatures, numbered on from the last.
    func append(_ signatures: [DedupeSignature]) throws {
        guard !signatures.isEmpty else { return }
        try access { db in
            try db.execute(sql: "BEGIN")
            // A failed insert fails the stage; the transaction must not stay open behind it.
            do {
                let insert = try RawStatement(db, sql: """
                    INSERT INTO signatures (idx, id, source_key, url_key, title_key, place_key, block_key, simhash, posted, rank, first_seen, earlier)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for (offset, signature) in signatures.enumerated() {
                    insert.bind(1, Int64(count + offset))
                    Self.bind(signature.idKey, at: 2, of: insert)
                    Self.bind(signature.sourceKey, at: 3, of: insert)
                    Self.bind(signature.urlKey, at: 4, of: insert)
                    Self.bind(signature.titleKey, at: 5, of: insert)
                    Self.bind(signature.placeKey, at: 6, of: insert)
                    Self.bind(signature.blockKey, at: 7, of: insert)
                    Self.bind(signature.simhash, at: 8, of: insert)
                    if let posted = signature.datePosted { insert.bind(9, posted) } else { insert.bindNull(9) }
                    insert.bind(10, Int64(signature.sourceRank))
                    insert.bind(11, signature.firstSeen)
                    insert.bind(12, Int64(signature.earlier ? 1 : 0))
                    try insert.execute()
                }
                try db.execute(sql: "COMMIT")
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
            count += signatures.count
        }
    }

    /// When this run's first posting with `id` exists, makes its first sighting no later than
    /// `firstSeen` and returns true: an id staged again is the same posting, not a duplicate.
    func sawEarlier(id: String, firstSeen: Double) throws -> Bool {
        if !stagedLoaded { try loadStagedIDs() }
        let key = DedupeSignature.IDKey(id)
        let row: Int64?
        if let text = key.text {
            row = stagedTexts[text]
        } else {
            let number = Int64(bitPattern: key.bits)
            let place = Self.lowerBound(of: number, in: stagedNumbers)
            row = place < stagedNumbers.count && stagedNumbers[place] == number ? Int64(stagedRows[place]) : nil
        }
        guard let row else { return false }
        if let place = Int(exactly: row), earliestSightings.indices.contains(place) {
            earliestSightings[place] = min(earliestSightings[place], firstSeen)
        }
        return true
    }

    /// Reads this run's ids and their first rows from an index by id made here, in its order
    /// (an id's signatures in row order): numbers sorted, each id once.
    private func loadStagedIDs() throws {
        try access { db in
            try db.execute(sql: "CREATE INDEX signatures_by_id ON signatures (id) WHERE earlier = 0")
            let ids = try RawStatement(db, sql: "SELECT id, idx FROM signatures INDEXED BY signatures_by_id WHERE earlier = 0 ORDER BY id")
            defer { ids.reset() }
            stagedNumbers.reserveCapacity(count)
            stagedRows.reserveCapacity(count)
            while try ids.step() {
                let row = ids.int(1)
                if ids.isInteger(0) {
                    let number = ids.int(0)
                    guard stagedNumbers.last != number else { continue }
                    guard let small = UInt32(exactly: row) else {
                        throw StateStoreError.unavailable("dedupe: more signatures than it can number (\(row))")
                    }
                    stagedNumbers.append(number)
                    stagedRows.append(small)
                } else if stagedTexts[ids.text(0)] == nil {
                    stagedTexts[ids.text(0)] = row
                }
            }
            // This run's signatures are the rows so far: earlier postings' come after.
            earliestSightings = [Double](repeating: .infinity, count: count)
            stagedLoaded = true
        }
    }

    /// The first place in sorted `numbers` whose value is not below `number`.
    private static func lowerBound(of number: Int64, in numbers: [Int64]) -> Int {
        var low = 0, high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < number { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Calls `body` with each group of two or more signatures that share `key`, members in the
    /// order they came.
    func forEachGroup(sharing key: Key, _ body: ([Candidate]) -> Void) throws {
        try access { db in
            let rows = try RawStatement(db, sql: """
                SELECT \(key.rawValue), idx, earlier, title_key, place_key, simhash, posted FROM signatures
                WHERE \(key.rawValue) IS NOT NULL ORDER BY \(key.rawValue), idx
                """)
            defer { rows.reset() }
            var group: [Candidate] = []
            var current: Int64 = 0
            while try rows.step() {
                let value = rows.int(0)
                if !group.isEmpty, value != current {
                    if group.count > 1 { body(group) }
                    group.removeAll(keepingCapacity: true)
                }
                current = value
                group.append(Candidate(
                    index: Int(rows.int(1)), earlier: rows.int(2) != 0, titleKey: Self.key(rows, 3), placeKey: Self.key(rows, 4),
                    simhash: Self.key(rows, 5), datePosted: rows.isNull(6) ? nil : rows.double(6)))
            }
            if group.count > 1 { body(group) }
        }
    }

    /// What decides the survivor among the signatures at `indices`, in their order.
    func standings(_ indices: [Int]) throws -> [Standing] {
        try access { db in
            let row = try RawStatement(db, sql: "SELECT id, first_seen, posted, rank FROM signatures WHERE idx = ?")
            return try indices.map { index in
                defer { row.reset() }
                row.bind(1, Int64(index))
                guard try row.step() else { throw StateStoreError.unavailable("dedupe: signature \(index) is missing from its scratch database") }
                var key = DedupeSignature.IDKey("")
                if row.isInteger(0) {
                    key.bits = UInt64(bitPattern: row.int(0))
                    key.text = nil
                } else {
                    key.text = row.text(0)
                }
                let sighted = index < earliestSightings.count ? earliestSightings[index] : .infinity
                return Standing(
                    id: key.id, firstSeen: min(row.double(1), sighted), datePosted: row.isNull(2) ? nil : row.double(2),
                    sourceRank: Int(row.int(3)))
            }
        }
    }

    /// Runs `body` on the scratch database.
    private func access<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try scratch.run { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw StateStoreError.unavailable("dedupe's scratch database (in TMPDIR): \(error)")
        }
    }

    private static func bind(_ key: UInt64?, at index: Int32, of statement: RawStatement) {
        if let key { statement.bind(index, Int64(bitPattern: key)) } else { statement.bindNull(index) }
    }

    private static func bind(_ id: DedupeSignature.IDKey, at index: Int32, of statement: RawStatement) {
        if let text = id.text { statement.bind(index, text) } else { statement.bind(index, Int64(bitPattern: id.bits)) }
    }

    private static func key(_ rows: RawStatement, _ column: Int32) -> UInt64? {
        rows.isNull(column) ? nil : UInt64(bitPattern: rows.int(column))
    }
}
