import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("The job-board sinks")
struct SinksTests {
    /// Postings with everything a feed can choke on, and one a job board would reject.
    static let hostile = [
        #"{"source_id":"1","title":"Senior ]]> <script>alert(1)</script> Dev \u0001\u000b 🚀","company":"Acme \"Quotes\" & Sons","url":"https://acme.example/jobs/1?a=1&b=2","location":{"city":"Toronto","region":"ON","country":"CA","postal_code":"M5V 2T6"},"salary":{"min":100000,"max":120000,"currency":"CAD","period":"year"},"salary_band":{"label":"senior","min":100000,"max":120000,"currency":"CAD","basis":"posted"},"employment_type":"FULL_TIME","date_posted":"2026-11-20T10:00:00Z","valid_through":"2026-12-31T00:00:00Z","description_html":"<p>Build ]]> things &amp; more. שלום עולם</p>","skills":["go","postgresql"]}"#,
        #"{"source_id":"2","title":"=HYPERLINK(\"http://evil\")","company":"+Globex","url":"https://globex.example/2","location":{"country":"CA","remote":true},"employment_type":"CONTRACTOR","date_posted":"2026-11-21T10:00:00Z","description_text":"Remote, anywhere in Canada.","salary_band":{"label":"mid","min":80000,"max":100000,"currency":"CAD","basis":"estimated"}}"#,
        #"{"source_id":"3","title":"No company here","url":"https://x.example/3","location":{"city":"Ottawa","country":"CA"},"date_posted":"2026-11-22T10:00:00Z","description_text":"Text."}"#,
    ]

    static let sinks = """
        sinks:
          lines: { type: jsonl, path: out/all.jsonl }
          indeed: { type: indeed-xml, path: out/indeed.xml, publisher: Example, link: "https://jobs.example.com", url_params: { utm_source: indeed, "utm campaign": "a&b" } }
          google: { type: jsonld, path: out/jobs.jsonld, estimated_salary: true }
          rss: { type: rss, path: out/jobs.rss, title: Example & Co, link: "https://jobs.example.com" }
          atom: { type: atom, path: out/jobs.atom }
          feed: { type: jsonfeed, path: out/feed.json }
          sheet: { type: csv, path: out/jobs.csv, columns: [source_id, title, company, salary.min, location.remote, skills] }
          zipped: { type: jsonl, path: out/all.jsonl.gz }
        """

    /// Runs the hostile postings into every sink.
    static func publish(_ scratch: Scratch) async throws -> RunReport {
        try scratch.write("in.jsonl", hostile.joined(separator: "\n"))
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { in: { type: jsonl, path: in.jsonl } }
            \(sinks)
            """, options: RunOptions(now: Date(timeIntervalSince1970: 1_795_000_000)))
        #expect(report.exitCode == 0, "\(report.failure ?? "")")
        return report
    }

    /// Reads a feed back through one of our sources (libxml2 for the XML ones).
    static func readBack(_ scratch: Scratch, _ source: String) async throws -> [JSONValue] {
        let back = try Scratch()
        _ = try await back.run("""
            version: 1
            name: back
            sources: { in: \(source.replacingOccurrences(of: "DIR", with: scratch.url.path)) }
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        return try back.jsonLines("out.jsonl")
    }

    @Test("the XML feeds parse back with every text intact, forbidden characters dropped, ]]> and markup escaped")
    func xmlRoundTrip() async throws {
        let scratch = try Scratch()
        _ = try await Self.publish(scratch)
        let title = "Senior ]]> <script>alert(1)</script> Dev  🚀"
        for source in ["{ type: rss, path: DIR/out/jobs.rss }", "{ type: atom, path: DIR/out/jobs.atom }"] {
            let items = try await Self.readBack(scratch, source)
            #expect(items.count == 3, "\(source)")
            let first = items.first { $0["title"]?.scalarText == title }
            #expect(first != nil, "\(source): \(items.map { $0["title"] })")
            #expect(first?["company"] == .string("Acme \"Quotes\" & Sons"), "\(source)")
            #expect(first?["description_html"]?.scalarText?.contains("שלום עולם") == true, "\(source)")
        }
        let indeed = try await Self.readBack(scratch, "{ type: indeed, path: DIR/out/indeed.xml }")
        #expect(indeed.map { $0["source_id"] } == [.string("1"), .string("2")])
        #expect(indeed[0]["title"] == .string(title))
        #expect(indeed[0]["url"] == .string("https://acme.example/jobs/1?a=1&b=2&utm%20campaign=a%26b&utm_source=indeed"))
        #expect(indeed[0]["location"]?["postal_code"] == .string("M5V 2T6"))
        #expect(indeed[1]["location"]?["remote"] == .bool(true))
        #expect(!(try scratch.read("out/indeed.xml")).contains("\u{1}"))
    }

