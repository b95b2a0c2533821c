import PipelineCore

/// Writes RSS 2.0: a channel with the sink's `title:` and `link:` and a `lastBuildDate` that is
/// the newest posting's date (so it changes only with the postings), an item per posting with
/// `title`, `link`, a `guid` that is the posting's stable id, `pubDate`, the description as HTML
/// in CDATA, the skills as categories, and the job extension elements (company, place, salary,
/// type, role type, seniority) in the `urn:syndicate:job:1` namespace.
///
/// ```yaml
/// rss: { type: rss, path: out/jobs.rss, title: Example Jobs, link: https://jobs.example.com }
/// ```
public struct RSSSink: Sink {
    public static let type = "rss"
    public static let summary = "RSS 2.0 with the job namespace (company, place, salary, type, role type, seniority); postings without a title or URL are left out"

    public init(options: NoOptions, context: SinkContext) throws {}

    public func makeWriter() -> any FeedWriter { Writer() }

    struct Writer: FeedWriter {
        var checksPostings: Bool { true }

        func problem(with p: JobPosting) -> String? {
            FeedText.missing([("title", p.title.hasText), ("url", p.url.hasText)])
        }

        mutating func begin(_ out: FeedOutput) throws {
            let title = out.metadata.title ?? "Jobs"
            var head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            head += "<rss version=\"2.0\" xmlns:job=\"\(JobNamespace.uri)\">\n  <channel>\n"
            head += XMLOutput.element("title", title)
            head += XMLOutput.element("link", out.metadata.link)
            head += XMLOutput.element("description", title)
            head += XMLOutput.element("lastBuildDate", out.newest.map(FeedText.rfc822))
            head += XMLOutput.element("generator", "syndicate")
            try out.write(head)
        }

        mutating func write(_ p: JobPosting, to out: FeedOutput) throws {
            var item = "    <item>\n"
            item += XMLOutput.element("title", p.title, indent: "      ")
            item += XMLOutput.element("link", p.url, indent: "      ")
            if let id = p.id { item += "      <guid isPermaLink=\"false\">\(XMLOutput.escaped(id))</guid>\n" }
            item += XMLOutput.element("pubDate", p.datePosted.map(FeedText.rfc822), indent: "      ")
            if let html = FeedText.html(p) { item += "      <description>\(XMLOutput.cdata(html))</description>\n" }
            for skill in p.skills ?? [] { item += XMLOutput.element("category", skill, indent: "      ") }
            item += JobNamespace.elements(p)
            item += "    </item>\n"
            try out.write(item)
        }

        mutating func end(_ out: FeedOutput) throws {
            try out.write("  </channel>\n</rss>\n")
        }
    }
}
