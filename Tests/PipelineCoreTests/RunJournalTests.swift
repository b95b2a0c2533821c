import Foundation
import GRDB
import Testing
@testable import PipelineCore
import TestScratch

/// A first run into an empty SQLite file is applied under a rollback journal (its pages written
/// once, not into the WAL and again at the checkpoint); the file is back in WAL mode whatever
/// the run ends with, and every other run, or a file someone else is using, stays in WAL mode.
@Suite("The SQLite store's run journal")
struct RunJournalTests {
    static func makeStore() throws -> (SQLiteStateStore, URL) {
        let url = ScratchDirectory.path("journal").appendingPathComponent("state.sqlite")
        return (try SQLiteStateStore(url: url), url)
    }

    static func mode(_ store: SQLiteStateStore) throws -> String {
        try store.access { try RunJournal.currentMode($0) }
    }

    static func synchronous(_ store: SQLiteStateStore) throws -> Int {
        try store.access { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The transaction's journal and the file's mode while the run is open, seen before commit.
    final class Seen: @unchecked Sendable {
        var journal: RunJournal?
        var mode = ""
        var synchronous = -1
    }

    static func watch(_ store: SQLiteStateStore, into seen: Seen) -> (any RunTransaction) async throws -> Void {
        { transaction in
            seen.journal = (transaction as? SQLiteRunTransaction)?.journal
            seen.mode = try mode(store)
            seen.synchronous = try synchronous(store)
        }
    }

    @Test("a first run into an empty file is journaled for rollback, and the file is in WAL mode after it")
    func firstRun() async throws {
        let (store, _) = try Self.makeStore()
        #expect(try Self.mode(store) == "wal")
        var d = StoreDriver(store: store)
        let seen = Seen()
        let first = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]], beforeCommit: Self.watch(store, into: seen))
        #expect(seen.journal == .rollback)
        #expect(seen.mode == "delete")
        #expect(seen.synchronous == 2, "FULL while the rollback journal is in use")
        #expect(first.active == ["a-1", "a-2"])
        #expect(try Self.mode(store) == "wal")
        #expect(try Self.synchronous(store) == 1, "back to NORMAL")

