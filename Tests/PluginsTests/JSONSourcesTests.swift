import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("The json and jsonl sources")
struct JSONSourcesTests {
    static func pipeline(_ source: String) -> String {
        """
        version: 1
        name: t
        sources:
          s:
        \(source.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        sinks:
          out: { type: jsonl, path: out.jsonl, sort: source_id }
        """
    }

    @Test("json maps records: and fields:, with lists of paths, epoch dates and rejects per element")
    func json() async throws {
        let scratch = try Scratch()
        try scratch.copyFixture("partner.json", to: "partner.json")
        let report = try await scratch.run(Self.pipeline("""
            type: json
            path: partner.json
            records: $.data.jobs[*]
            fields: { source_id: id, title: [position.name, job_title], company: employer.name, url: links.apply, location: place, date_posted: posted_at, salary: salary }
            """), options: RunOptions(rejectsFile: scratch.url.appendingPathComponent("rejects.jsonl")))
        #expect(report.exitCode == 0)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.map { $0["source_id"] } == [.string("1"), .string("2")])
        #expect(out[0]["title"] == .string("Backend Developer"))
        #expect(out[0]["location"] == .object([("text", .string("Ottawa, ON"))]))
        #expect(out[1]["title"] == .string("Data Engineer"))
        #expect(out[0]["date_posted"] == .string("2026-11-23T16:00:00Z"))
        #expect(out[1]["date_posted"] == .string("2026-11-23T16:00:00Z"))
        #expect(report.rejects == 3)
        let rejects = try scratch.jsonLines("rejects.jsonl")
        #expect(rejects.map { $0["reason"] } == [
            .string("missing title"),
            .string("salary.min: expected a number, found 'a lot'"),
            .string("expected a JSON object for a posting, found a string"),
        ])
        #expect(rejects[0]["position"] == .string("partner.json:4 $.data.jobs[2]"))
        #expect(rejects[0]["source"] == .string("s"))
    }

    @Test("a records: path that finds nothing fails the source naming the path and what is there")
    func missingRecords() async throws {
        let scratch = try Scratch()
        try scratch.copyFixture("partner.json", to: "partner.json")
        let report = try await scratch.run(Self.pipeline("type: json\npath: partner.json\nrecords: data.postings"))
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.sources.first?.error == "partner.json: records path 'data.postings' finds nothing: no member 'postings' in $.data (it has 'jobs'); fix records:")
        #expect(!scratch.exists("out.jsonl"))
    }

    @Test("a truncated JSON document fails its source with line and column")
    func truncated() async throws {
        let scratch = try Scratch()
        try scratch.write("cut.json", "[{\"title\": \"a\", \"source_id\": \"1\"},\n {\"title\": ")
        let report = try await scratch.run(Self.pipeline("type: json\npath: cut.json"))
        #expect(report.sources.first?.error == "cut.json:2:12: unexpected end of document")
    }

    @Test("jsonl reads the record's form; bad lines are rejects with their line numbers")
    func jsonl() async throws {
        let scratch = try Scratch()
        try scratch.copyFixture("records.jsonl", to: "records.jsonl")
        let report = try await scratch.run(Self.pipeline("type: jsonl\npath: records.jsonl"), options: RunOptions(rejectsFile: scratch.url.appendingPathComponent("rejects.jsonl")))
        #expect(report.exitCode == 0)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.map { $0["source_id"] } == [.string("a1"), .string("a2"), .string("a6")])
        #expect(out[2]["url"] == nil)
        #expect(out[2]["date_posted"] == nil)
        #expect(out[2]["extra"] == .object([("team", .string("infra"))]))
        #expect(report.warnings == 2)
        let rejects = try scratch.jsonLines("rejects.jsonl")
        #expect(rejects.map { $0["position"] } == [.string("records.jsonl:4:36"), .string("records.jsonl:5"), .string("records.jsonl:6")])
        #expect(rejects[0]["reason"] == .string("invalid JSON: expected ',' or '}' in an object, found '\"'"))
        #expect(rejects[2]["reason"] == .string("missing both url and source_id; a posting needs one to be identified"))
    }

    @Test("the jsonl sink's output reads back through the jsonl source unchanged")
    func chains() async throws {
        let scratch = try Scratch()
        try scratch.copyFixture("records.jsonl", to: "records.jsonl")
        _ = try await scratch.run(Self.pipeline("type: jsonl\npath: records.jsonl"))
        let first = try scratch.read("out.jsonl")
        try FileManager.default.moveItem(at: scratch.url.appendingPathComponent("out.jsonl"), to: scratch.url.appendingPathComponent("again.jsonl"))
        _ = try await scratch.run(Self.pipeline("type: jsonl\npath: again.jsonl"))
        #expect(try scratch.read("out.jsonl") == first)
    }

    @Test("source defaults fill only empty fields")
    func defaults() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Dev","company":"Own"}
            {"source_id":"2","title":"Dev"}
            """)
        _ = try await scratch.run(Self.pipeline("type: jsonl\npath: a.jsonl\ndefaults: { company: Acme, location.remote: yes }"))
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.map { $0["company"] } == [.string("Own"), .string("Acme")])
        #expect(out[1]["location"] == .object([("remote", .bool(true))]))
    }
}
