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
    private var indexedIDs = false
    /// Sightings (`sawEarlier`) made since the transaction they share began; 0 when none is
    /// open. Each in a transaction of its own, SQLite wrote their pages back at every commit:
    /// the walk over a million earlier postings in a `--reread` took 11.8 s that way, 8.5 s in
    /// batches (what is left is the lookups at random in the scratch database's 8 MB cache).
    private var openSightings = 0
    /// Sightings committed together.
    private static let sightingsPerCommit = 4096

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
        try access(sighting: true) { db in
            if !indexedIDs {
                try db.execute(sql: "CREATE INDEX signatures_by_id ON signatures (id) WHERE earlier = 0")
                indexedIDs = true
            }
            if openSightings == 0 { try db.execute(sql: "BEGIN") }
            openSightings += 1
            do {
                let update = try RawStatement(db, sql: """
                    UPDATE signatures SET first_seen = min(first_seen, ?)
                    WHERE idx = (SELECT min(idx) FROM signatures WHERE id = ? AND earlier = 0)
                    """)
                update.bind(1, firstSeen)
                Self.bind(DedupeSignature.IDKey(id), at: 2, of: update)
                try update.execute()
                let seen = update.changes > 0
                if openSightings >= Self.sightingsPerCommit { try commitSightings(db) }
                return seen
            } catch {
                // A failed sighting fails the stage; no transaction stays open behind it.
                openSightings = 0
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
    }

    /// Commits the sightings made since the last commit, if any.
    private func commitSightings(_ db: Database) throws {
        guard openSightings > 0 else { return }
        openSightings = 0
        try db.execute(sql: "COMMIT")
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
                return Standing(id: key.id, firstSeen: row.double(1), datePosted: row.isNull(2) ? nil : row.double(2), sourceRank: Int(row.int(3)))
            }
        }
    }

    /// Runs `body` on the scratch database; anything but a sighting first commits the
    /// sightings made before it (the appends and reads run in transactions of their own).
    private func access<T>(sighting: Bool = false, _ body: (Database) throws -> T) throws -> T {
        do {
            return try scratch.run { db in
                if !sighting { try commitSightings(db) }
                return try body(db)
            }
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
