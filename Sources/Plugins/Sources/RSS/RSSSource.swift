import PipelineCore

/// Reads RSS 0.90–0.94, 1.0 (RDF) and 2.0, streamed: each `item` becomes a posting as soon as
/// it has been read.
///
/// ```yaml
/// acme: { type: rss, url: https://jobs.acme.example/feed.xml, defaults: { company: Acme } }
/// ```
public struct RSSSource: Source {
    public static let type = "rss"
    public static let summary = "RSS 0.9x, 1.0 (RDF) and 2.0, with content, dc, media and job-board extension elements"

    public typealias Options = XMLReadingOptions

    private let options: Options

    public init(options: Options, context: SourceContext) throws {
        self.options = options
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await Self.read(input, stream, into: output, options: options)
        }
    }

    static func read(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput, options: XMLReadingOptions) async throws {
        var root: XMLStreamParser.PathElement?
        try await XMLDocumentReader.read(
            input, stream, into: output, options: options,
            isRecord: { path in
                if root == nil { root = path.first }
                return path.count > 1 && path.last?.name == "item" && Namespace.isRSSCore(path.last?.namespace)
            },
            map: { record, _ in RSSMapper.map(record, documentBase: input.documentBase) })
        if let root, !isRSS(root) {
            throw SourceError("\(input.display): not an RSS document (its root element is <\(root.name)>); use type: atom, or type: feed to detect the format")
        }
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
