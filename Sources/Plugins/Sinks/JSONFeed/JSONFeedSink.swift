import PipelineCore

/// Writes JSON Feed 1.1: the feed's `title` and `home_page_url`, an item per posting with its
/// stable `id`, `url`, `title`, `content_html` and `content_text`, `date_published`, skills as
/// `tags`, the company as an author, and a `_job` extension object with the rest of the record
/// in its own JSON form (what our `jsonfeed` source reads back). Postings without a description
/// are left out (an item needs content).
///
/// ```yaml
/// feed: { type: jsonfeed, path: out/jobs.json, title: Example Jobs, link: https://jobs.example.com }
/// ```
public struct JSONFeedSink: Sink {
    public static let type = "jsonfeed"
    public static let summary = "JSON Feed 1.1 with a _job extension object in the record's form; postings without a description are left out"

    public init(options: NoOptions, context: SinkContext) throws {}

    public func makeWriter() -> any FeedWriter { Writer() }

    struct Writer: FeedWriter {
        var first = true
        var json = JSONWriter()

        var checksPostings: Bool { true }

        func problem(with p: JobPosting) -> String? {
            FeedText.missing([("id", p.id.hasText), ("description", FeedText.html(p) != nil)])
        }

        mutating func begin(_ out: FeedOutput) throws {
            json.reset()
            json.beginObject()
            json.key(plain: "version"); json.string("https://jsonfeed.org/version/1.1")
            json.key(plain: "title"); json.string(out.metadata.title ?? "Jobs")
            if let link = out.metadata.link { json.key(plain: "home_page_url"); json.string(link) }
            json.key(plain: "items")
            // The object is closed by hand at the end: the items stream in between.
            try out.write(json.bytes)
            try out.write("[")
        }

        mutating func write(_ p: JobPosting, to out: FeedOutput) throws {
            json.reset()
            json.bytes.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
            first = false
            json.beginObject()
            json.key(plain: "id"); json.string(p.id ?? "")
            if let url = p.url { json.key(plain: "url"); json.string(url) }
            if let title = p.title { json.key(plain: "title"); json.string(title) }
            if let html = FeedText.html(p) { json.key(plain: "content_html"); json.string(html) }
            if let text = p.descriptionText { json.key(plain: "content_text"); json.string(text) }
            if let date = p.datePosted { json.key(plain: "date_published"); json.string(RFC3339.format(date)) }
            if let company = p.company {
                json.key(plain: "authors")
                json.beginArray()
                json.beginObject()
                json.key(plain: "name"); json.string(company)
                json.endObject()
                json.endArray()
            }
            if let skills = p.skills, !skills.isEmpty {
                json.key(plain: "tags")
                json.beginArray()
                for skill in skills { json.string(skill) }
                json.endArray()
            }
            // The record without what the item already says.
            var job = p
            job.descriptionHTML = nil
            job.descriptionText = nil
            json.key(plain: "_job")
            job.writeJSON(to: &json)
            json.endObject()
            try out.write(json.bytes)
        }

        mutating func end(_ out: FeedOutput) throws {
            try out.write(first ? "]}\n" : "\n]}\n")
        }
    }
}
