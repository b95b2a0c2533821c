import PipelineCore

/// Reads the Indeed XML job feed (`<source>` with one `<job>` per posting, CDATA everywhere),
/// streamed: a feed of hundreds of megabytes is read in bounded memory.
///
/// ```yaml
/// employer: { type: indeed, path: feeds/indeed.xml }
/// ```
public struct IndeedSource: XMLFormatSource {
    public static let type = "indeed"
    public static let summary = "The Indeed XML job feed: <source><job> with title, date, referencenumber, url, company, city…"

    public let options: XMLReadingOptions

    public init(options: XMLReadingOptions) {
        self.options = options
    }

    /// The Indeed elements and the record fields they fill.
    static let fields: [String: FieldPath.Field] = [
        "title": .title, "date": .datePosted, "referencenumber": .sourceID, "url": .url, "company": .company,
        "city": .locationCity, "state": .locationRegion, "country": .locationCountry, "postalcode": .locationPostalCode,
        "description": .descriptionHTML, "salary": .salaryText, "jobtype": .employmentType,
        "expirationdate": .validThrough,
    ]

    public static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool {
        path.count == 2 && path[1].name == "job"
    }

    public static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder {
        map(record.element)
    }

    public static func rootProblem(_ root: XMLStreamParser.PathElement) -> String? {
        root.name == "source" ? nil : "not an Indeed job feed (its root element is <\(root.name)>, not <source>)"
    }

    static func map(_ job: XMLElement) -> PostingBuilder {
        var b = PostingBuilder()
        for case .element(let child) in job.children {
            let name = child.name.lowercased()
            if let field = fields[name] {
                b.fill(field, field == .descriptionHTML ? child.htmlContent : child.text)
            } else if name == "remotetype" {
                if let remote = JobExtensions.remoteFlag(child.text) {
                    b.set(FieldPath(.locationRemote), .bool(remote))
                }
                b.extra("remotetype", child.text)
            } else {
                b.extra(child.name, child.text)
            }
        }
        return b
    }
}
