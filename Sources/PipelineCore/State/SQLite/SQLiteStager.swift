import GRDB

extension SQLiteStateStore {
    /// Writes postings into the run's staging table, deciding for each with one lookup whether it
    /// is new, unchanged, changed or returning, and spooling its record only when it is needed
    /// (the records table gets it when the run is applied, if it survives the run's merging).
    /// Shared by staging a batch and by staging the postings a merge produces.
    struct Stager {
        let pipeline: String
        let known: RawStatement
        let spool: RecordSpool
        let staged: RawStatement
        /// The pipeline had no postings when the run began: every posting is new, and the
        /// lookup (a B-tree probe per posting, on the path every source waits on) is skipped.
        let fresh: Bool

        init(_ db: Database, pipeline: String, fresh: Bool, spool: RecordSpool) throws {
            self.pipeline = pipeline
            self.fresh = fresh
            self.spool = spool
            known = try RawStatement(db, sql: "SELECT hash, record, active, missing_runs FROM postings WHERE pipeline = ? AND id = ?")
            staged = try RawStatement(db, sql: """
                INSERT INTO staged (id, source, hash, record, size, change, valid_through, date_posted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        }

        /// A posting's record made ready to stage: its JSON, the hash of it and the columns the
        /// staged row needs. Made on any thread (the merge makes them off the connection's).
        struct Prepared: Sendable {
            let id: String
            let source: String
            let json: [UInt8]
            let hash: [UInt8]
            let validThrough: String?
            let datePosted: String?
            let group: Int

            /// Nil for a posting without an id (sources always give one).
            /// Lent the posting: an initializer's parameter is otherwise a copy of it.
            init?(_ posting: borrowing JobPosting) {
                guard let id = posting.id else { return nil }
                var writer = JSONWriter()
                posting.writeJSON(to: &writer)
                self.id = id
                source = posting.source ?? ""
                json = writer.bytes
                hash = ContentHash(bytes: json).bytes
                validThrough = posting.validThrough.map(RFC3339.format)
                datePosted = posting.datePosted.map(RFC3339.format)
                group = SQLiteStateStore.spoolGroup(posting.datePosted)
            }

            /// A record the store already holds, known by its hash: staged only through
            /// `stageKept`, which never spools it (hence no JSON).
            init(kept id: String, source: String, hash: [UInt8], validThrough: String?, datePosted: String?) {
                self.id = id
                self.source = source
                json = []
                self.hash = hash
                self.validThrough = validThrough
                self.datePosted = datePosted
                group = 0
            }
        }

        /// Stages one posting; a posting without an id is skipped (sources always give one).
        func stage(_ posting: borrowing JobPosting) throws {
            guard let prepared = Prepared(posting) else { return }
            try stage(prepared)
        }

        /// The same for a posting lent where it lies in a batch this call may change: `inout`
        /// only so that it is read there, not copied (nothing changes it). A posting read from
        /// an array, or through a pointer, is copied before it is passed on: a retain of each
        /// of its strings, made on another thread (1% of the sources phase's samples).
        func stage(lent posting: inout JobPosting) throws {
            try stage(posting)
        }

        /// Stages a prepared posting.
        func stage(_ posting: Prepared) throws {
            let (change, number) = try lookUp(posting)
            try insert(posting, change: change, record: number)
        }

        /// Stages a posting whose record the store holds under the posting's hash, as `stage`
        /// would have staged it (unchanged or returning, keeping its record); false, staging
        /// nothing, when the store holds another record for it or none.
        func stageKept(_ posting: Prepared) throws -> Bool {
            let (change, number) = try lookUp(posting)
            guard let number else { return false }
            try insert(posting, change: change, record: number)
            return true
        }

        /// What the store holds of `posting`: the change, and the record it keeps if unchanged.
        private func lookUp(_ posting: Prepared) throws -> (Change, Int64?) {
            guard !fresh else { return (.new, nil) }
            defer { known.reset() }
            known.bind(1, pipeline)
            known.bind(2, posting.id)
            guard try known.step() else { return (.new, nil) }
            guard known.column(0, equals: posting.hash), !known.isNull(1) else { return (.changed, nil) }
            return ((known.int(2) == 1 && known.int(3) == 0) ? .unchanged : .returning, known.int(1))
        }

        /// Inserts the staged row, spooling the record unless the posting keeps `record`.
        private func insert(_ posting: Prepared, change: Change, record number: Int64?) throws {
            staged.bind(1, posting.id)
            staged.bind(2, posting.source)
            staged.bind(3, blob: posting.hash)
            if let number {
                // An unchanged posting keeps the record it has.
                staged.bind(4, number)
                staged.bindNull(5)
            } else {
                staged.bind(4, try spool.append(posting.json, group: posting.group))
                staged.bind(5, Int64(posting.json.count))
            }
            staged.bind(6, Int64(change.rawValue))
            staged.bind(7, posting.validThrough)
            staged.bind(8, posting.datePosted)
            try staged.execute()
        }
    }
}
