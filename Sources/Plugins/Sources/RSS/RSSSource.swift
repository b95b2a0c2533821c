import PipelineCore

/// Reads RSS 0.90–0.94, 1.0 (RDF) and 2.0, streamed: each `item` becomes a posting as soon as
/// it has been read.
///
/// ```yaml
/// acme: { type: rss, url: https://jobs.acme.example/feed.xml, defaults: { company: Acme } }
/// ```
public struct RSSSource: XMLFormatSource {
    public static let type = "rss"
    public static let summary = "RSS 0.9x, 1.0 (RDF) and 2.0, with content, dc, media and job-board extension elements"

    public let options: XMLReadingOptions

    public init(options: XMLReadingOptions) {
        self.options = options
    }

    public static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool {
        path.last?.name == "item" && Namespace.isRSSCore(path.last?.namespace)
    }

    public static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder {
        RSSMapper.map(record, documentBase: input.documentBase)
    }

    public static func rootProblem(_ root: XMLStreamParser.PathElement) -> String? {
        isRSS(root) ? nil : "not an RSS document (its root element is <\(root.name)>); use type: atom, or type: feed to detect the format"
    }

    /// `<rss>`, RSS 1.0's `<rdf:RDF>`, and the few `<channel>`-rooted feeds in the wild.
    static func isRSS(_ root: XMLStreamParser.PathElement) -> Bool {
        root.name == "rss" || (root.name == "RDF" && root.namespace == Namespace.rdf) || root.name == "channel"
    }
}

extension SourceInput {
    /// The document's own URL, against which relative links resolve.
    var documentBase: String? {
        if case .remote(let url, _) = self { return url.absoluteString }
        return nil
    }
}
