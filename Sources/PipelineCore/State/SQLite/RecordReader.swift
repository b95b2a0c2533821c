import GRDB

extension SQLiteStateStore {
    /// Reads a posting version's JSON by its record number: what sinks, dedupe's earlier set and
    /// merging all need, with one message for a record that should be there and is not.
    struct RecordReader {
        private let statement: RawStatement

        init(_ db: Database) throws {
            statement = try RawStatement(db, sql: "SELECT record FROM records WHERE n = ?")
        }

        /// The record's JSON bytes.
        func bytes(_ number: Int64) throws -> [UInt8] {
            defer { statement.reset() }
            statement.reset()
            statement.bind(1, number)
            guard try statement.step() else { throw SQLiteStateStore.missingRecord(number) }
            return statement.bytes(0)
        }
    }

    /// A posting's record that the store should hold and does not.
    static func missingRecord(_ number: Int64) -> StateStoreError {
        StateStoreError.unavailable("the state store is damaged: posting record \(number) is missing")
    }
}
