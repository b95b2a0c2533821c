import Foundation
import PipelineCore

/// Writes Atom 1.0: a feed whose `id` is stable (`urn:syndicate:<pipeline>:<sink>`) and whose
/// `updated` is the newest posting's date, an entry per posting with `id`
/// (`urn:syndicate:posting:<id>`), `title`, the posting's link, `published` and `updated`, the
/// company as author, the description as HTML content, skills as categories and the job
/// extension elements. Postings without a title, a URL or a date are left out (Atom requires
/// an entry's `updated`).
///
/// ```yaml
/// atom: { type: atom, path: out/jobs.atom, title: Example Jobs, link: https://jobs.example.com }
/// ```
public struct AtomSink: Sink {
    public static let type = "atom"
    public static let summary = "Atom 1.0 with stable ids and the job namespace; postings without a title, URL or date are left out"

    let feedID: String

    public init(options: NoOptions, context: SinkContext) throws {
        feedID = "urn:syndicate:\(context.pipelineName):\(context.name)"
    }

    public func makeWriter() -> any FeedWriter { Writer(feedID: feedID) }

    struct Writer: FeedWriter {
        let feedID: String

        var checksPostings: Bool { true }

        func problem(with p: JobPosting) -> String? {
            FeedText.missing([("title", p.title.hasText), ("url", p.url.hasText), ("date_posted (Atom's updated)", p.datePosted != nil)])
        }

        mutating func begin(_ out: FeedOutput) throws {
            let title = out.metadata.title ?? "Jobs"
            var head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            head += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:job=\"\(JobNamespace.uri)\">\n"
            head += XMLOutput.element("id", feedID, indent: "  ")
            head += XMLOutput.element("title", title, indent: "  ")
            // Atom requires it; an empty feed says the epoch rather than the time it was written.
            head += XMLOutput.element("updated", RFC3339.format(out.newest ?? Date(timeIntervalSince1970: 0)), indent: "  ")
            if let link = out.metadata.link { head += "  <link rel=\"alternate\" href=\"\(XMLOutput.escaped(link))\"/>\n" }
            head += "  <author><name>\(XMLOutput.escaped(title))</name></author>\n"
            head += XMLOutput.element("generator", "syndicate", indent: "  ")
            try out.write(head)
        }

        mutating func write(_ p: JobPosting, to out: FeedOutput) throws {
            var entry = "  <entry>\n"
            entry += XMLOutput.element("id", "urn:syndicate:posting:\(p.id ?? p.sourceID ?? "")")
            entry += XMLOutput.element("title", p.title)
            if let url = p.url { entry += "    <link rel=\"alternate\" href=\"\(XMLOutput.escaped(url))\"/>\n" }
            let date = p.datePosted.map(RFC3339.format)
            entry += XMLOutput.element("published", date)
            entry += XMLOutput.element("updated", date)
            if let company = p.company, !company.isEmpty { entry += "    <author><name>\(XMLOutput.escaped(company))</name></author>\n" }
            if let html = FeedText.html(p) { entry += "    <content type=\"html\">\(XMLOutput.escaped(html))</content>\n" }
            for skill in p.skills ?? [] { entry += "    <category term=\"\(XMLOutput.escaped(skill))\"/>\n" }
            entry += JobNamespace.elements(p, indent: "    ")
            entry += "  </entry>\n"
            try out.write(entry)
        }

        mutating func end(_ out: FeedOutput) throws {
            try out.write("</feed>\n")
        }
    }
}
