import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("The dedupe stage")
struct DedupeStageTests {
    /// A description long enough to compare, with a word changed when `edit` is given.
    static func description(_ seed: Int, edit: String? = nil) -> String {
        let words = ["build", "services", "team", "data", "customers", "ship", "review", "design", "scale", "own",
                     "platform", "reliable", "mentor", "engineers", "deliver", "weekly", "cloud", "apis", "secure", "test",
                     "join", "growing", "product", "users", "remote", "office", "benefits", "learn", "code", "quality"]
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var text: [String] = []
        for _ in 0..<120 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text.append(words[Int((state >> 33) % UInt64(words.count))])
        }
        if let edit { text[40] = edit; text.append("Apply on our site.") }
        return text.joined(separator: " ")
    }

    /// One JSON line of a posting.
    static func line(
        _ id: String, title: String = "Senior Back-End Developer", company: String = "Acme Inc.", place: String = "Toronto, ON",
        url: String? = nil, posted: String = "2026-11-20T00:00:00Z", description: String? = Self.description(1), extra: String = "",
        postalCode: String? = nil
    ) -> String {
        let postal = postalCode.map { #","postal_code":"\#($0)""# } ?? ""
        var fields = [#""source_id":"\#(id)""#, #""title":"\#(title)""#, #""company":"\#(company)""#, #""location":{"text":"\#(place)"\#(postal)}"#,
                      #""date_posted":"\#(posted)""#]
        if let url { fields.append(#""url":"\#(url)""#) }
        if let description { fields.append(#""description_html":"\#(description)""#) }
        if !extra.isEmpty { fields.append(extra) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Runs sources `a` and `b` (JSON lines) through normalize and dedupe (with `options`).
    static func run(
        a: [String], b: [String] = [], options: String = "", scratch: Scratch? = nil, now: Date? = nil
    ) async throws -> (report: RunReport, out: [JSONValue], scratch: Scratch) {
        let scratch = try scratch ?? Scratch()
        try scratch.write("a.jsonl", a.joined(separator: "\n"))
        try scratch.write("b.jsonl", b.joined(separator: "\n"))
        let report = try await scratch.run("""
            version: 1
            name: t
            sources:
              a: { type: jsonl, path: a.jsonl }
              b: { type: jsonl, path: b.jsonl }
            stages:
              - type: normalize
              - type: dedupe
            \(options.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """, options: RunOptions(now: now))
        #expect(report.exitCode == 0, "\(report.failure ?? "")")
        return (report, try scratch.jsonLines("out.jsonl"), scratch)
    }

    static func ids(_ out: [JSONValue]) -> [String] {
        out.compactMap { $0["source_id"]?.scalarText }
    }

    static func duplicates(_ record: JSONValue) -> [String] {
        guard case .array(let items)? = record["duplicates"] else { return [] }
        return items.compactMap { item in
            guard let source = item["source"]?.scalarText, let id = item["source_id"]?.scalarText else { return nil }
            return "\(source):\(id)"
        }
    }

    static func counts(_ report: RunReport) -> [String: Int] {
        report.stages.first { $0.type == "dedupe" }?.counts ?? [:]
    }

    @Test("the same source and source id twice: one posting, the first version, with the later one's fields")
    func sameSourceID() async throws {
        let result = try await Self.run(a: [
            Self.line("1", url: "https://acme.example/jobs/1", description: nil),
            Self.line("1", url: "https://acme.example/jobs/1", extra: #""salary":{"text":"$120,000 a year"}"#),
        ])
        #expect(Self.ids(result.out) == ["1"])
        #expect(result.out[0]["salary"]?["min"] == .number("120000"))
        #expect(result.out[0]["description_text"] != nil)
        #expect(Self.counts(result.report)["source_id"] == 1)
    }

    @Test("the same canonical URL across sources is one job; one URL with two titles, or a home page, is not")
    func sameURL() async throws {
        let result = try await Self.run(
            a: [Self.line("a1", url: "https://acme.example/jobs/7", description: Self.description(1)),
                Self.line("a2", title: "QA Engineer", url: "https://acme.example/careers", description: Self.description(2)),
                Self.line("a3", title: "Data Engineer", url: "https://acme.example/", description: Self.description(3))],
            b: [Self.line("b1", company: "Acme", url: "HTTPS://ACME.example/jobs/7?utm_source=feed#apply", description: Self.description(4)),
                Self.line("b2", title: "Data Scientist", url: "https://acme.example/careers", description: Self.description(5)),
                Self.line("b3", title: "Data Engineer", url: "https://acme.example/", description: Self.description(6))])
        #expect(Self.ids(result.out) == ["a1", "a2", "a3", "b2", "b3"])
        #expect(Self.duplicates(result.out[0]) == ["b:b1"])
        #expect(Self.counts(result.report)["url"] == 1)
        #expect(Self.counts(result.report)["total"] == 1)
    }

    @Test("same company (legal suffix aside), title, seniority and city with a near-identical description")
    func nearIdenticalDescriptions() async throws {
        let result = try await Self.run(
            a: [Self.line("a1", title: "Sr. Backend Developer", company: "Acme Inc.", url: "https://acme.example/jobs/1")],
            b: [Self.line("b1", title: "Senior Back End Developer!!", company: "ACME Ltd", place: "Toronto, Ontario",
                          url: "https://board.example/view/99", posted: "2026-11-21T00:00:00Z",
                          description: Self.description(1, edit: "kubernetes"))])
        #expect(Self.ids(result.out) == ["a1"])
        #expect(Self.duplicates(result.out[0]) == ["b:b1"])
        #expect(Self.counts(result.report)["description"] == 1)
    }

    @Test("no false merges: two cities, two companies, senior and junior, different descriptions")
    func noFalseMerges() async throws {
        let result = try await Self.run(
            a: [Self.line("a1"),
                Self.line("a2", title: "Senior Data Engineer", company: "Initech Corp.")],
            b: [Self.line("b1", place: "Vancouver, BC"),                          // same job text, another city
                Self.line("b2", company: "Globex Inc."),                          // same title at another company
                Self.line("b3", title: "Junior Back-End Developer"),             // another seniority
                Self.line("b4", title: "Senior Data Engineer", company: "Initech Corp.", description: Self.description(9))])
        #expect(Self.ids(result.out) == ["a1", "a2", "b1", "b2", "b3", "b4"])
        #expect(Self.counts(result.report)["total"] == 0)
    }

    @Test("without a description, postings within the date window are one job; further apart they are two")
    func dateWindow() async throws {
        let result = try await Self.run(
            a: [Self.line("a1", posted: "2026-11-01T00:00:00Z", description: nil),
                Self.line("a2", title: "QA Engineer", posted: "2026-10-01T00:00:00Z", description: nil)],
            b: [Self.line("b1", posted: "2026-11-05T00:00:00Z", description: Self.description(3)),
                Self.line("b2", title: "QA Engineer", posted: "2026-11-20T00:00:00Z", description: nil)],
            options: "date_window: 14")
        #expect(Self.ids(result.out) == ["a1", "a2", "b2"])
        #expect(Self.duplicates(result.out[0]) == ["b:b1"])
        #expect(Self.counts(result.report)["date_window"] == 1)
    }

    @Test("the earliest posted survives and gains the fields it lacks; prefer decides conflicts")
    func mergePolicy() async throws {
        let a = [Self.line("a1", place: "Toronto, ON", posted: "2026-11-10T00:00:00Z", extra: #""employment_type":"FULL_TIME""#)]
        let b = [Self.line("b1", place: "Toronto, ON", posted: "2026-11-12T00:00:00Z",
                           extra: #""employment_type":"CONTRACTOR","salary":{"text":"$130,000 a year"}"#, postalCode: "M5V 2T6")]
        let plain = try await Self.run(a: a, b: b)
        #expect(Self.ids(plain.out) == ["a1"])
        #expect(plain.out[0]["employment_type"] == .string("FULL_TIME"))
        #expect(plain.out[0]["salary"]?["min"] == .number("130000"))
        #expect(plain.out[0]["location"]?["postal_code"] == .string("M5V 2T6"))
        #expect(Self.duplicates(plain.out[0]) == ["b:b1"])

        let preferred = try await Self.run(a: a, b: b, options: "prefer: [b]")
        #expect(Self.ids(preferred.out) == ["a1"])
        #expect(preferred.out[0]["employment_type"] == .string("CONTRACTOR"))
    }

    @Test("across runs: yesterday's posting re-posted today under a new id keeps yesterday's id")
    func acrossRuns() async throws {
        let first = try await Self.run(a: [Self.line("old-7", url: "https://acme.example/jobs/7")])
        let firstID = first.out[0]["id"]
        let second = try await Self.run(
            a: [Self.line("new-8", url: "https://acme.example/jobs/8", posted: "2026-11-22T00:00:00Z",
                          description: Self.description(1, edit: "urgent"))],
            scratch: first.scratch)
        #expect(second.out.count == 1)
        #expect(second.out[0]["id"] == firstID)
        #expect(second.out[0]["source_id"] == .string("old-7"))
        #expect(Self.duplicates(second.out[0]) == ["a:new-8"])
        #expect(Self.counts(second.report)["across_runs"] == 1)
        let source = try #require(second.report.sources.first { $0.name == "a" })
        #expect(source.new == 0)

        // The next day the new id alone is listed again: still one job, under the first id.
        let third = try await Self.run(
            a: [Self.line("new-8", url: "https://acme.example/jobs/8", posted: "2026-11-22T00:00:00Z",
                          description: Self.description(1, edit: "urgent"))],
            scratch: first.scratch)
        #expect(third.out.map { $0["id"] } == [firstID])
    }

    @Test("clusters merged in parts come out as merged at once")
    func mergedInParts() async throws {
        // 25 jobs, each listed by both sources at its own URL.
        let a = (0..<25).map { Self.line("a\($0)", url: "https://acme.example/jobs/\($0)", description: Self.description($0)) }
        let b = (0..<25).map { Self.line("b\($0)", url: "https://acme.example/jobs/\($0)", description: Self.description($0)) }
        let whole = try await Self.run(a: a, b: b)
        DedupeStage.mergeBatch.store(2, ordering: .relaxed)
        defer { DedupeStage.mergeBatch.store(DedupeStage.defaultMergeBatch, ordering: .relaxed) }
        let parts = try await Self.run(a: a, b: b)
        #expect(Self.counts(whole.report)["total"] == 25)
        #expect(Self.counts(parts.report) == Self.counts(whole.report))
        #expect(parts.out == whole.out)
        #expect(parts.out.count == 25)
        #expect(parts.out.allSatisfy { Self.duplicates($0).count == 1 })
    }

    @Test("an earlier posting absorbed by an older one leaves the active set as a duplicate")
    func earlierPostingAbsorbed() async throws {
        // Run 1 has no dedupe-worthy pair (different cities); run 2 corrects b1's city.
        let first = try await Self.run(a: [Self.line("a1")], b: [Self.line("b1", place: "Ottawa, ON")])
        #expect(first.out.count == 2)
        let second = try await Self.run(a: [Self.line("a1")], b: [Self.line("b1")], scratch: first.scratch)
        #expect(Self.ids(second.out) == ["a1"])
        #expect(Self.duplicates(second.out[0]) == ["b:b1"])
        let b = try #require(second.report.sources.first { $0.name == "b" })
        #expect(b.expired == 1)
        #expect(b.merged == 1)
    }

    @Test("a source that fails takes nothing with it: its postings absorb none of another's")
    func failedSourceAbsorbsNothing() async throws {
        let scratch = try Scratch()
        try scratch.write("good.jsonl", #"{"source_id":"g1","title":"Failing 0","url":"https://acme.example/jobs/1"}"#)
        // The failing source comes first in the file, so its copy would otherwise survive.
        let report = try await scratch.run("""
            version: 1
            name: t
            sources:
              bad: { type: failing, before: 1, message: "broken", defaults: { url: "https://acme.example/jobs/1" } }
              good: { type: jsonl, path: good.jsonl }
            stages:
              - type: dedupe
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(report.exitCode == ExitStatus.partial)
        #expect(Self.counts(report)["url"] == 1)
        #expect(try scratch.jsonLines("out.jsonl").map { $0["source_id"] } == [.string("g1")])
    }

    /// The diagnostics of a pipeline whose dedupe stage has `options`.
    static func errors(_ options: String) throws -> [String] {
        try Scratch().errors("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages:
              - type: dedupe
                \(options)
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
    }

    @Test("bad options are config errors that say what to give")
    func options() throws {
        #expect(try Self.errors("similarity: 0.2").contains { $0.contains("similarity") && $0.contains("0.5 to 1") })
        #expect(try Self.errors("rules: [source_id, title]").contains { $0.contains("title") })
        #expect(try Self.errors("rules: []").contains { $0.contains("at least one") })
        #expect(try Self.errors("date_window: -3").contains { $0.contains("date_window") })
    }
}
