import Foundation
@testable import PipelineCore
import Plugins
import Testing

@Suite("Running a pipeline")
struct RunnerTests {
    static let feed = """
        {"source_id":"1","title":"Back-End Developer","company":"Acme","location":{"country":"CA"},"date_posted":"2026-11-20T00:00:00Z"}
        {"source_id":"2","title":"Data Engineer","company":"Acme","location":{"country":"US"},"date_posted":"2026-11-22T00:00:00Z"}
        {"source_id":"3","title":"QA Engineer","company":"Acme","location":{"country":"CA"},"date_posted":"2026-11-21T00:00:00Z"}
        """

    @Test("a failing source fails alone: the others publish, its postings are left out, exit 3")
    func failureIsolation() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", Self.feed)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources:
              good: { type: jsonl, path: good.jsonl }
              bad: { type: failing, before: 700, message: "feeds/b.xml:1:32: unexpected end of document" }
            sinks:
              out: { type: jsonl, path: out.jsonl }
            """, options: RunOptions(batchSize: 64))
        #expect(report.exitCode == ExitStatus.partial)
        #expect(report.status == .partial)
        #expect(report.sources.map(\.status) == ["ok", "failed"])
        #expect(report.sources[1].error == "feeds/b.xml:1:32: unexpected end of document")
        #expect(report.sources[1].sent == 700)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.map { $0["source"] } == Array(repeating: .string("good"), count: 3))
    }

    @Test("when every source fails nothing is published and the previous feed stays")
    func allFail() async throws {
        let scratch = try Scratch()
        try scratch.write("out.jsonl", "previous\n")
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { bad: { type: failing, before: 1, message: boom } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(try scratch.read("out.jsonl") == "previous\n")
    }

    @Test("a failing stage fails the run and publishes nothing")
    func stageFailure() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", Self.feed)
        try scratch.write("out.jsonl", "previous\n")
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { good: { type: jsonl, path: good.jsonl } }
            stages: [ { type: failing-stage } ]
            sinks:
              out: { type: jsonl, path: out.jsonl }
              other: { type: json, path: other.json }
            """)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.failure == "a stage failed: the stage broke; nothing was published")
        #expect(try scratch.read("out.jsonl") == "previous\n")
        #expect(!scratch.exists("other.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted() == [".syndicate", "good.jsonl", "out.jsonl", "pipeline.yaml"])
    }

    @Test("a sink that cannot write fails the run; no other sink publishes either")
    func sinkFailure() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", Self.feed)
        try scratch.write("blocked", "a file where a directory should be")
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { good: { type: jsonl, path: good.jsonl } }
            sinks:
              first: { type: jsonl, path: first.jsonl }
              second: { type: jsonl, path: blocked/second.jsonl }
            """)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.sinks.map(\.status) == ["ok", "failed"])
        #expect(!scratch.exists("first.jsonl"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix(".") } == [".syndicate"])
    }

    @Test("filter, set, and the sinks' where, sort and limit")
    func stagesAndSinkOptions() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", Self.feed)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { good: { type: jsonl, path: good.jsonl } }
            stages:
              - type: filter
                where: not (title contains "qa")
              - type: set
                values: { extra.board: main, location.remote: true }
                where: location.country == "CA"
            sinks:
              newest: { type: jsonl, path: newest.jsonl, limit: 1 }
              ca: { type: json, path: ca.json, where: 'location.country == "CA"', sort: title }
            """)
        #expect(report.exitCode == 0)
        #expect(report.stages.map(\.sent) == [2, 2])
        #expect(try scratch.jsonLines("newest.jsonl").map { $0["source_id"] } == [.string("2")])
        let ca = try JSONParser.parse(Array(try scratch.read("ca.json").utf8))
        guard case .array(let items) = ca else {
            Issue.record("not an array")
            return
        }
        #expect(items.map { $0["source_id"] } == [.string("1")])
        #expect(items[0]["extra"] == .object([("board", .string("main"))]))
        #expect(items[0]["location"] == .object([("country", .string("CA")), ("remote", .bool(true))]))
    }

    @Test("sinks in one order share a pass over the active set, and each still gets its own where, limit and checks")
    func sharedPass() async throws {
        let scratch = try Scratch()
        var lines: [String] = []
        for i in 0..<30 {
            // Every third posting has no URL, which the RSS sink requires.
            let url = i % 3 == 0 ? "" : #","url":"https://jobs.example/\#(i)""#
            lines.append(#"{"source_id":"\#(i)","title":"Job \#(i)","date_posted":"2026-11-\#(10 + i / 2)T00:00:00Z"\#(url)}"#)
        }
        try scratch.write("feed.jsonl", lines.joined(separator: "\n"))
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { feed: { type: jsonl, path: feed.jsonl } }
            sinks:
              all: { type: jsonl, path: all.jsonl }
              top: { type: jsonl, path: top.jsonl, limit: 3 }
              some: { type: jsonl, path: some.jsonl, where: 'title contains "1"', limit: 4 }
              rss: { type: rss, path: jobs.rss, limit: 5 }
              none: { type: jsonl, path: none.jsonl, limit: 0 }
              by_title: { type: jsonl, path: by-title.jsonl, sort: title, limit: 2 }
            """)
        #expect(report.exitCode == 0)
        let all = try scratch.jsonLines("all.jsonl").map { $0["source_id"] }
        #expect(all.count == 30)
        // Newest first: the highest numbers.
        #expect(all.prefix(2) == [.string("29"), .string("28")] || all.prefix(2) == [.string("28"), .string("29")])
        #expect(try scratch.jsonLines("top.jsonl").map { $0["source_id"] } == Array(all.prefix(3)))
        let some = try scratch.jsonLines("some.jsonl").map { $0["source_id"] }
        #expect(some == Array(all.filter { if case .string(let id) = $0 { id.contains("1") } else { false } }.prefix(4)))
        #expect(try scratch.read("none.jsonl").isEmpty)
        #expect(try scratch.jsonLines("by-title.jsonl").map { $0["source_id"] } == [.string("0"), .string("1")])
        let rss = report.sinks.first { $0.name == "rss" }
        #expect(rss?.written == 5)
        #expect((rss?.leftOut ?? 0) >= 1)
        #expect(try scratch.read("jobs.rss").components(separatedBy: "<item>").count == 6)
        #expect(report.sinks.map(\.name) == ["all", "top", "some", "rss", "none", "by_title"])
        #expect(report.sinks.map(\.written) == [30, 3, 4, 5, 0, 2])
    }

    @Test("sinks that write side by side each keep the pass's order and their own limit across many batches")
    func sharedPassAcrossBatches() async throws {
        let scratch = try Scratch()
        // More postings than SinkFanOut hands a sink at once, so that every sink takes several
        // batches and the limits fall inside one.
        let count = SinkFanOut.batchSize * 4 + 37
        var lines: [String] = []
        for i in 0..<count {
            lines.append(#"{"source_id":"\#(i)","title":"Job \#(i)","url":"https://jobs.example/\#(i)","date_posted":"2026-0\#(1 + i % 9)-1\#(i % 10)T00:00:00Z"}"#)
        }
        try scratch.write("feed.jsonl", lines.joined(separator: "\n"))
        let limit = SinkFanOut.batchSize + 3
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { feed: { type: jsonl, path: feed.jsonl } }
            sinks:
              all: { type: jsonl, path: all.jsonl }
              capped: { type: jsonl, path: capped.jsonl, limit: \(limit) }
              sevens: { type: json, path: sevens.json, where: 'title contains "7"' }
              rss: { type: rss, path: jobs.rss }
            """)
        #expect(report.exitCode == 0)
        let all = try scratch.sourceIDs("all.jsonl")
        #expect(all.count == count)
        // Newest first, then by id: the same order as the store's pass.
        #expect(Set(all).count == count)
        #expect(try scratch.jsonLines("capped.jsonl").map { $0["source_id"] } == all.prefix(limit).map { .string($0) })
        guard case .array(let sevens) = try JSONParser.parse(Array(scratch.read("sevens.json").utf8)) else {
            Issue.record("sevens.json is not a JSON array")
            return
        }
        #expect(sevens.map { $0["source_id"] } == all.filter { $0.contains("7") }.map { .string($0) })
        let links = try scratch.read("jobs.rss").components(separatedBy: "<link>https://jobs.example/").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(links.map(String.init) == all)
        #expect(report.sinks.map(\.written) == [count, limit, all.filter { $0.contains("7") }.count, count])
    }

    @Test("a first run's feeds, written while the run is applied, are byte for byte what a later run writes from the store")
    func firstRunFedDuringApply() async throws {
        let scratch = try Scratch()
        var lines: [String] = []
        for i in 0..<600 {
            // Some without a date (they come last), some past their valid_through (never
            // active), some posted the same day (ties go by id).
            let date = i % 11 == 0 ? "" : #","date_posted":"2026-0\#(1 + i % 9)-1\#(i % 7)T00:00:00Z""#
            let gone = i % 13 == 0 ? #","valid_through":"2026-02-01T00:00:00Z""# : ""
            lines.append(#"{"source_id":"\#(i)","title":"Job \#(i)","url":"https://jobs.example/\#(i)"\#(date)\#(gone)}"#)
        }
        try scratch.write("feed.jsonl", lines.joined(separator: "\n"))
        let text = """
            version: 1
            name: t
            sources: { feed: { type: jsonl, path: feed.jsonl } }
            sinks:
              all: { type: jsonl, path: all.jsonl }
              rss: { type: rss, path: jobs.rss, limit: 300 }
              sevens: { type: json, path: sevens.json, where: 'title contains "7"' }
              by_title: { type: jsonl, path: by-title.jsonl, sort: title }
            """
        let now = try #require(RFC3339.parse("2026-12-01T00:00:00Z"))
        let first = try await scratch.run(text, options: RunOptions(now: now))
        #expect(first.exitCode == 0)
        let names = ["all.jsonl", "jobs.rss", "sevens.json", "by-title.jsonl"]
        let written = try names.map { try scratch.read($0) }
        let ids = try scratch.sourceIDs("all.jsonl").compactMap { Int($0) }
        #expect(ids.count == (0..<600).filter { $0 % 13 != 0 }.count)
        #expect(!ids.contains { $0 % 13 == 0 })
        #expect(first.sinks.map(\.written) == [ids.count, 300, ids.filter { String($0).contains("7") }.count, ids.count])

        // The second run reads the active set back from the store, in every order.
        var options = RunOptions(now: now)
        options.reread = true
        let second = try await scratch.run(text, options: options)
        #expect(second.exitCode == 0)
        #expect(second.sinks.allSatisfy { $0.unchanged != true })
        for (name, before) in zip(names, written) {
            #expect(try scratch.read(name) == before, "\(name) differs between the first run and a run read from the store")
        }
    }

    @Test("the same input gives byte-identical feeds, however the sources interleave")
    func deterministic() async throws {
        let scratch = try Scratch()
        var lines: [String] = []
        for i in 0..<2000 { lines.append(#"{"source_id":"\#(i)","title":"Job \#(i % 7)","date_posted":"2026-11-\#(10 + i % 9)T00:00:00Z"}"#) }
        try scratch.write("a.jsonl", lines.joined(separator: "\n"))
        try scratch.write("b.jsonl", lines.reversed().joined(separator: "\n"))
        let text = """
            version: 1
            name: t
            sources:
              a: { type: jsonl, path: a.jsonl }
              b: { type: jsonl, path: b.jsonl }
            sinks:
              out: { type: jsonl, path: out.jsonl }
              doc: { type: json, path: out.json }
            """
        _ = try await scratch.run(text, options: RunOptions(batchSize: 7))
        let first = (try scratch.read("out.jsonl"), try scratch.read("out.json"))
        _ = try await scratch.run(text, options: RunOptions(batchSize: 300))
        #expect(try scratch.read("out.jsonl") == first.0)
        #expect(try scratch.read("out.json") == first.1)
        #expect(first.0.split(separator: "\n").count == 4000)
    }

    @Test("a dry run publishes nothing and writes no rejects")
    func dryRun() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", Self.feed + "\nnot json\n")
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { good: { type: jsonl, path: good.jsonl } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """, options: RunOptions(dryRun: true))
        #expect(report.exitCode == 0)
        #expect(report.sinks.first?.written == 3)
        #expect(report.sinks.first?.status == "dry-run")
        #expect(report.rejects == 1)
        #expect(report.rejectsFile == nil)
        #expect(!scratch.exists("out.jsonl"))
    }

    @Test("a missing input file fails its source with the path as written")
    func missingInput() async throws {
        let scratch = try Scratch()
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { gone: { type: jsonl, path: feeds/gone.jsonl } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(report.sources.first?.error == "feeds/gone.jsonl: file not found")
        #expect(report.exitCode == ExitStatus.failed)
    }

    @Test("the shipped example pipeline runs and publishes every sink")
    func example() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scratch = try Scratch()
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("pipelines/example.yaml"), to: scratch.url.appendingPathComponent("pipelines/example.yaml"))
        try FileManager.default.copyItem(at: root.appendingPathComponent("examples"), to: scratch.url.appendingPathComponent("examples"))
        let pipeline = try PipelineLoader(registry: Plugins.builtIn).load(file: scratch.url.appendingPathComponent("pipelines/example.yaml").path, checkFiles: true)
        let report = await PipelineRunner(pipeline: pipeline, store: try SQLiteStateStore(url: nil)).run()
        #expect(report.exitCode == 0)
        #expect(report.sources.allSatisfy { $0.status == "ok" })
        for sink in pipeline.sinks {
            #expect(FileManager.default.fileExists(atPath: sink.settings.path.url.path), "\(sink.name) was not published")
        }
        #expect(report.sinks.allSatisfy { $0.written > 0 })
    }
}