        // The next run has postings to change: WAL, and it sees what the first committed.
        let again = Seen()
        let second = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("3")]], beforeCommit: Self.watch(store, into: again))
        #expect(again.journal == .wal)
        #expect(again.mode == "wal")
        #expect(second.counts["a"]?.new == 1)
        #expect(second.counts["a"]?.unchanged == 1)
        #expect(second.counts["a"]?.expired == 1)
    }

    @Test("a dry first run leaves the file empty and in WAL mode, and the next run is a first run again")
    func dryRun() async throws {
        let (store, _) = try Self.makeStore()
        var d = StoreDriver(store: store)
        let seen = Seen()
        try await d.run(["a": [StoreDriver.posting("1")]], dryRun: true, beforeCommit: Self.watch(store, into: seen))
        #expect(seen.journal == .rollback)
        #expect(try Self.mode(store) == "wal")
        let postings = try store.access { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM postings") }
        let records = try store.access { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM records") }
        #expect(postings == 0)
        #expect(records == 0)

        let next = Seen()
        let run = try await d.run(["a": [StoreDriver.posting("1")]], beforeCommit: Self.watch(store, into: next))
        #expect(next.journal == .rollback)
        #expect(run.counts["a"]?.new == 1)
    }

    @Test("a file that holds another pipeline's records stays in WAL mode for a pipeline's first run")
    func sharedFile() async throws {
        let (store, _) = try Self.makeStore()
        try store.access { db in
            try db.execute(sql: "INSERT INTO records (pipeline, hash, record) VALUES ('other', 'h', '{}')")
        }
        var d = StoreDriver(store: store)
        let seen = Seen()
        let run = try await d.run(["a": [StoreDriver.posting("1")]], beforeCommit: Self.watch(store, into: seen))
        #expect(seen.journal == .wal)
        #expect(seen.mode == "wal")
        #expect(run.counts["a"]?.new == 1)
    }

    @Test("a first run while another connection reads the file stays in WAL mode, without waiting")
    func otherReader() async throws {
        let (store, url) = try Self.makeStore()
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: url.path, configuration: configuration)
        // A read transaction held open across the run (as `syndicate status` would, briefly).
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings")
        }
        var d = StoreDriver(store: store)
        let seen = Seen()
        let clock = ContinuousClock.now
        let run = try await d.run(["a": [StoreDriver.posting("1")]], beforeCommit: Self.watch(store, into: seen))
        #expect(ContinuousClock.now - clock < .seconds(5), "the switch does not wait out the busy timeout")
        #expect(seen.journal == .wal)
        #expect(run.counts["a"]?.new == 1)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "COMMIT")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings") == 1)
        }
        #expect(try Self.mode(store) == "wal")
    }

    @Test("a first run that dies before its commit leaves the file as it was: the next connection rolls it back")
    func crashBeforeCommit() async throws {
        let (store, url) = try Self.makeStore()
        let crash = url.deletingLastPathComponent().appendingPathComponent("crash")
        try FileManager.default.createDirectory(at: crash, withIntermediateDirectories: true)
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        // Enough records (12 MB) that the transaction writes pages to the file before its
        // commit: more than the page cache of the copy into the records table holds.
        let text = String(repeating: "Build services in Swift. ", count: 480)
        let postings = (1...1000).map { i -> JobPosting in
            var p = StoreDriver.posting("\(i)")
            p.descriptionText = "\(i): \(text)"
            return p
        }
        var d = StoreDriver(store: store)
        var copied: [String] = []
        try await d.run(["a": postings], dryRun: true, beforeCommit: { _ in
            // The files as they are on disk at this moment, as a crash would leave them.
            for suffix in ["", "-journal"] where FileManager.default.fileExists(atPath: url.path + suffix) {
                try FileManager.default.copyItem(atPath: url.path + suffix, toPath: crash.appendingPathComponent("state.sqlite" + suffix).path)
                copied.append(suffix)
            }
        })
        #expect(copied == ["", "-journal"], "the rollback journal was in use")
        let sizeAtCrash = try FileManager.default.attributesOfItem(atPath: crash.appendingPathComponent("state.sqlite").path)[.size] as? Int ?? 0
        #expect(sizeAtCrash > sizeBefore + 4_000_000, "the transaction had written pages to the file")

        let reopened = try SQLiteStateStore(url: crash.appendingPathComponent("state.sqlite"))
        #expect(try Self.mode(reopened) == "wal")
        let counts = try reopened.access { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records"))
        }
        #expect(counts.0 == 0)
        #expect(counts.1 == 0)
        var next = StoreDriver(store: reopened)
        let run = try await next.run(["a": [StoreDriver.posting("1")]])
        #expect(run.counts["a"]?.new == 1)
    }

    @Test("a store that cannot open a busy file says so and what to do; other failures keep SQLite's message")
    func busyMessage() {
        let busy = SQLiteStateStore.openFailure("/srv/jobs.sqlite", DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked"))
        #expect(busy.description.hasPrefix("cannot open the state store /srv/jobs.sqlite: another process holds it"))
        #expect(busy.description.hasSuffix("try again when that run has finished"))
        let other = SQLiteStateStore.openFailure("/srv/jobs.sqlite", DatabaseError(resultCode: .SQLITE_CANTOPEN, message: "unable to open database file"))
        #expect(other.description.hasPrefix("cannot open the state store /srv/jobs.sqlite: "))
        #expect(other.description.contains("unable to open database file"))
    }

    @Test("a connection that opens the file after a first run finds it in WAL mode with the run's postings")
    func reopened() async throws {
        let (store, url) = try Self.makeStore()
        var d = StoreDriver(store: store)
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]])
        let other = try SQLiteStateStore(url: url)
        #expect(try Self.mode(other) == "wal")
        let status = try await other.status(pipeline: "jobs", runs: 5)
        #expect(status.active == 2)
        #expect(status.runs.count == 1)
    }
}
