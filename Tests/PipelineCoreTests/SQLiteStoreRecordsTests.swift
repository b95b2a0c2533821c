import Foundation
import GRDB
import Testing
@testable import PipelineCore
import TestScratch

/// What the SQLite store keeps on disk: exactly one record per posting version still needed,
/// whatever the runs did, and stores from before the current layout carried over.
@Suite("The SQLite store's records")
struct SQLiteStoreRecordsTests {
    static func makeStore() throws -> SQLiteStateStore {
        let dir = ScratchDirectory.path("records")
        return try SQLiteStateStore(url: dir.appendingPathComponent("state.sqlite"))
    }

    /// Records in the file, and records some posting refers to.
    static func records(_ store: SQLiteStateStore) throws -> (stored: Int, referenced: Int) {
        try store.access { db in
            let stored = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? -1
            let referenced = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT record) FROM postings WHERE record IN (SELECT n FROM records)") ?? -1
            let postings = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM postings") ?? -1
            #expect(referenced == postings, "every posting's record is stored")
            return (stored, referenced)
        }
    }

    @Test("a run's large sorts get the small page cache, and the connection its own back, even on an error; the staged rows keep theirs")
    func boundedSorts() throws {
        let store = try Self.makeStore()
        struct Failure: Error {}
        try store.access { db in
            func cacheSize() throws -> Int { try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
            func tempCacheSize() throws -> Int { try Int.fetchOne(db, sql: "PRAGMA temp.cache_size") ?? 0 }
            #expect(try cacheSize() == -SQLiteStateStore.cacheKilobytes)
            // The temporary database, where the staged rows are, has the connection's cache,
            // not SQLite's 2 MB; the sorts' setting is the main database's alone.
            #expect(try tempCacheSize() == -SQLiteStateStore.cacheKilobytes)
            let inside = try SQLiteStateStore.boundedSorts(db) { (try cacheSize(), try tempCacheSize()) }
            #expect(inside.0 == -SQLiteStateStore.boundedSortCacheKilobytes)
            #expect(inside.1 == -SQLiteStateStore.cacheKilobytes)
            #expect(try cacheSize() == -SQLiteStateStore.cacheKilobytes)
            #expect(throws: Failure.self) { try SQLiteStateStore.boundedSorts(db) { throw Failure() } }
            #expect(try cacheSize() == -SQLiteStateStore.cacheKilobytes)
        }
    }

    @Test("changes, failed sources, repeats, dry runs and interrupted runs leave no record behind")
    func noOrphans() async throws {
        let store = try Self.makeStore()
        var d = StoreDriver(store: store)
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")], "b": [StoreDriver.posting("1", source: "b")]])
        #expect(try Self.records(store) == (3, 3))

        // A changed posting replaces its record; an unchanged one writes none.
        let changed = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2", title: "Senior Dev")], "b": [StoreDriver.posting("1", source: "b")]])
        #expect(changed.counts["a"]?.updated == 1)
        #expect(try Self.records(store) == (3, 3))

        // A failed source's postings stay with their records; what another source staged in a
        // run that failed for it is dropped.
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2", title: "Senior Dev")], "b": nil])
        #expect(try Self.records(store) == (3, 3))

        // The same posting twice in one run: the last version is kept, the other record goes.
        let twice = try await d.run([
            "a": [StoreDriver.posting("1", title: "Old"), StoreDriver.posting("1", title: "Newest"), StoreDriver.posting("2", title: "Senior Dev")],
            "b": [StoreDriver.posting("1", source: "b")],
        ])
        #expect(twice.counts["a"]?.updated == 1)
        #expect(try Self.records(store) == (3, 3))
        let titles = try store.access { db in
            try String.fetchAll(db, sql: "SELECT json_extract(r.record, '$.title') FROM postings p JOIN records r ON r.n = p.record ORDER BY p.id")
        }
        #expect(titles == ["Newest", "Senior Dev", "Dev"])

        // A dry run writes nothing that stays.
        try await d.run(["a": [StoreDriver.posting("7"), StoreDriver.posting("8")], "b": [StoreDriver.posting("1", source: "b")]], dryRun: true)
        #expect(try Self.records(store) == (3, 3))

        // A run killed after staging wrote nothing to the file: its records were spooled.
        try await store.beginRun(pipeline: "jobs", runID: "killed")
        try await store.stage([StoreDriver.posting("9"), StoreDriver.posting("10")], pipeline: "jobs", runID: "killed")
        #expect(try Self.records(store).stored == 3)
        // One killed by a version that staged into the records table left them there: the next
        // run of the pipeline drops them.
        try store.access { db in
            try db.execute(sql: "INSERT INTO records (pipeline, hash, record) VALUES ('jobs', 'h9', '{}'), ('jobs', 'h10', '{}')")
        }
        #expect(try Self.records(store).stored == 5)
        let reopened = try SQLiteStateStore(url: store.url)
        var next = StoreDriver(store: reopened, clock: d.clock)
        try await next.run(["a": [StoreDriver.posting("1", title: "Newest"), StoreDriver.posting("2", title: "Senior Dev")], "b": [StoreDriver.posting("1", source: "b")]])
        #expect(try Self.records(reopened) == (3, 3))
    }

    @Test("merged postings' records never reach the file: only what the run keeps is written")
    func mergedRecordsNotWritten() async throws {
        let store = try Self.makeStore()
        var d = StoreDriver(store: store)
        var b = StoreDriver.posting("1", source: "b")
        b.company = "Acme"
        let run = try await d.run(
            ["a": [StoreDriver.posting("1"), StoreDriver.posting("2"), StoreDriver.posting("3")], "b": [b, StoreDriver.posting("2", source: "b")]],
            merges: [MergeRequest(survivor: "a-1", absorbed: ["b-1"]), MergeRequest(survivor: "a-2", absorbed: ["b-2"])])
        #expect(run.active == ["a-1", "a-2", "a-3"])
        #expect(try Self.records(store) == (3, 3))
        let companies = try store.access { db in
            try String?.fetchAll(db, sql: "SELECT json_extract(r.record, '$.company') FROM postings p JOIN records r ON r.n = p.record ORDER BY p.id")
        }
        #expect(companies == ["Acme", nil, nil])
        // Records are written in the default feed order, newest first, whatever order they were
        // staged and merged in (a-1's merged version was staged last).
        let order = try store.access { db in
            try String.fetchAll(db, sql: "SELECT json_extract(record, '$.id') FROM records ORDER BY n")
        }
        #expect(order == ["a-3", "a-2", "a-1"])
    }

    @Test("copying a run's records releases each day's spool shelf after its last record; what is not copied stays")
    func spoolShelvesReleased() async throws {
        let store = try Self.makeStore()
        try await store.beginRun(pipeline: "jobs", runID: "r1")
        var undated = StoreDriver.posting("5")
        undated.datePosted = nil
        // a on days 1, 2 and 3 and undated; b on day 1 (a's shelf) and on day 4, alone.
        try await store.stage(
            [StoreDriver.posting("1"), StoreDriver.posting("2"), StoreDriver.posting("3"), undated, StoreDriver.posting("4", source: "b"),
             StoreDriver.posting("1", source: "b")],
            pipeline: "jobs", runID: "r1")
        let spool = try store.spool()
        let before = spool.openShelves
        try store.access { db in
            try SQLiteStateStore.copySpooled(pipeline: "jobs", sources: ["a"], from: spool, now: "2026-12-01T00:00:00Z", db)
            let ids = try String.fetchAll(db, sql: "SELECT json_extract(record, '$.id') FROM records ORDER BY n")
            #expect(ids == ["a-3", "a-2", "a-1", "a-5"])
        }
        // Days 1, 2, 3 and the undated shelf went; day 4 (only b, not copied) stays.
        #expect(spool.openShelves == before - 4)
        let b4 = try store.access { db in try Row.fetchOne(db, sql: "SELECT record, size FROM staged WHERE id = 'b-4'") }
        let location: Int64 = try #require(b4?["record"]), size: Int = try #require(b4?["size"])
        #expect(try StoredPosting(json: spool.read(at: location, count: size)).posting.id == "b-4")
    }

    @Test("requests of one merge that name the same survivor see what the earlier one staged, as one at a time")
    func overlappingMergeRequests() async throws {
        let store = try Self.makeStore()
        try await store.beginRun(pipeline: "jobs", runID: "r")
        var b = StoreDriver.posting("1", source: "b"), c = StoreDriver.posting("1", source: "c")
        b.company = "Acme"
        c.url = "https://example.com/c"
        try await store.stage([StoreDriver.posting("1", source: "a"), b, c], pipeline: "jobs", runID: "r")
        // The second request is read only after the first has staged its merged posting.
        let merged = try await store.merge(
            [MergeRequest(survivor: "a-1", absorbed: ["b-1"]), MergeRequest(survivor: "a-1", absorbed: ["c-1"])], pipeline: "jobs", failedSources: [])
        #expect(merged == 3)
        let versions = try store.access { db in
            try String.fetchAll(db, sql: "SELECT id FROM staged ORDER BY rowid")
        }
        #expect(versions == ["a-1"])
        let spool = try store.spool()
        let row = try store.access { db in try Row.fetchOne(db, sql: "SELECT record, size FROM staged") }
        let location: Int64 = try #require(row?["record"]), size: Int = try #require(row?["size"])
        let posting = StoredPosting(json: try spool.read(at: location, count: size)).posting
        #expect(posting.company == "Acme")
        #expect(posting.url == "https://example.com/c")
    }

    @Test("expired postings and their records are dropped after 90 days")
    func purge() async throws {
        let store = try Self.makeStore()
        var d = StoreDriver(store: store)
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]])
        try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(try Self.records(store) == (2, 2))
        d.clock += 91 * 86_400
        try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(try Self.records(store) == (1, 1))
    }

    @Test("a store written by the first layout is carried over with its postings")
    func migratesFirstLayout() async throws {
        let dir = try ScratchDirectory.make("v1")
        let url = dir.appendingPathComponent("state.sqlite")
        do {
            let queue = try DatabaseQueue(path: url.path)
            try SQLiteStateStore.migrator.migrate(queue, upTo: "v1: records, postings, staging, sources, runs")
            var writer = JSONWriter()
            StoreDriver.posting("1").writeJSON(to: &writer)
            let json = writer.string
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO records (hash, record) VALUES ('h1', ?)", arguments: [json])
                try db.execute(sql: """
                    INSERT INTO postings (pipeline, id, source, hash, first_seen, updated_at, date_posted)
                    VALUES ('jobs', 'a-1', 'a', 'h1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-11-01T00:00:00Z')
                    """)
                try db.execute(sql: "INSERT INTO staged (pipeline, id, source, hash) VALUES ('jobs', 'a-9', 'a', 'h1')")
            }
        }
        let store = try SQLiteStateStore(url: url)
        var d = StoreDriver(store: store)
        let run = try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(run.active == ["a-1"])
        #expect(run.counts["a"]?.new == 0)
        let firstSeen = try store.access { db in try String.fetchOne(db, sql: "SELECT first_seen FROM postings WHERE id = 'a-1'") }
        #expect(firstSeen == "2026-01-01T00:00:00Z")
        #expect(try Self.records(store) == (1, 1))
    }
}