    @Test("a where: on the description's text filters its own feed; the feed sharing its pass keeps every posting")
    func textForConditions() async throws {
        let scratch = try Scratch()
        try scratch.write("in.jsonl", """
            {"source_id":"1","title":"Back-End Developer","company":"Acme","location":{"text":"Toronto, ON"},"url":"https://acme.example/1","date_posted":"2026-11-20T00:00:00Z","description_html":"<p>Build APIs.</p>","description_text":"Build APIs. Visa sponsorship."}
            {"source_id":"2","title":"Front-End Developer","company":"Acme","location":{"text":"Toronto, ON"},"url":"https://acme.example/2","date_posted":"2026-11-21T00:00:00Z","description_html":"<p>Build screens.</p>","description_text":"Build screens."}
            """)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { in: { type: jsonl, path: in.jsonl } }
            stages: [ { type: normalize } ]
            sinks:
              indeed: { type: indeed-xml, path: out/indeed.xml, publisher: T }
              visa: { type: indeed-xml, path: out/visa.xml, publisher: T, where: 'description_text contains "Visa"' }
            """)
        #expect(report.exitCode == 0, "\(report.failure ?? "")")
        #expect(report.sinks.map(\.written) == [2, 1])
        #expect(try scratch.read("out/visa.xml").contains("acme.example/1"))
        #expect(!(try scratch.read("out/visa.xml")).contains("acme.example/2"))
    }

    @Test("postings a board would reject are left out of its feed only, with the reason in the report")
    func validation() async throws {
        let scratch = try Scratch()
        let report = try await Self.publish(scratch)
        let sinks = Dictionary(uniqueKeysWithValues: report.sinks.map { ($0.name, $0) })
        #expect(sinks["lines"]?.written == 3)
        #expect(sinks["indeed"]?.written == 2)
        #expect(sinks["indeed"]?.leftOut == 1)
        #expect(sinks["indeed"]?.leftOutReasons?.first?.contains("(in:3): no company") == true)
        #expect(sinks["google"]?.written == 2)
        #expect(sinks["google"]?.leftOutReasons?.first?.contains("no company (hiringOrganization)") == true)
        #expect(sinks["rss"]?.written == 3)
    }

    @Test("JSON-LD: posted salaries as baseSalary, estimated bands only as estimatedSalary, remote jobs as TELECOMMUTE")
    func jsonLD() async throws {
        let scratch = try Scratch()
        _ = try await Self.publish(scratch)
        guard case .array(let items) = try JSONParser.parse(Array(try scratch.read("out/jobs.jsonld").utf8)) else {
            Issue.record("not an array")
            return
        }
        #expect(items.count == 2)
        guard let onsite = items.first(where: { $0["identifier"]?["value"] == .string("1") }),
              let remote = items.first(where: { $0["identifier"]?["value"] == .string("2") }) else {
            Issue.record("postings 1 and 2 are not both there")
            return
        }
        #expect(onsite["@type"] == .string("JobPosting"))
        #expect(onsite["baseSalary"]?["value"]?["minValue"] == .number("100000"))
        #expect(onsite["baseSalary"]?["value"]?["unitText"] == .string("YEAR"))
        #expect(onsite["estimatedSalary"] == nil)
        #expect(onsite["jobLocation"]?["address"]?["addressLocality"] == .string("Toronto"))
        #expect(onsite["hiringOrganization"]?["name"] == .string("Acme \"Quotes\" & Sons"))
        #expect(remote["baseSalary"] == nil)
        #expect(remote["estimatedSalary"]?["value"]?["maxValue"] == .number("100000"))
        #expect(remote["jobLocationType"] == .string("TELECOMMUTE"))
        #expect(remote["applicantLocationRequirements"]?["name"] == .string("CA"))
        #expect(remote["jobLocation"] == nil)
    }

    @Test("JSON Feed 1.1 with the record in _job, read back by the jsonfeed source")
    func jsonFeed() async throws {
        let scratch = try Scratch()
        _ = try await Self.publish(scratch)
        let feed = try JSONParser.parse(Array(try scratch.read("out/feed.json").utf8))
        #expect(feed["version"] == .string("https://jsonfeed.org/version/1.1"))
        let items = try await Self.readBack(scratch, "{ type: jsonfeed, path: DIR/out/feed.json }")
        #expect(items.count == 3)
        #expect(items.contains { $0["company"] == .string("+Globex") && $0["employment_type"] == .string("CONTRACTOR") })
    }

    @Test("CSV: RFC 4180 quoting, CRLF rows, and cells a spreadsheet would run as formulas defused")
    func csv() async throws {
        let scratch = try Scratch()
        _ = try await Self.publish(scratch)
        let text = try scratch.read("out/jobs.csv")
        let rows = Self.parseCSV(text)
        #expect(rows.first == ["source_id", "title", "company", "salary.min", "location.remote", "skills"])
        #expect(rows.count == 4)
        let globex = rows.first { $0.first == "2" }
        #expect(globex?[1] == "'=HYPERLINK(\"http://evil\")")
        #expect(globex?[2] == "'+Globex")
        #expect(globex?[4] == "true")
        let acme = rows.first { $0.first == "1" }
        #expect(acme?[2] == "Acme \"Quotes\" & Sons")
        #expect(acme?[3] == "100000")
        #expect(acme?[5] == "go; postgresql")
        #expect(text.hasSuffix("\r\n"))
    }

    @Test("a second run over the same active set writes byte-identical files, gzip included")
    func deterministic() async throws {
        let scratch = try Scratch()
        _ = try await Self.publish(scratch)
        let names = ["all.jsonl", "indeed.xml", "jobs.jsonld", "jobs.rss", "jobs.atom", "feed.json", "jobs.csv", "all.jsonl.gz"]
        let first = try names.map { try Data(contentsOf: scratch.url.appendingPathComponent("out/\($0)")) }
        _ = try await Self.publish(scratch)
        let second = try names.map { try Data(contentsOf: scratch.url.appendingPathComponent("out/\($0)")) }
        for (index, name) in names.enumerated() { #expect(first[index] == second[index], "\(name) changed") }
        // The gzip file is gzip (magic bytes) and holds the same lines as the plain one.
        let zipped = first[names.firstIndex(of: "all.jsonl.gz") ?? 0]
        #expect(Array(zipped.prefix(2)) == [0x1F, 0x8B])
        if FileManager.default.isExecutableFile(atPath: "/bin/gzip") {
            let gunzip = Process()
            gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gunzip.arguments = ["-dc", scratch.url.appendingPathComponent("out/all.jsonl.gz").path]
            let pipe = Pipe()
            gunzip.standardOutput = pipe
            try gunzip.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            gunzip.waitUntilExit()
            #expect(data == first[0])
        }
    }

    @Test("jsonld per_posting: a folder with one file per posting; files of postings gone are removed")
    func perPosting() async throws {
        let scratch = try Scratch()
        let pipeline = """
            version: 1
            name: t
            sources: { in: { type: jsonl, path: in.jsonl } }
            sinks: { pages: { type: jsonld, path: out/jobs, per_posting: true } }
            """
        try scratch.write("in.jsonl", Self.hostile.joined(separator: "\n"))
        let first = try await scratch.run(pipeline)
        #expect(first.exitCode == 0, "\(first.failure ?? "")")
        let folder = scratch.url.appendingPathComponent("out/jobs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 2)
        #expect(names.allSatisfy { $0.hasSuffix(".jsonld") && !$0.hasPrefix(".") })
        for name in names {
            let object = try JSONParser.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
            #expect(object["@type"] == .string("JobPosting"))
        }
        // Posting 1 is gone from the source: its file goes; a stranger's file stays.
        try scratch.write("out/jobs/README.txt", "not ours")
        try scratch.write("in.jsonl", Self.hostile.dropFirst().joined(separator: "\n"))
        _ = try await scratch.run(pipeline)
        let after = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(after.count == 2)
        #expect(after.contains("README.txt"))
        #expect(after.filter { $0.hasSuffix(".jsonld") }.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.appendingPathComponent("out").path).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test("salary amounts with thousands separators and at most two decimals", arguments: [
        (105_000.0, "105,000"), (52.5, "52.5"), (1_234_567.891, "1,234,567.89"), (0.05, "0.05"), (999.0, "999"), (1000.0, "1,000"),
    ])
    func grouped(value: Double, text: String) {
        #expect(FeedText.grouped(value) == text)
    }

    @Test("url_params add to a URL's own query and keep its fragment")
    func urlParameters() {
        #expect(URLParameters.append(["utm_source": "b", "a": "x y"], to: "https://e.example/j/1?id=2#apply") == "https://e.example/j/1?id=2&a=x%20y&utm_source=b#apply")
        #expect(URLParameters.append(["s": "1"], to: "https://e.example/j/1") == "https://e.example/j/1?s=1")
    }

    @Test("bad sink options are config errors")
    func options() throws {
        let scratch = try Scratch()
        let errors = scratch.errors("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            sinks:
              sheet: { type: csv, path: a.csv, columns: [title, locaton.city] }
              rss: { type: rss, path: a.rss, link: "not a url" }
              top: { type: jsonl, path: a.jsonl.out, limit: -1 }
            """)
        #expect(errors.contains { $0.contains("sink 'top'") && $0.contains("limit must be 0 or more") })
        #expect(errors.contains { $0.contains("columns") && $0.contains("locaton.city") })
        #expect(errors.contains { $0.contains("link") })
    }

    /// A small RFC 4180 reader for the test.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = ""
        var quoted = false, i = 0
        let chars = Array(text)
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { row.append(cell); cell = ""
            } else if c == "\r\n" || c == "\n" { row.append(cell); rows.append(row); row = []; cell = ""
            } else { cell.append(c) }
            i += 1
        }
        return rows
    }
}
