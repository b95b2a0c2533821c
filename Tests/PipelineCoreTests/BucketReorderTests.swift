import Foundation
import Testing
@testable import PipelineCore
import TestScratch

@Suite("Putting records in feed order through buckets")
struct BucketReorderTests {
    static func record(_ position: Int) -> [UInt8] {
        // Sizes vary so that bucket files hold different numbers of bytes.
        Array("{\"position\":\(position),\"pad\":\"\(String(repeating: "x", count: position % 97))\"}".utf8)
    }

    @Test("records added in any order come out in position order, across many buckets")
    func order() throws {
        let count = 5_000
        var positions = Array(0..<count)
        var generator = SeededGenerator(seed: 42)
        positions.shuffle(using: &generator)
        let reorder = try BucketReorder(count: count, averageSize: 64, bucketBytes: 4_096)
        for position in positions { try Self.record(position).withUnsafeBytes { try reorder.add(position: position, $0) } }
        var out: [[UInt8]] = []
        try reorder.drain { out.append(Array($0)); return true }
        #expect(out.count == count)
        #expect(out == (0..<count).map(Self.record))
    }

    @Test("stopping early stops, and the temporary files go with the reorderer")
    func earlyStop() throws {
        var reorder: BucketReorder? = try BucketReorder(count: 1_000, averageSize: 64, bucketBytes: 1_024)
        for position in (0..<1_000).reversed() { try Self.record(position).withUnsafeBytes { try reorder?.add(position: position, $0) } }
        var seen = 0
        try reorder?.drain { _ in seen += 1; return seen < 10 }
        #expect(seen == 10)
        // Its own folder, not a count of all of them: other tests make and remove theirs meanwhile.
        let folder = try #require(reorder?.directory)
        #expect(FileManager.default.fileExists(atPath: folder.path))
        reorder = nil
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("a large active set is published in the same order through the buckets as directly")
    func storeOrder() async throws {
        let dir = ScratchDirectory.path("reorder")
        let direct = try SQLiteStateStore(url: dir.appendingPathComponent("a.sqlite"), reorderThreshold: .max)
        let buckets = try SQLiteStateStore(url: dir.appendingPathComponent("b.sqlite"), reorderThreshold: 0)
        var postings: [JobPosting] = []
        for i in 0..<300 {
            var p = JobPosting(id: "a-\(i)", source: "a", sourceID: "\(i)", title: "Dev \(i)")
            // Dates in no particular order, some equal, some absent: ties and absent values too.
            p.datePosted = i % 7 == 0 ? nil : Date(timeIntervalSince1970: 1_790_000_000 + Double((i * 7919) % 50) * 86_400)
            postings.append(p)
        }
        var orders: [[String]] = []
        var byTitle: [[String]] = []
        let byTitleDescending = FeedOrder(keys: [try FeedOrder.parseKey("-title")])
        let now = Date(timeIntervalSince1970: 1_795_449_600)
        for store in [direct, buckets] {
            try await store.beginRun(pipeline: "jobs", runID: "r")
            try await store.stage(postings, pipeline: "jobs", runID: "r")
            let t = try await store.applyRun(RunPlan(pipeline: "jobs", runID: "r", startedAt: now, now: now,
                                                      sources: [RunPlan.Source(name: "a", result: .complete)], dryRun: false))
            var ids: [String] = []
            try await t.forEach(order: .default) { ids.append($0.posting.id ?? ""); return true }
            var firstTen: [String] = []
            try await t.forEach(order: .default, limit: 10) { firstTen.append($0.posting.id ?? ""); return firstTen.count < 10 }
            #expect(firstTen == Array(ids.prefix(10)))
            // A key read from the records themselves.
            var titled: [String] = []
            try await t.forEach(order: byTitleDescending) { titled.append($0.posting.id ?? ""); return true }
            byTitle.append(titled)
            try await t.commit(exitCode: 0, reportJSON: nil)
            orders.append(ids)
        }
        #expect(orders[0].count == 300)
        #expect(orders[0] == orders[1])
        #expect(byTitle[0].count == 300)
        #expect(byTitle[0] == byTitle[1])
        #expect(byTitle[0].first == "a-99" && byTitle[0] != orders[0])
    }
}

extension BucketReorderTests {
    @Test("a record the state should hold and does not is a clear error, not a short feed")
    func missingRecord() async throws {
        let store = try Self.bucketStore()
        try await store.beginRun(pipeline: "jobs", runID: "r")
        try await store.stage(Self.plain(20), pipeline: "jobs", runID: "r")
        let t = try await store.applyRun(Self.plan("r"))
        try store.access { db in try db.execute(sql: "DELETE FROM records WHERE n = (SELECT record FROM postings WHERE id = 'a-7')") }
        var seen = 0
        await #expect(throws: StateStoreError.self) {
            try await t.forEach(order: .default) { _ in seen += 1; return true }
        }
        // What came before it may have been visited (records in feed order are passed on as
        // they are read); the error stops the pass, and a sink that fails is never published.
        #expect(seen < 20)
        await t.rollback()
    }
}

