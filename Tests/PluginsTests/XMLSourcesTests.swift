import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("The XML sources")
struct XMLSourcesTests {
    /// Runs one source over one document and returns the postings (sorted by source_id) and the report.
    static func read(_ type: String, _ document: String, options: String = "", name: String = "feed.xml") async throws -> ([JSONValue], RunReport, Scratch) {
        let scratch = try Scratch()
        try scratch.write(name, document)
        let report = try await scratch.run("""
            version: 1
            name: x
            sources:
              s: { type: \(type), path: \(name)\(options.isEmpty ? "" : ", " + options) }
            sinks:
              out: { type: jsonl, path: out.jsonl, sort: source_id }
            """, options: RunOptions(rejectsFile: scratch.url.appendingPathComponent("rejects.jsonl")))
        let out = scratch.exists("out.jsonl") ? try scratch.jsonLines("out.jsonl") : []
        return (out, report, scratch)
    }

    static func object(_ value: JSONValue?) -> [String: String] {
        guard case .object(let members)? = value else { return [:] }
        return Dictionary(members.compactMap { k, v in v.scalarText.map { (k, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    @Test("RSS 2.0: core elements, content:encoded, dc:date, job extensions by local name, extras")
    func rss20() async throws {
        let (out, report, _) = try await Self.read("rss", """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
                 xmlns:job="https://jobs.example/ns" xmlns:x="urn:other-board">
            <channel xml:base="https://jobs.example/">
              <title>Jobs</title>
              <item>
                <title>  Sr. back end developper!!! </title>
                <link>/jobs/101?utm_source=rss</link>
                <guid isPermaLink="false">job-101</guid>
                <description>short</description>
                <content:encoded><![CDATA[<p>Build <b>APIs</b></p>]]></content:encoded>
                <pubDate>Sat, 21 Nov 2026 06:14:16 -0500</pubDate>
                <category>Engineering</category><category>Remote</category>
                <enclosure url="https://jobs.example/logo.png" length="1" type="image/png"/>
                <job:company>Acme Corp</job:company>
                <job:location>Toronto, ON</job:location>
                <x:salary>$110,000 - $135,000 a year</x:salary>
                <job:type>Full-time</job:type>
                <job:expires>2026-12-31</job:expires>
                <job:department>Platform</job:department>
              </item>
              <item>
                <title>Data Engineer</title>
                <guid>https://jobs.example/jobs/102</guid>
                <dc:date>2026-11-20T10:00:00+01:00</dc:date>
                <dc:creator>Recruiter Ann</dc:creator>
              </item>
            </channel>
            </rss>
            """)
        #expect(report.exitCode == 0)
        #expect(out.count == 2)
        let first = out[0]
        #expect(first["source_id"] == .string("https://jobs.example/jobs/102"))
        #expect(first["url"] == .string("https://jobs.example/jobs/102"))
        #expect(first["date_posted"] == .string("2026-11-20T09:00:00Z"))
        #expect(Self.object(first["extra"]) == ["author": "Recruiter Ann"])
        let item = out[1]
        #expect(item["source_id"] == .string("job-101"))
        #expect(item["title"] == .string("Sr. back end developper!!!"))
        #expect(item["url"] == .string("https://jobs.example/jobs/101?utm_source=rss"))
        #expect(item["description_html"] == .string("<p>Build <b>APIs</b></p>"))
        #expect(item["date_posted"] == .string("2026-11-21T11:14:16Z"))
        #expect(item["valid_through"] == .string("2026-12-31T00:00:00Z"))
        #expect(item["company"] == .string("Acme Corp"))
        #expect(item["employment_type"] == .string("FULL_TIME"))
        #expect(Self.object(item["location"]) == ["text": "Toronto, ON"])
        #expect(Self.object(item["salary"]) == ["text": "$110,000 - $135,000 a year"])
        #expect(Self.object(item["extra"]) == ["category": "Engineering; Remote", "enclosure": "https://jobs.example/logo.png", "department": "Platform"])
    }

    @Test("RSS 1.0 (RDF) and RSS 0.91: rdf:about and the link identify items")
    func rdfAndOld() async throws {
        let (rdf, _, _) = try await Self.read("rss", """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://ex.example/"><title>t</title></channel>
              <item rdf:about="https://ex.example/jobs/1"><title>QA Engineer</title><link>https://ex.example/jobs/1</link><dc:date>2026-11-01</dc:date></item>
            </rdf:RDF>
            """)
        #expect(rdf.first?["source_id"] == .string("https://ex.example/jobs/1"))
        #expect(rdf.first?["date_posted"] == .string("2026-11-01T00:00:00Z"))
        let (old, _, _) = try await Self.read("rss", """
            <rss version="0.91"><channel><item><title>DBA</title><link>https://ex.example/dba</link></item></channel></rss>
            """)
        #expect(old.first?["source_id"] == nil)
        #expect(old.first?["url"] == .string("https://ex.example/dba"))
    }

    @Test("Atom 1.0: xml:base, alternate links, html and xhtml content, published before updated, author as company")
    func atom10() async throws {
        let (out, report, _) = try await Self.read("atom", """
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:job="https://jobs.example/ns" xml:base="https://board.example/feed/">
              <title>Board</title>
              <entry xml:base="/postings/">
                <id>urn:job:1</id>
                <title type="html">Back-End &lt;b&gt;Developer&lt;/b&gt;</title>
                <link rel="self" href="https://board.example/api/1"/>
                <link rel="alternate" type="text/html" href="1.html"/>
                <updated>2026-11-22T00:00:00Z</updated>
                <published>2026-11-21T08:00:00-05:00</published>
                <author><name>Northwind Ltd.</name><email>jobs@northwind.example</email></author>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Go &amp; <em>SQL</em></p></div></content>
                <category term="backend"/>
                <job:location>Ottawa, ON</job:location>
              </entry>
              <entry>
                <id>urn:job:2</id>
                <title>Data &amp; AI</title>
                <link href="https://other.example/2"/>
                <updated>2026-11-22T00:00:00Z</updated>
                <summary>5 &lt; 6</summary>
              </entry>
            </feed>
            """)
        #expect(report.exitCode == 0)
        #expect(out.count == 2)
        let e = out[0]
        #expect(e["source_id"] == .string("urn:job:1"))
        #expect(e["url"] == .string("https://board.example/postings/1.html"))
        #expect(e["date_posted"] == .string("2026-11-21T13:00:00Z"))
        #expect(e["company"] == .string("Northwind Ltd."))
        #expect(e["description_html"] == .string("<p>Go &amp; <em>SQL</em></p>"))
        #expect(Self.object(e["extra"]) == ["author": "Northwind Ltd. (jobs@northwind.example)", "category": "backend"])
        #expect(Self.object(e["location"]) == ["text": "Ottawa, ON"])
        #expect(out[1]["title"] == .string("Data & AI"))
        #expect(out[1]["date_posted"] == .string("2026-11-22T00:00:00Z"))
        #expect(out[1]["description_html"] == .string("5 &lt; 6"))
    }

    @Test("Atom 0.3: issued and escaped or base64 content")
    func atom03() async throws {
        let (out, _, _) = try await Self.read("atom", """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <entry><id>a1</id><title>Web Developer</title><link rel="alternate" type="text/html" href="https://x.example/a1"/>
                <issued>2003-12-31T10:14:55Z</issued><modified>2004-01-01T00:00:00Z</modified>
                <content mode="base64" type="text/html">PHA+SGk8L3A+</content></entry>
            </feed>
            """)
        #expect(out.first?["date_posted"] == .string("2003-12-31T10:14:55Z"))
        #expect(out.first?["description_html"] == .string("<p>Hi</p>"))
    }

    @Test("the Indeed feed: every element, CDATA, remote type, the rest in extra")
    func indeed() async throws {
        let (out, _, _) = try await Self.read("indeed", """
            <?xml version="1.0" encoding="utf-8"?>
            <source><publisher>ACME</publisher><publisherurl>https://acme.example</publisherurl>
            <job>
              <title><![CDATA[Senior Database Administrator]]></title>
              <date><![CDATA[Wed, 28 Oct 2026 09:21:07 +0000]]></date>
              <referencenumber><![CDATA[R-77]]></referencenumber>
              <url><![CDATA[https://acme.example/jobs/77?a=1&b=2]]></url>
              <company><![CDATA[ACME]]></company>
              <city><![CDATA[Calgary]]></city><state><![CDATA[AB]]></state><country><![CDATA[CA]]></country>
              <postalcode><![CDATA[T2P 1J9]]></postalcode>
              <description><![CDATA[<p>Postgres & Oracle ]]]]><![CDATA[> all day</p>]]></description>
              <salary><![CDATA[$95,000 - $120,000 per year]]></salary>
              <education><![CDATA[Bachelors]]></education>
              <jobtype><![CDATA[fulltime]]></jobtype>
              <category><![CDATA[Databases]]></category>
              <experience><![CDATA[5+ years]]></experience>
              <expirationdate><![CDATA[2026-12-28]]></expirationdate>
              <remotetype><![CDATA[Fully remote]]></remotetype>
            </job>
            </source>
            """)
        let job = try #require(out.first)
        #expect(job["source_id"] == .string("R-77"))
        #expect(job["url"] == .string("https://acme.example/jobs/77?a=1&b=2"))
        #expect(job["date_posted"] == .string("2026-10-28T09:21:07Z"))
        #expect(job["valid_through"] == .string("2026-12-28T00:00:00Z"))
        #expect(job["employment_type"] == .string("FULL_TIME"))
        #expect(job["description_html"] == .string("<p>Postgres & Oracle ]]> all day</p>"))
        #expect(job["location"] == .object([("city", .string("Calgary")), ("region", .string("AB")), ("country", .string("CA")), ("postal_code", .string("T2P 1J9")), ("remote", .bool(true))]))
        #expect(Self.object(job["extra"]) == ["education": "Bachelors", "category": "Databases", "experience": "5+ years", "remotetype": "Fully remote"])
    }

    @Test("xml: record paths, fields with attributes and prefixes, lists of paths, the rest in extra")
    func anyXML() async throws {
        let document = """
            <export xmlns:j="urn:jobs">
              <meta><job><title>not a record: outside jobs/</title></job></meta>
              <jobs>
                <job id="9" href="https://ats.example/9">
                  <j:name>Solutions Architect</j:name>
                  <org><name>Initech</name></org>
                  <place city="Montréal" region="QC"/>
                  <team>Cloud</team>
                </job>
              </jobs>
            </export>
            """
        let (out, report, _) = try await Self.read("xml", document, options: #"record: jobs/job, fields: { source_id: "@id", url: "@href", title: [title, "j:name"], company: org/name, location.city: place/@city, location.region: place/@region }"#)
        #expect(report.exitCode == 0)
        #expect(out.count == 1)
        #expect(out.first?["title"] == .string("Solutions Architect"))
        #expect(out.first?["company"] == .string("Initech"))
        #expect(Self.object(out.first?["location"]) == ["city": "Montréal", "region": "QC"])
        #expect(Self.object(out.first?["extra"]) == ["team": "Cloud"])
        let (byName, _, _) = try await Self.read("xml", document, options: "record: /export/jobs/job")
        #expect(byName.first?["source_id"] == .string("9"))
        #expect(byName.first?["company"] == nil)
        #expect(Self.object(byName.first?["extra"])["team"] == "Cloud")
    }

    @Test("xml: a bad field path or target is a config error at its place")
    func xmlConfigErrors() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: x
            sources:
              s: { type: xml, path: a.xml, record: job, fields: { titel: name, url: "a/@b/c" } }
            sinks: { o: { type: jsonl, path: o.jsonl } }
            """)
        #expect(errors == [
            "x.yaml:4:62: error: unknown record field 'titel' (did you mean 'title'?)",
            "x.yaml:4:74: error: 'a/@b/c' is not an element path: write child/grandchild, child/@attribute or @attribute",
        ])
    }

    @Test("feed detects RSS, RDF and Atom, and refuses other XML naming what it found")
    func detection() async throws {
        for document in [
            #"<rss version="2.0"><channel><item><title>A</title><guid>1</guid></item></channel></rss>"#,
            #"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://x.example/1"><title>A</title></item></rdf:RDF>"#,
            #"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>A</title></entry></feed>"#,
        ] {
            let (out, report, _) = try await Self.read("feed", document)
            #expect(report.exitCode == 0)
            #expect(out.first?["title"] == .string("A"))
        }
        let (_, report, _) = try await Self.read("feed", "<jobs><job/></jobs>")
        #expect(report.sources.first?.error == "feed.xml: neither RSS, Atom nor JSON Feed (its root element is <jobs>); for other XML use type: xml with record: and fields:")
        let (_, wrong, _) = try await Self.read("rss", #"<feed xmlns="http://www.w3.org/2005/Atom"/>"#)
        #expect(wrong.sources.first?.error == "feed.xml: not an RSS document (its root element is <feed>); use type: atom, or type: feed to detect the format")
    }
}

@Suite("Reading XML safely")
struct XMLSafetyTests {
    @Test("an external entity's content never appears; internal entities and HTML entities do")
    func entities() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("rss", """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY co "Acme Corp"> ]>
            <rss version="2.0"><channel><item><title>Leak &xxe; &co;</title><guid>1</guid>
            <description>caf&eacute;&nbsp;&amp;&copy;&hellip;&#233;</description><link>https://x.example/?a=1&amp;b=&eacute;</link></item></channel></rss>
            """)
        #expect(report.exitCode == 0)
        #expect(out.first?["title"] == .string("Leak  Acme Corp"))
        #expect(out.first?["description_html"] == .string("café\u{A0}&©…é"))
        #expect(!(out.first?.jsonText.contains("root:") ?? true))
    }

    @Test("a billion-laughs document fails fast with a clear error")
    func billionLaughs() async throws {
        var document = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">"#
        for i in 1...9 { document += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">" }
        document += #"]><rss version="2.0"><channel><item><title>&l9;</title><guid>1</guid></item></channel></rss>"#
        let started = Date()
        let (_, report, _) = try await XMLSourcesTests.read("rss", document)
        // Alone it takes 0.02 s; in the parallel suite on two cores the wall clock also counts
        // waiting for a thread. Expanded in full it would be 3 GB of text: minutes, not seconds.
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.sources.first?.error?.contains("entity expansion beyond the limit") == true)
    }

    @Test("no network: an external DTD is not fetched")
    func noNetwork() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("rss", """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">
            <rss version="2.0"><channel><item><title>A</title><guid>1</guid></item></channel></rss>
            """)
        #expect(report.exitCode == 0)
        #expect(out.count == 1)
    }

    @Test("a document that is not well-formed fails with file:line:column; recover keeps what came before")
    func wellFormedness() async throws {
        let cut = "<rss version=\"2.0\"><channel>\n<item><title>one</title><guid>1</guid></item>\n<item><title>two</title><guid>2</guid>"
        let (_, failed, _) = try await XMLSourcesTests.read("rss", cut)
        #expect(failed.sources.first?.error == "feed.xml:3:39: unexpected end of document (<item> is not closed)")
        let (kept, recovered, _) = try await XMLSourcesTests.read("rss", cut, options: "recover: true")
        #expect(recovered.exitCode == 0)
        #expect(kept.map { $0["source_id"] } == [.string("1")])
        #expect(recovered.warnings == 1)
        let (_, mismatched, _) = try await XMLSourcesTests.read("rss", "<rss><channel>\n<item><title>x</item></channel></rss>")
        #expect(mismatched.sources.first?.error == "feed.xml:2:22: opening and ending tag mismatch: title line 2 and item")
    }

    @Test("limits on depth, text and record size fail with the limit named", arguments: [
        ("max_depth: 4", "<rss><channel><item><title><b><i>x</i></b></title></item></channel></rss>", "(max_depth)"),
        ("max_text_bytes: 10", "<rss><channel><item><title>0123456789ABC</title></item></channel></rss>", "(max_text_bytes)"),
        ("max_record_bytes: 30", "<rss><channel><item><title>0123456789</title><guid>0123456789ABCDEF</guid></item></channel></rss>", "(max_record_bytes)"),
    ])
    func limits(option: String, document: String, named: String) async throws {
        let (_, report, _) = try await XMLSourcesTests.read("rss", document, options: option)
        #expect(report.sources.first?.error?.hasSuffix(named) == true, "\(report.sources.first?.error ?? "no error")")
    }

    @Test("declared encodings: ISO-8859-1 (with Windows-1252 bytes) and UTF-16 with a BOM")
    func encodings() async throws {
        let scratch = try Scratch()
        var latin = Data(#"<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item><guid>1</guid><title>"#.utf8)
        latin.append(contentsOf: [0x43, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96])
        latin.append(Data("</title></item></channel></rss>".utf8))
        try latin.write(to: scratch.url.appendingPathComponent("latin.xml"))
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><item><guid>2</guid><title>Développeur 🚀</title></item></channel></rss>".data(using: .utf16LittleEndian)!)
        try utf16.write(to: scratch.url.appendingPathComponent("utf16.xml"))
        let report = try await scratch.run("""
            version: 1
            name: x
            sources:
              latin: { type: rss, path: latin.xml }
              utf16: { type: rss, path: utf16.xml }
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        #expect(report.exitCode == 0)
        #expect(try scratch.jsonLines("out.jsonl").map { $0["title"] } == [.string("Café “q” –"), .string("Développeur 🚀")])
    }

    @Test("a large feed streams: items cross chunk boundaries and all arrive")
    func streaming() async throws {
        var document = #"<?xml version="1.0"?><rss version="2.0"><channel>"#
        for i in 0..<6000 {
            document += "<item><title>Job \(i) \(String(repeating: "é", count: i % 50))</title><guid>\(i)</guid><description><![CDATA[<p>\(String(repeating: "x", count: 200))</p>]]></description></item>\n"
        }
        document += "</channel></rss>"
        #expect(document.utf8.count > 1_000_000)
        let (out, report, _) = try await XMLSourcesTests.read("rss", document)
        #expect(report.exitCode == 0)
        #expect(out.count == 6000)
    }

    @Test("a rejected record keeps its raw XML and line, whichever check rejects it; the others are emitted")
    func rejectsKeepRawXML() async throws {
        // Mapped on the parsing task, a record's element is kept only for postings that may be
        // rejected: no title, a blank one, or neither a link nor a guid.
        let (out, report, scratch) = try await XMLSourcesTests.read("rss", """
            <rss><channel>
            <item><title>Kept</title><guid>k1</guid></item>
            <item><guid>g-no-title</guid><description>none</description></item>
            <item><title>   </title><guid>g-blank</guid></item>
            <item><title>No identity</title><description>lost</description></item>
            <item><title>Also kept</title><link>https://jobs.example/2</link></item>
            </channel></rss>
            """)
        #expect(report.exitCode == 0)
        #expect(out.count == 2)
        let rejects = try scratch.jsonLines("rejects.jsonl")
        #expect(rejects.count == 3)
        #expect(rejects.map { $0["position"] } == ["feed.xml:3", "feed.xml:4", "feed.xml:5"].map(JSONValue.string))
        #expect(rejects.map { $0["raw"] } == [
            "<guid>g-no-title</guid><description>none</description>",
            "<title>   </title><guid>g-blank</guid>",
            "<title>No identity</title><description>lost</description>",
        ].map(JSONValue.string))
    }

    @Test("a glob path reads every matching document, each named in positions")
    func glob() async throws {
        let scratch = try Scratch()
        try scratch.write("drops/a.xml", #"<rss><channel><item><title>A</title><guid>a</guid></item></channel></rss>"#)
        try scratch.write("drops/b.xml", #"<rss><channel><item><guid>no title</guid></item></channel></rss>"#)
        try scratch.write("drops/notes.txt", "not a feed")
        let report = try await scratch.run("""
            version: 1
            name: x
            sources: { drops: { type: rss, path: "drops/*.xml" } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """, options: RunOptions(rejectsFile: scratch.url.appendingPathComponent("rejects.jsonl")))
        #expect(report.exitCode == 0)
        #expect(try scratch.jsonLines("out.jsonl").count == 1)
        #expect(try scratch.jsonLines("rejects.jsonl").first?["position"] == .string("drops/b.xml:1"))
    }

    @Test("C1 control characters are found wherever they fall, after other two-byte characters too")
    func c1Detection() {
        for length in [0, 1, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65] {
            for position in 0...length {
                var bytes = [UInt8](repeating: 0x61, count: length)
                bytes.insert(contentsOf: [0xC2, 0x93], at: position)
                #expect(XMLStreamParser.hasC1(bytes), "\(length) \(position)")
                var latin = [UInt8](repeating: 0x61, count: length)
                latin.insert(contentsOf: [0xC2, 0xA0], at: position)   // a no-break space, not C1
                #expect(!XMLStreamParser.hasC1(latin), "\(length) \(position)")
            }
        }
        #expect(!XMLStreamParser.hasC1([0xC2]))
        // A lead byte that starts another character first: the search goes on past it.
        let accents = Array("café — déjà vu ".utf8)
        #expect(XMLStreamParser.hasC1(accents + [0xC2, 0xA0, 0x61, 0xC2, 0x96] + accents))
        #expect(!XMLStreamParser.hasC1(accents + [0xC2, 0xA0, 0x61, 0xC2]))
    }
}
