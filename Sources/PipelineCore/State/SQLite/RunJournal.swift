import GRDB

/// How the SQLite store journals the transaction that applies a run and publishes it.
///
/// In WAL mode every page a transaction writes is written twice: into the WAL as the
/// transaction goes, then into the database file by the checkpoint after the commit. A first run
/// into a new file writes nearly all its pages past the file's end, and a rollback journal copies
/// only pages that existed before the transaction began (a rollback truncates the file back to
/// its old size): at 250,000 postings, 860 MB of records written once instead of twice, and the
/// commit 0.4 s instead of 2.9–3.6 s (the whole run, median of three alternating rounds:
/// 30.9 → 24.6 s; system time 8.2 → 5.5 s).
///
/// So a run into a file that holds no postings and no records of any pipeline is applied under a
/// rollback journal, with `synchronous = FULL` (the journal is on disk before the file is
/// touched, so a power cut mid-run leaves the file as it was), and the file goes back to WAL
/// mode after the commit or the rollback; a process that dies in between leaves a journal that
/// the next connection rolls back, and that connection puts the file back in WAL mode when it
/// opens it. The price: from applying to committing, the file is the run's alone — other
/// connections (`syndicate status`, another pipeline sharing the file) wait for it up to their
/// busy timeout. SQLite refuses to leave WAL mode while another connection uses the file, so a
/// file someone else is reading at the time stays in WAL mode.
enum RunJournal: Sendable, Equatable {
    /// The file's usual WAL mode.
    case wal
    /// A rollback journal, for this run's transaction only.
    case rollback

    /// The journal for the run about to be applied on `db` (outside any transaction): a rollback
    /// journal when `fresh` (the run's pipeline had no postings) and the whole file is empty,
    /// and SQLite lets the connection leave WAL mode now; WAL otherwise.
    static func choose(_ db: Database, fresh: Bool) -> RunJournal {
        guard fresh, !db.isInsideTransaction else { return .wal }
        do {
            let empty = try Bool.fetchOne(db, sql: """
                SELECT NOT EXISTS (SELECT 1 FROM records) AND NOT EXISTS (SELECT 1 FROM postings)
                """) ?? false
            guard empty, try currentMode(db) == "wal" else { return .wal }
            let mode = try withoutWaiting(db) { try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            guard mode?.lowercased() == "delete" else { return .wal }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return .rollback
        } catch {
            // Whatever went wrong, the run goes on in WAL mode, as every other run does.
            restore(db)
            return .wal
        }
    }

    /// Ends the journal of a run whose transaction has committed or rolled back: a rollback
    /// journal puts the file back in WAL mode (`restore`); WAL has nothing to undo.
    func end(_ db: Database) {
        if self == .rollback { Self.restore(db) }
    }

    /// Puts the file back in WAL mode with the store's usual `synchronous` (after the run's
    /// commit or rollback). If another connection holds the file at that moment, it stays in
    /// rollback mode until the store next opens it.
    static func restore(_ db: Database) {
        guard !db.isInsideTransaction else { return }
        try? db.execute(sql: "PRAGMA synchronous = NORMAL")
        _ = try? withoutWaiting(db) { try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
    }

    /// The file's journal mode, lower-cased ("wal", "delete", "memory" for an in-memory store).
    static func currentMode(_ db: Database) throws -> String {
        (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "").lowercased()
    }

    /// Runs `body` with the connection's busy timeout at zero, and puts it back after: changing
    /// the journal mode needs the file to itself, and when another connection has it, the run
    /// should go on at once in the mode it is in rather than wait.
    private static func withoutWaiting<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
        try db.execute(sql: "PRAGMA busy_timeout = 0")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
        return try body()
    }
}
