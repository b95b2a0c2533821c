import Foundation
import Testing
@testable import PipelineCore
import TestScratch

/// The backends the store suite runs against; a new store joins by adding a case here.
/// PostgreSQL joins when `SYNDICATE_TEST_POSTGRES` names a server (`.ci/run` starts one); without
/// it, `PostgresAvailability` reports the suite skipped.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The backends this machine can run.
    static var available: [StoreBackend] {
        TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A new, empty store.
    func make() async throws -> any StateStore {
        switch self {
        case .sqlite:
            let dir = ScratchDirectory.path("store")
            return try SQLiteStateStore(url: dir.appendingPathComponent("state.sqlite"))
        case .postgres:
            return try await TestPostgres.freshStore()
        }
    }

    /// A second store on the same state: what another process, or another host, opens.
    func reopen(_ store: any StateStore) async throws -> any StateStore {
        if let sqlite = store as? SQLiteStateStore { return try SQLiteStateStore(url: sqlite.url) }
        guard let postgres = store as? PostgresStateStore else { throw StateStoreError.unavailable("unknown store") }
        return try await PostgresStateStore.connect(postgres.location)
    }
}

/// Drives a store the way the runner does.
struct StoreDriver {
    let store: any StateStore
    let pipeline = "jobs"
    var clock = Date(timeIntervalSince1970: 1_795_449_600)

    static func posting(_ id: String, source: String = "a", title: String = "Dev", validThrough: String? = nil) -> JobPosting {
        var p = JobPosting(id: "\(source)-\(id)", source: source, sourceID: id, title: title)
        p.validThrough = validThrough.flatMap(RFC3339.parse)
        p.datePosted = RFC3339.parse("2026-11-0\(min(9, max(1, Int(id) ?? 1)))T00:00:00Z")
        return p
    }

    /// One run: `listed` per source (nil = the source failed), then commit unless `dryRun`.
    @discardableResult
    mutating func run(
        _ listed: [String: [JobPosting]?], notModified: Set<String> = [], expireAfterMissing: Int = 1, dryRun: Bool = false,
        merges: [MergeRequest] = [], beforeCommit: ((any RunTransaction) async throws -> Void)? = nil
    ) async throws -> (counts: [String: SourceCounts], active: [String]) {
        clock += 3600
        let runID = "run-\(clock.timeIntervalSince1970)"
        try await store.beginRun(pipeline: pipeline, runID: runID)
        var sources: [RunPlan.Source] = []
        for (name, postings) in listed.sorted(by: { $0.key < $1.key }) {
            if notModified.contains(name) {
                sources.append(RunPlan.Source(name: name, result: .notModified, etag: "\"v2\""))
            } else if let postings {
                try await store.stage(postings, pipeline: pipeline, runID: runID)
                sources.append(RunPlan.Source(name: name, result: .complete, etag: "\"v1\"", expireAfterMissing: expireAfterMissing))
            } else {
                sources.append(RunPlan.Source(name: name, result: .failed("boom")))
            }
        }
        if !merges.isEmpty {
            let failed = Set(listed.filter { $0.value == nil }.keys)
            try await store.merge(merges, pipeline: pipeline, failedSources: failed)
        }
        let transaction = try await store.applyRun(RunPlan(pipeline: pipeline, runID: runID, startedAt: clock, now: clock, sources: sources, dryRun: dryRun))
        var active: [String] = []
        try await transaction.forEach(order: FeedOrder(keys: [])) { p in
            active.append(p.posting.id ?? "")
            return true
        }
        try await beforeCommit?(transaction)
        if dryRun {
            await transaction.rollback()
        } else {
            try await transaction.commit(exitCode: 0, reportJSON: nil)
        }
        return (transaction.counts, active)
    }
}

