import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("JSON Feed and awkward JSON")
struct JSONFeedTests {
    static let feed = """
        {
          "version": "https://jsonfeed.org/version/1.1",
          "title": "Board",
          "items": [
            {"id": 1, "url": "https://board.example/jobs/1", "external_url": "https://acme.example/apply/1",
             "title": "Back-End Developer", "content_html": "<p>Go</p>", "content_text": "Go",
             "date_published": "2026-11-20T10:00:00-05:00", "authors": [{"name": "Acme"}], "tags": ["go", "remote"],
             "_job": {"location": "Toronto, ON", "salary": {"min": 100000, "max": 120000, "currency": "CAD", "period": "year"}, "employment_type": "FULL_TIME", "seniority": "senior"}},
            {"id": "2", "external_url": "https://other.example/2", "title": "Data Engineer", "summary": "Pipelines", "date_modified": "2026-11-21T00:00:00Z", "author": {"name": "Initech"}},
            {"id": "3", "title": "Bad extension", "_job": "not an object"}
          ]
        }
        """

    @Test("items map onto the record, the _job extension in the record's own form")
    func items() async throws {
        let (out, report, scratch) = try await XMLSourcesTests.read("jsonfeed", Self.feed, name: "feed.json")
        #expect(report.exitCode == 0)
        #expect(out.count == 2)
        let first = out[0]
        #expect(first["source_id"] == .string("1"))
        #expect(first["url"] == .string("https://board.example/jobs/1"))
        #expect(first["company"] == .string("Acme"))
        #expect(first["description_html"] == .string("<p>Go</p>"))
        #expect(first["date_posted"] == .string("2026-11-20T15:00:00Z"))
        #expect(first["seniority"] == .string("senior"))
        #expect(first["employment_type"] == .string("FULL_TIME"))
        #expect(first["salary"] == .object([("min", .number("100000")), ("max", .number("120000")), ("currency", .string("CAD")), ("period", .string("year"))]))
        #expect(XMLSourcesTests.object(first["extra"]) == ["external_url": "https://acme.example/apply/1", "author": "Acme", "category": "go; remote"])
        #expect(out[1]["url"] == .string("https://other.example/2"))
        #expect(out[1]["company"] == .string("Initech"))
        #expect(out[1]["description_text"] == .string("Pipelines"))
        #expect(try scratch.jsonLines("rejects.jsonl").first?["reason"] == .string("_job: expected an object, found a string"))
    }

    @Test("feed detects JSON Feed by its first character")
    func detection() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("feed", "\n  " + Self.feed, name: "feed.json")
        #expect(report.exitCode == 0)
        #expect(out.count == 2)
    }

    @Test("a JSON document that is not a feed says so")
    func notAFeed() async throws {
        let (_, report, _) = try await XMLSourcesTests.read("jsonfeed", #"{"version": "x", "posts": []}"#, name: "feed.json")
        #expect(report.sources.first?.error == "feed.json: not a JSON Feed (path 'items' finds nothing: no member 'items' in $ (it has 'version', 'posts'))")
    }

    @Test("null where text is expected, numbers as strings, epoch seconds and milliseconds, escaped HTML")
    func awkward() async throws {
        let (out, report, scratch) = try await XMLSourcesTests.read("json", """
            {"jobs": [
              {"id": 10, "title": "A", "company": null, "pay": {"min": "85,000", "max": 95000}, "posted": 1795449600, "html": "&lt;p&gt;Hi&lt;/p&gt;"},
              {"id": "11", "title": "B", "pay": {"min": "lots"}},
              {"id": 12.0, "title": "C", "posted": "1795449600000", "remote": "yes"},
              {"id": 13, "title": null}
            ]}
            """, options: "records: jobs, fields: { source_id: id, title: title, company: company, salary.min: pay.min, salary.max: pay.max, date_posted: posted, description_html: html, location.remote: remote }", name: "jobs.json")
        #expect(report.exitCode == 0)
        #expect(out.map { $0["source_id"] } == [.string("10"), .string("12.0")])
        #expect(out[0]["company"] == nil)
        #expect(out[0]["salary"] == .object([("min", .number("85000")), ("max", .number("95000"))]))
        #expect(out[0]["date_posted"] == .string("2026-11-23T16:00:00Z"))
        #expect(out[0]["description_html"] == .string("&lt;p&gt;Hi&lt;/p&gt;"))
        #expect(out[1]["date_posted"] == .string("2026-11-23T16:00:00Z"))
        #expect(out[1]["location"] == .object([("remote", .bool(true))]))
        let reasons = try scratch.jsonLines("rejects.jsonl").map { $0["reason"] }
        #expect(reasons == [.string("salary.min: expected a number, found 'lots'"), .string("missing title")])
    }

    @Test("a truncated document fails with line and column; recover keeps the postings before the break")
    func truncated() async throws {
        let document = "{\"jobs\": [\n {\"source_id\": 1, \"title\": \"A\"},\n {\"source_id\": 2, \"title\": \"B\"},\n {\"id\": 3, \"ti"
        let (none, failed, _) = try await XMLSourcesTests.read("json", document, options: "records: jobs", name: "cut.json")
        #expect(failed.sources.first?.error == "cut.json:4:15: unexpected end of document")
        #expect(none.isEmpty)
        let (kept, recovered, _) = try await XMLSourcesTests.read("json", document, options: "records: jobs, recover: true", name: "cut.json")
        #expect(recovered.exitCode == 0)
        #expect(kept.map { $0["source_id"] } == [.string("1"), .string("2")])
        #expect(recovered.warnings == 1)
    }
}
