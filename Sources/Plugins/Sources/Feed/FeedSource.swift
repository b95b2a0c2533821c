import PipelineCore

/// Reads a feed whatever its format: RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) or JSON Feed,
/// detected from the document (its first character, then its root element).
///
/// ```yaml
/// partner: { type: feed, url: https://partner.example/jobs }
/// ```
public struct FeedSource: XMLFormatSource {
    public static let type = "feed"
    public static let summary = "Any feed: detects RSS, RDF, Atom or JSON Feed from the document"

    public let options: XMLReadingOptions

    public init(options: XMLReadingOptions) {
        self.options = options
    }

    /// Looks at the first character: `{` is JSON Feed, anything else is read as XML.
    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            var peeked = PeekedStream(stream)
            if try await peeked.firstSignificantByte() == UInt8(ascii: "{") {
                try await JSONFeedSource.read(input, peeked, into: output, recover: options.recover)
            } else {
                try await readDocument(input, peeked, into: output)
            }
        }
    }

    public static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool {
        AtomSource.isAtom(root) ? AtomSource.isRecord(path, root: root) : RSSSource.isRecord(path, root: root)
    }

    public static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder {
        if let root, AtomSource.isAtom(root) { return AtomSource.map(record, root: root, input: input) }
        return RSSSource.map(record, root: root, input: input)
    }

    public static func rootProblem(_ root: XMLStreamParser.PathElement) -> String? {
        RSSSource.isRSS(root) || AtomSource.isAtom(root)
            ? nil : "neither RSS, Atom nor JSON Feed (its root element is <\(root.name)>); for other XML use type: xml with record: and fields:"
    }
}
