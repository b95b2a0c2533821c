import Foundation
import PipelineCore

/// Writes the Indeed XML job feed: `<source>` with `publisher`, `publisherurl` and
/// `lastBuildDate`, then a `<job>` per posting with its text in CDATA. A posting Indeed would
/// reject — without a title, date, reference number, URL, company, city (unless remote),
/// country or description — is left out of this feed and listed in the run report.
///
/// ```yaml
/// indeed:
///   type: indeed-xml
///   path: out/indeed.xml
///   publisher: Example Jobs
///   link: https://jobs.example.com        # publisherurl
/// ```
public struct IndeedXMLSink: Sink {
    public static let type = "indeed-xml"
    public static let summary = "The Indeed XML job feed (<source><job>…), text in CDATA; postings Indeed would reject are left out and reported"

    /// Options of the `indeed-xml` sink.
    public struct Options: PluginOptions {
        /// The feed's publisher (default: the feed's title).
        public var publisher: String?

        public static let optionHelp = [
            "publisher": "the <publisher> of the feed (default the sink's title:, else the pipeline's name)",
        ]

        public init() {}
    }

    let publisher: String?

    public init(options: Options, context: SinkContext) throws {
        publisher = options.publisher
    }

    public func makeWriter() -> any FeedWriter { Writer(publisher: publisher) }

    struct Writer: FeedWriter {
        let publisher: String?
        /// The job being written, its capacity kept from one job to the next.
        private var job: [UInt8] = []

        init(publisher: String?) {
            self.publisher = publisher
        }

        var checksPostings: Bool { true }

        func problem(with p: JobPosting) -> String? {
            FeedText.missing([
                ("title", p.title.hasText), ("date_posted", p.datePosted != nil),
                ("source_id or id (referencenumber)", p.sourceID.hasText || p.id.hasText), ("url", p.url.hasText),
                ("company", p.company.hasText), ("location.city (or location.remote)", p.location?.city.hasText == true || p.location?.remote == true),
                ("location.country", p.location?.country.hasText == true), ("description", FeedText.html(p) != nil),
            ])
        }

        mutating func begin(_ out: FeedOutput) throws {
            var head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<source>\n"
            head += XMLOutput.element("publisher", publisher ?? out.metadata.title, indent: "  ")
            head += XMLOutput.element("publisherurl", out.metadata.link, indent: "  ")
            head += XMLOutput.element("lastBuildDate", out.newest.map(FeedText.rfc822), indent: "  ")
            try out.write(head)
        }

        mutating func write(_ p: JobPosting, to out: FeedOutput) throws {
            // Taken out, so that the buffer is uniquely referenced and reused in place.
            var job = self.job
            self.job = []
            job.removeAll(keepingCapacity: true)
            defer { self.job = job }
            job.append(contentsOf: "  <job>\n".utf8)
            func add(_ name: StaticString, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                XMLOutput.appendCDATAElement(name, value, to: &job)
            }
            let extra = p.extra ?? [:]
            add("title", p.title)
            add("date", p.datePosted.map(FeedText.rfc822))
            add("referencenumber", p.sourceID ?? p.id)
            add("url", p.url)
            add("company", p.company)
            add("sourcename", extra["sourcename"] ?? p.company)
            add("city", p.location?.city)
            add("state", p.location?.region)
            add("country", p.location?.country)
            add("postalcode", p.location?.postalCode)
            add("email", extra["email"])
            add("description", FeedText.html(p))
            add("salary", FeedText.salary(p.salary))
            add("education", extra["education"])
            add("jobtype", p.employmentType.map(Self.jobType))
            add("category", extra["category"] ?? p.titleCanonical)
            add("experience", extra["experience"])
            add("expirationdate", p.validThrough.map { String(RFC3339.format($0).prefix(10)) })
            if p.location?.remote == true { add("remotetype", "Fully remote") }
            job.append(contentsOf: "  </job>\n".utf8)
            try out.write(job)
        }

        mutating func end(_ out: FeedOutput) throws {
            try out.write("</source>\n")
        }

        /// Indeed's job types.
        static func jobType(_ type: EmploymentType) -> String {
            switch type {
            case .fullTime: return "fulltime"
            case .partTime: return "parttime"
            case .contractor: return "contract"
            case .temporary: return "temporary"
            case .intern: return "internship"
            case .volunteer: return "volunteer"
            case .perDiem: return "perdiem"
            case .other: return "other"
            }
        }
    }
}