@Suite("The state store")
struct StateStoreTests {
    @Test("a posting its source stops listing leaves the active set after that run", arguments: StoreBackend.available)
    func expiresMissing(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let first = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]])
        #expect(first.active == ["a-1", "a-2"])
        #expect(first.counts["a"]?.new == 2)
        let second = try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(second.active == ["a-1"])
        #expect(second.counts["a"]?.expired == 1)
        #expect(second.counts["a"]?.unchanged == 1)
    }

    @Test("a failed source expires nothing and keeps its postings", arguments: StoreBackend.available)
    func failedSourceKeeps(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.run(["a": [StoreDriver.posting("1")], "b": [StoreDriver.posting("1", source: "b")]])
        let second = try await d.run(["a": [StoreDriver.posting("2")], "b": nil])
        #expect(second.active == ["a-2", "b-1"])
        #expect(second.counts["b"] == nil)
        let status = try await d.store.status(pipeline: "jobs", runs: 5)
        #expect(status.sources.first { $0.name == "b" }?.consecutiveFailures == 1)
        #expect(status.sources.first { $0.name == "b" }?.lastError == "boom")
        #expect(status.sources.first { $0.name == "b" }?.active == 1)
    }

    @Test("a 304 keeps the source's postings and its validators", arguments: StoreBackend.available)
    func notModifiedKeeps(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(try await d.store.sourceStates(pipeline: "jobs")["a"]?.etag == "\"v1\"")
        let second = try await d.run(["a": []], notModified: ["a"])
        #expect(second.active == ["a-1"])
        #expect(try await d.store.sourceStates(pipeline: "jobs")["a"]?.etag == "\"v2\"")
    }

    @Test("expire_after_missing gives a posting grace runs, and a posting that returns is active again", arguments: StoreBackend.available)
    func grace(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]], expireAfterMissing: 2)
        #expect(try await d.run(["a": [StoreDriver.posting("1")]], expireAfterMissing: 2).active == ["a-1", "a-2"])
        #expect(try await d.run(["a": [StoreDriver.posting("1")]], expireAfterMissing: 2).active == ["a-1"])
        let back = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]], expireAfterMissing: 2)
        #expect(back.active == ["a-1", "a-2"])
        #expect(back.counts["a"]?.new == 0)
    }

    @Test("a posting past its valid_through expires whatever its source did", arguments: StoreBackend.available)
    func validThrough(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let soon = RFC3339.format(d.clock + 2 * 3600 - 1)
        let first = try await d.run(["a": [StoreDriver.posting("1", validThrough: soon), StoreDriver.posting("2")]])
        #expect(first.active == ["a-1", "a-2"])
        let second = try await d.run(["a": nil])
        #expect(second.active == ["a-2"])
        #expect(second.counts["a"]?.expired == 1)
    }

    @Test("unchanged postings are counted as such; a changed one is an update", arguments: StoreBackend.available)
    func changeDetection(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]])
        let second = try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2", title: "Senior Dev")]])
        #expect(second.counts["a"] == { var c = SourceCounts(); c.updated = 1; c.unchanged = 1; return c }())
    }

    @Test("the active set's digest follows its content; sinks' states are kept with the run that wrote them", arguments: StoreBackend.available)
    func digestsAndSinks(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        var digests: [String] = []
        let state = SinkState(fingerprint: "f", activeDigest: "d", file: "file:1-2-3-4.5", written: 2, bytes: 99)
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]]) { t in
            digests.append(try await t.activeDigest())
            try await t.recordSinks(["out": state])
        }
        #expect(try await d.store.sinkStates(pipeline: "jobs") == ["out": state])
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")]]) { digests.append(try await $0.activeDigest()) }
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2", title: "Senior Dev")]]) { digests.append(try await $0.activeDigest()) }
        try await d.run(["a": [StoreDriver.posting("1")]]) { digests.append(try await $0.activeDigest()) }
        // The changed posting back as it was last listed: the same active set as two runs ago.
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2", title: "Senior Dev")]]) { digests.append(try await $0.activeDigest()) }
        #expect(digests[0] == digests[1])
        #expect(digests[2] != digests[1])
        #expect(digests[3] != digests[2])
        #expect(digests[4] == digests[2])
        // What a rolled-back run recorded is gone with it.
        var other = state
        other.activeDigest = "e"
        try await d.run(["a": [StoreDriver.posting("1")]], dryRun: true) { try await $0.recordSinks(["out": other]) }
        #expect(try await d.store.sinkStates(pipeline: "jobs") == ["out": state])
    }

    @Test("a rolled-back run (a dry run) changes nothing", arguments: StoreBackend.available)
    func rollback(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.run(["a": [StoreDriver.posting("1")]])
        let dry = try await d.run(["a": [StoreDriver.posting("2")]], dryRun: true)
        #expect(dry.active == ["a-2"])
        let after = try await d.run(["a": nil])
        #expect(after.active == ["a-1"])
        #expect(try await d.store.status(pipeline: "jobs", runs: 10).runs.count == 2)
    }

    @Test("an interrupted run's staged postings are forgotten by the next", arguments: StoreBackend.available)
    func staleStaging(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.store.beginRun(pipeline: "jobs", runID: "killed")
        try await d.store.stage([StoreDriver.posting("9")], pipeline: "jobs", runID: "killed")
        let next = try await d.run(["a": [StoreDriver.posting("1")]])
        #expect(next.active == ["a-1"])
    }

    @Test("sinks read the active set in their order, absent values last, ties by id", arguments: StoreBackend.available)
    func order(backend: StoreBackend) async throws {
        let d = StoreDriver(store: try await backend.make())
        var a = StoreDriver.posting("1"), b = StoreDriver.posting("2"), c = StoreDriver.posting("3")
        a.salary = Salary(min: 50)
        b.salary = Salary(min: 90)
        c.salary = nil
        c.datePosted = nil
        try await d.store.beginRun(pipeline: "jobs", runID: "r")
        try await d.store.stage([a, b, c], pipeline: "jobs", runID: "r")
        let t = try await d.store.applyRun(RunPlan(pipeline: "jobs", runID: "r", startedAt: d.clock, now: d.clock, sources: [RunPlan.Source(name: "a", result: .complete)], dryRun: false))
        func ids(_ order: FeedOrder) async throws -> [String] {
            var out: [String] = []
            try await t.forEach(order: order) { out.append($0.posting.id ?? ""); return true }
            return out
        }
        #expect(try await ids(.default) == ["a-2", "a-1", "a-3"])
        #expect(try await ids(FeedOrder(keys: [try FeedOrder.parseKey("salary.min")])) == ["a-1", "a-2", "a-3"])
        #expect(try await ids(FeedOrder(keys: [try FeedOrder.parseKey("-salary.min")])) == ["a-2", "a-1", "a-3"])
        #expect(try await t.activeCount() == 3)
        await t.rollback()
    }

    @Test("one run at a time: a second lock fails at once, and is free after release", arguments: StoreBackend.available)
    func locks(backend: StoreBackend) async throws {
        let store = try await backend.make()
        let lock = try await store.lock(pipeline: "jobs")
        // A second run is a second store (another process, or another host).
        let other = try await backend.reopen(store)
        await #expect(throws: StateStoreError.self) { try await other.lock(pipeline: "jobs") }
        // Another pipeline in the same store is not held up.
        try await other.lock(pipeline: "other").release()
        await lock.release()
        try await other.lock(pipeline: "jobs").release()
    }

    @Test("a store in memory locks in the process, and leaves no lock file behind")
    func memoryLocks() async throws {
        let store = try SQLiteStateStore(url: nil)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        let lock = try await store.lock(pipeline: "jobs")
        await #expect(throws: StateStoreError.self) { try await store.lock(pipeline: "jobs") }
        try await store.lock(pipeline: "other").release()
        await lock.release()
        // Released once: the lock taken since is not freed by the first one's second release.
        let again = try await store.lock(pipeline: "jobs")
        await lock.release()
        await #expect(throws: StateStoreError.self) { try await store.lock(pipeline: "jobs") }
        await again.release()
        // A lock dropped without release is free, as a lock file's is when its process ends.
        do { _ = try await store.lock(pipeline: "dropped") }
        try await store.lock(pipeline: "dropped").release()
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        #expect(after.subtracting(before).filter { $0.hasSuffix(".lock") }.isEmpty)
    }

    @Test("a merge within a run keeps the survivor, with the other's fields and a reference to it", arguments: StoreBackend.available)
    func mergeWithinRun(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let a = StoreDriver.posting("1", source: "a")
        var b = StoreDriver.posting("1", source: "b")
        b.company = "Acme"
        let run = try await d.run(["a": [a], "b": [b]], merges: [MergeRequest(survivor: "a-1", absorbed: ["b-1"])])
        #expect(run.active == ["a-1"])
        var merged: JobPosting?
        try await d.store.forEachActive(pipeline: "jobs") { merged = $0.stored.posting }
        #expect(merged?.company == "Acme")
        #expect(merged?.duplicates?.map(\.source) == ["b"])
        #expect(run.counts["a"]?.new == 1)
    }

    @Test("a merge across runs: the earlier posting absorbed leaves the active set as a duplicate", arguments: StoreBackend.available)
    func mergeAcrossRuns(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let a = StoreDriver.posting("1", source: "a"), b = StoreDriver.posting("2", source: "b")
        #expect(try await d.run(["a": [a], "b": [b]]).active == ["a-1", "b-2"])
        var earlier: [String] = []
        try await d.store.forEachActive(pipeline: "jobs") { earlier.append($0.id) }
        #expect(earlier.sorted() == ["a-1", "b-2"])
        // Those not wanted are not visited (their records are not read).
        var asked: [String] = [], wanted: [String] = []
        try await d.store.forEachActive(pipeline: "jobs", where: { id, _ in asked.append(id); return id == "b-2" }) { wanted.append($0.id) }
        #expect(asked.sorted() == ["a-1", "b-2"])
        #expect(wanted == ["b-2"])
        let second = try await d.run(["a": [a], "b": [b]], merges: [MergeRequest(survivor: "a-1", absorbed: ["b-2"])])
        #expect(second.active == ["a-1"])
        #expect(second.counts["b"]?.merged == 1)
        #expect(second.counts["b"]?.expired == 1)
        #expect(second.counts["a"]?.updated == 1)
        let status = try await d.store.status(pipeline: "jobs", runs: 5)
        #expect(status.active == 1 && status.expired == 1)
    }

    @Test("a merge of more clusters than are resolved at once merges every one, each with its own fields", arguments: StoreBackend.available)
    func mergeManyClusters(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let count = 2 * SQLiteStateStore.mergeChunk + 37
        let a = (1...count).map { StoreDriver.posting("\($0)", source: "a") }
        let b = (1...count).map { i in
            var posting = StoreDriver.posting("\(i)", source: "b")
            posting.company = "Company \(i)"
            return posting
        }
        let run = try await d.run(["a": a, "b": b], merges: (1...count).map { MergeRequest(survivor: "a-\($0)", absorbed: ["b-\($0)"]) })
        #expect(run.active.count == count)
        #expect(run.active.allSatisfy { $0.hasPrefix("a-") })
        var companies: [String: String] = [:]
        try await d.store.forEachActive(pipeline: "jobs") { companies[$0.id] = $0.stored.posting.company ?? "" }
        #expect(companies.count == count)
        #expect(companies.allSatisfy { id, company in company == "Company \(id.dropFirst(2))" })
    }

    @Test("a merge of the same versions again keeps its record; a changed version or preference is merged anew", arguments: StoreBackend.available)
    func mergeOfSameVersions(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        let a = StoreDriver.posting("1", source: "a")
        var b = StoreDriver.posting("1", source: "b")
        b.company = "Acme"
        b.validThrough = RFC3339.parse("2030-01-01T00:00:00Z")
        let request = MergeRequest(survivor: "a-1", absorbed: ["b-1"])
        /// How many merges the store kept as they were (SQLite keeps them; PostgreSQL merges again).
        func kept() -> Int? { (d.store as? SQLiteStateStore)?.keptMerges.withLock { $0 } }
        func stored() async throws -> [JobPosting] {
            var postings: [JobPosting] = []
            try await d.store.forEachActive(pipeline: "jobs") { postings.append($0.stored.posting) }
            return postings
        }

        try await d.run(["a": [a], "b": [b]], merges: [request])
        let first = try await stored()
        #expect(first.map(\.company) == ["Acme"])

        // The feeds read again with nothing new: the same record, counted unchanged.
        let again = try await d.run(["a": [a], "b": [b]], merges: [request])
        #expect(again.active == ["a-1"])
        #expect(again.counts["a"]?.unchanged == 1)
        #expect(again.counts["a"]?.updated == 0)
        #expect(try await stored() == first)
        if backend == .sqlite { #expect(kept() == 1) }

        // An absorbed posting changed: merged again, with its new value.
        b.company = "Beta"
        let changed = try await d.run(["a": [a], "b": [b]], merges: [request])
        #expect(changed.counts["a"]?.updated == 1)
        #expect(try await stored().map(\.company) == ["Beta"])
        if backend == .sqlite { #expect(kept() == 1) }
        try await d.run(["a": [a], "b": [b]], merges: [request])
        if backend == .sqlite { #expect(kept() == 2) }

        // The same versions under another preference: merged again.
        var a2 = a
        a2.company = "Alpha"
        try await d.run(["a": [a2], "b": [b]], merges: [request])
        #expect(try await stored().map(\.company) == ["Alpha"])
        let preferred = try await d.run(["a": [a2], "b": [b]], merges: [MergeRequest(survivor: "a-1", absorbed: ["b-1"], prefer: ["b"])])
        #expect(preferred.counts["a"]?.updated == 1)
        #expect(try await stored().map(\.company) == ["Beta"])
        if backend == .sqlite { #expect(kept() == 2) }
        #expect(try await stored().first?.validThrough == RFC3339.parse("2030-01-01T00:00:00Z"))
    }

    @Test("an earlier posting its unchanged source did not stage again is merged from its stored record", arguments: StoreBackend.available)
    func mergeFromStoredRecord(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        var b = StoreDriver.posting("2", source: "b")
        b.company = "Acme"
        try await d.run(["a": [StoreDriver.posting("1", source: "a")], "b": [b]])
        let second = try await d.run(
            ["a": [StoreDriver.posting("1", source: "a")], "b": []], notModified: ["b"], merges: [MergeRequest(survivor: "a-1", absorbed: ["b-2"])])
        #expect(second.active == ["a-1"])
        #expect(second.counts["b"]?.merged == 1)
        var merged: JobPosting?
        try await d.store.forEachActive(pipeline: "jobs") { merged = $0.stored.posting }
        #expect(merged?.company == "Acme")
        #expect(merged?.duplicates?.map(\.source) == ["b"])
    }

    @Test("what a failed source staged is merged into nothing", arguments: StoreBackend.available)
    func mergeSkipsFailedSource(backend: StoreBackend) async throws {
        var d = StoreDriver(store: try await backend.make())
        try await d.store.beginRun(pipeline: "jobs", runID: "r")
        try await d.store.stage([StoreDriver.posting("1", source: "a"), StoreDriver.posting("1", source: "b")], pipeline: "jobs", runID: "r")
        let merged = try await d.store.merge([MergeRequest(survivor: "a-1", absorbed: ["b-1"])], pipeline: "jobs", failedSources: ["b"])
        #expect(merged == 0)
        let run = try await d.run(["a": [StoreDriver.posting("1", source: "a")]])
        #expect(run.active == ["a-1"])
    }

    /// Every (from, to) pair of the available backends.
    static var copyPairs: [(StoreBackend, StoreBackend)] {
        StoreBackend.available.flatMap { a in StoreBackend.available.map { (a, $0) } }
    }

    @Test("a pipeline's state copied to another store carries on there: same active set, history and validators", arguments: copyPairs)
    func copy(from: StoreBackend, to: StoreBackend) async throws {
        var d = StoreDriver(store: try await from.make())
        try await d.run(["a": [StoreDriver.posting("1"), StoreDriver.posting("2")], "b": [StoreDriver.posting("3", source: "b")]])
        try await d.run(["a": [StoreDriver.posting("1")], "b": nil])
        let target = try await to.make()
        var copied = 0
        try await target.importState(pipeline: "jobs", replace: false) { add in
            try await d.store.exportState(pipeline: "jobs", batch: 1) { batch in
                copied += batch.count
                try await add(batch)
            }
        }
        #expect(copied == 3)
        #expect(try await target.pipelines() == ["jobs"])
        let before = try await d.store.status(pipeline: "jobs", runs: 10), after = try await target.status(pipeline: "jobs", runs: 10)
        #expect(after.active == 2 && after.expired == 1)
        #expect(after.runs.map(\.runID) == before.runs.map(\.runID))
        #expect(after.sources.map(\.consecutiveFailures) == before.sources.map(\.consecutiveFailures))
        #expect(try await target.sourceStates(pipeline: "jobs")["a"]?.etag == "\"v1\"")
        // A second copy without replace is refused and changes nothing.
        await #expect(throws: StateStoreError.self) {
            try await target.importState(pipeline: "jobs", replace: false) { _ in StateCopy.History(sources: [:], runs: []) }
        }
        // The next run on the target treats the copied postings as its own: unchanged, not new.
        var next = StoreDriver(store: target)
        next.clock = d.clock
        let run = try await next.run(["a": [StoreDriver.posting("1")], "b": [StoreDriver.posting("3", source: "b")]])
        #expect(run.counts["a"]?.unchanged == 1 && run.counts["a"]?.new == 0)
        #expect(run.counts["b"]?.unchanged == 1)
        #expect(run.active == ["a-1", "b-3"])
    }
}
