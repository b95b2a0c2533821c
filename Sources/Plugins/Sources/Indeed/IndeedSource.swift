import PipelineCore

/// Reads the Indeed XML job feed (`<source>` with one `<job>` per posting, CDATA everywhere),
/// streamed: a feed of hundreds of megabytes is read in bounded memory.
///
/// ```yaml
/// employer: { type: indeed, path: feeds/indeed.xml }
/// ```
public struct IndeedSource: Source {
    public static let type = "indeed"
    public static let summary = "The Indeed XML job feed: <source><job> with title, date, referencenumber, url, company, city…"

    public typealias Options = XMLReadingOptions

    private let options: Options

    public init(options: Options, context: SourceContext) throws {
        self.options = options
    }

    /// The Indeed elements and the record fields they fill.
    static let fields: [String: FieldPath.Field] = [
        "title": .title, "date": .datePosted, "referencenumber": .sourceID, "url": .url, "company": .company,
        "city": .locationCity, "state": .locationRegion, "country": .locationCountry, "postalcode": .locationPostalCode,
        "description": .descriptionHTML, "salary": .salaryText, "jobtype": .employmentType,
        "expirationdate": .validThrough,
    ]

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            var root: XMLStreamParser.PathElement?
            try await XMLDocumentReader.read(
                input, stream, into: output, options: options,
                isRecord: { path in
                    if root == nil { root = path.first }
                    return path.count == 2 && path[1].name == "job"
                },
                map: { record, _ in Self.map(record.element) })
            if let root, root.name != "source" {
                throw SourceError("\(input.display): not an Indeed job feed (its root element is <\(root.name)>, not <source>)")
            }
        }
    }

    static func map(_ job: XMLElement) -> PostingBuilder {
        var b = PostingBuilder()
        for child in job.elements {
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
