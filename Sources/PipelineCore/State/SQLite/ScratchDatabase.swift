import Foundation
import GRDB

/// A temporary SQLite database for work that would otherwise hold something per posting in
/// memory (dedupe's signatures): SQLite's private on-disk database (an empty file name), whose
/// file in the system's temporary directory (`TMPDIR`) has no name, so that nothing is left
/// behind even by a killed run; its page cache and sorts stay within `cacheMegabytes`.
///
/// Nothing in it must survive the connection, so it keeps no journal and never syncs.
///
/// ```swift
/// let scratch = try ScratchDatabase(purpose: "dedupe")
/// try scratch.run { db in try db.execute(sql: "CREATE TABLE t (k INTEGER)") }
/// ```
package final class ScratchDatabase: @unchecked Sendable {
    // Sendable by discipline, not by lock: DatabaseQueue serialises every access itself.
    private let queue: DatabaseQueue

    /// Creates an empty database for `purpose` (named in its errors).
    package init(purpose: String, cacheMegabytes: Int = 8) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -\(cacheMegabytes * 1024)")
            // Pages beyond the cache, and sorts larger than it, go to temporary files.
            try db.execute(sql: "PRAGMA temp_store = FILE")
            // Its sorts are a run's largest: see `SQLiteStateStore.sorterHelperThreads`.
            try db.execute(sql: "PRAGMA threads = \(SQLiteStateStore.sorterHelperThreads)")
        }
        do {
            queue = try DatabaseQueue(path: "", configuration: configuration)
        } catch {
            throw StateStoreError.unavailable("cannot create \(purpose)'s scratch database: \(error); is the temporary directory (TMPDIR) writable?")
        }
    }

    /// Runs `body` on the connection, outside any transaction of GRDB's.
    package func run<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction(body)
    }
}