extension BucketReorderTests {
    @Test("a first run hands the active set over while it is applied, in the default feed order; a later run does not")
    func fedDuringApply() async throws {
        let store = try Self.bucketStore()
        let now = Self.now
        var postings: [JobPosting] = []
        for i in 0..<300 {
            var p = JobPosting(id: "a-\(i)", source: "a", sourceID: "\(i)", title: "Dev \(i)")
            p.datePosted = i % 7 == 0 ? nil : Date(timeIntervalSince1970: 1_790_000_000 + Double((i * 7919) % 50) * 86_400)
            // Past its valid_through at `now`: applied, then expired, never active.
            if i % 10 == 0 { p.validThrough = now.addingTimeInterval(-86_400) }
            postings.append(p)
        }
        try await store.beginRun(pipeline: "jobs", runID: "r")
        try await store.stage(postings, pipeline: "jobs", runID: "r")
        var handed: [String] = []
        let (t, fed) = try await store.applyRun(Self.plan("r")) { stored in
            handed.append(stored.posting.id ?? "")
            return true
        }
        #expect(fed)
        var read: [String] = []
        try await t.forEach(order: .default) { read.append($0.posting.id ?? ""); return true }
        #expect(read.count == 300 - 30)
        #expect(handed == read)
        try await t.commit(exitCode: 0, reportJSON: nil)

        // The pipeline has postings now: nothing is handed over, the sinks read the store.
        try await store.beginRun(pipeline: "jobs", runID: "r2")
        try await store.stage(postings, pipeline: "jobs", runID: "r2")
        var again = 0
        let (t2, fedAgain) = try await store.applyRun(Self.plan("r2")) { _ in
            again += 1
            return true
        }
        #expect(!fedAgain)
        #expect(again == 0)
        await t2.rollback()
    }

    @Test("a feed that wants no more stops being handed postings, and the run is still applied in full")
    func fedUntilEnough() async throws {
        let store = try Self.bucketStore()
        try await store.beginRun(pipeline: "jobs", runID: "r")
        try await store.stage(Self.plain(50), pipeline: "jobs", runID: "r")
        var handed = 0
        let (t, fed) = try await store.applyRun(Self.plan("r")) { _ in
            handed += 1
            return handed < 10
        }
        #expect(fed)
        #expect(handed == 10)
        #expect(try await t.activeCount() == 50)
        await t.rollback()
    }
}

extension BucketReorderTests {
    /// The clock of these tests' runs.
    static let now = Date(timeIntervalSince1970: 1_795_449_600)

    /// A new store in a folder of its own, whose feed passes always go through the buckets.
    static func bucketStore() throws -> SQLiteStateStore {
        let dir = ScratchDirectory.path("reorder")
        return try SQLiteStateStore(url: dir.appendingPathComponent("a.sqlite"), reorderThreshold: 0)
    }

    /// Run `runID` of pipeline "jobs", with source "a" complete.
    static func plan(_ runID: String) -> RunPlan {
        RunPlan(pipeline: "jobs", runID: runID, startedAt: now, now: now, sources: [RunPlan.Source(name: "a", result: .complete)], dryRun: false)
    }

    /// `count` postings of source "a", titled alike.
    static func plain(_ count: Int) -> [JobPosting] {
        (0..<count).map { JobPosting(id: "a-\($0)", source: "a", sourceID: "\($0)", title: "Dev") }
    }
}

/// A small deterministic generator, so that a failing shuffle can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
