import Foundation
import GRDB

/// A temporary SQLite database for work that would otherwise hold something per posting in
/// memory (dedupe's signatures): its tables live in a file of the system's temporary directory,
/// its page cache and sorts stay within `cacheMegabytes`, and the file is removed with it.
///
/// Nothing in it must survive a crash, so it keeps no journal and never syncs.
///
/// ```swift
/// let scratch = try ScratchDatabase(purpose: "dedupe")
/// try scratch.run { db in try db.execute(sql: "CREATE TABLE t (k INTEGER)") }
/// ```
package final class ScratchDatabase: @unchecked Sendable {
    // Sendable by discipline, not by lock: DatabaseQueue serialises every access itself.
    private let queue: DatabaseQueue
    /// The database file.
    package let url: URL

    /// Creates an empty database named after `purpose`.
    package init(purpose: String, cacheMegabytes: Int = 8) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("syndicate-\(purpose)-\(UUID().uuidString).sqlite")
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -\(cacheMegabytes * 1024)")
            // Sorts larger than the cache go to temporary files, not to memory.
            try db.execute(sql: "PRAGMA temp_store = FILE")
        }
        do {
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
        } catch {
            throw StateStoreError.unavailable("cannot create a scratch database at \(url.path): \(error); is the temporary directory writable (TMPDIR)?")
        }
    }

    deinit {
        try? queue.close()
        for suffix in ["", "-journal", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: url.path + suffix)
        }
    }

    /// Runs `body` on the connection, outside any transaction of GRDB's.
    package func run<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction(body)
    }
}
