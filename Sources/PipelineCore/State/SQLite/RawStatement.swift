import GRDB
// The C API, for the loops that run once per posting: through GRDB each call boxed its
// arguments and built a row object, and turning a 2 KB record into a String validated and
// copied it once more. Profiles of 500,000-posting runs put that above the SQLite work itself.
import GRDBSQLite

/// A prepared statement of GRDB's, driven through SQLite's C API for the per-posting loops
/// (the state store's, and the scratch tables of stages, in this package).
package struct RawStatement {
    let handle: OpaquePointer
    let connection: OpaquePointer?

    /// Wraps a cached statement of `db`. GRDB keeps it alive as long as the connection's schema
    /// is unchanged, and finalizes it when a table or index is created or dropped: create them
    /// before preparing, and drop them only after the last step and reset.
    package init(_ db: Database, sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds text, or null.
    package func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), Self.transient)
        }
    }

    /// Binds UTF-8 bytes as text.
    package func bind(_ index: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            // An empty buffer may have no address; SQLite reads no byte of a zero length.
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer<CChar>(bitPattern: 1)
            _ = sqlite3_bind_text(handle, index, base, Int32(raw.count), Self.transient)
        }
    }

    /// Runs the statement once with `bytes` bound as text at `index` in place, not copied by
    /// SQLite (a run's records are most of the bytes it writes), and unbinds them after.
    package func execute(bindingUTF8 bytes: [UInt8], at index: Int32) throws {
        try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer<CChar>(bitPattern: 1)
            // No destructor (SQLITE_STATIC): the buffer outlives the step, and the binding is
            // cleared before it goes.
            _ = sqlite3_bind_text(handle, index, base, Int32(raw.count), nil)
            defer { sqlite3_bind_null(handle, index) }
            try execute()
        }
    }

    /// Binds bytes as a blob.
    package func bind(_ index: Int32, blob bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), Self.transient)
        }
    }

    /// Binds an integer.
    package func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a floating-point number.
    package func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds null.
    package func bindNull(_ index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Runs the statement one step: true when it produced a row, false when it is done.
    package func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "unknown error"
            throw StateStoreError.unavailable("state store: \(message)")
        }
    }

    /// Runs a statement that returns no rows, and makes it ready for the next bindings.
    package func execute() throws {
        defer { sqlite3_reset(handle) }
        _ = try step()
    }

    /// Makes it ready for the next bindings.
    package func reset() {
        sqlite3_reset(handle)
    }

    /// The current row's column as bytes (text or blob), without an intermediate String.
    package func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The current row's column as bytes, lent to `body` without a copy (valid only inside it).
    package func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The current row's column as text.
    package func text(_ column: Int32) -> String {
        String(decoding: bytes(column), as: UTF8.self)
    }

    /// Whether the current row's column holds exactly `bytes`.
    package func column(_ column: Int32, equals bytes: [UInt8]) -> Bool {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count == bytes.count else { return false }
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return true }
        return bytes.withUnsafeBytes { raw in
            raw.elementsEqual(UnsafeRawBufferPointer(start: base, count: count))
        }
    }

    /// The current row's column as an integer.
    package func int(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The current row's column as a floating-point number.
    package func double(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// Whether the current row's column holds an integer.
    package func isInteger(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_INTEGER
    }

    /// How many rows the last statement of the connection changed.
    package var changes: Int {
        connection.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// Whether the current row's column is null.
    package func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// SQLite copies what is bound.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
