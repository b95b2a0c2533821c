import PipelineCore

/// Reads a feed whatever its format: RSS (0.9x, 1.0/RDF, 2.0) or Atom (0.3, 1.0), detected
/// from the document's root element.
///
/// ```yaml
/// partner: { type: feed, url: https://partner.example/jobs }
/// ```
public struct FeedSource: Source {
    public static let type = "feed"
    public static let summary = "Any feed: detects RSS, RDF or Atom from the document"

    public typealias Options = XMLReadingOptions

    private let options: Options

    public init(options: Options, context: SourceContext) throws {
        self.options = options
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            var root: XMLStreamParser.PathElement?
            try await XMLDocumentReader.read(
                input, stream, into: output, options: options,
                isRecord: { path in
                    if root == nil { root = path.first }
                    guard path.count > 1, let last = path.last, let root else { return false }
                    if root.name == "feed" { return last.name == "entry" && Namespace.isAtom(last.namespace) }
                    return last.name == "item" && Namespace.isRSSCore(last.namespace)
                },
                map: { record, root in
                    root?.name == "feed" && Namespace.isAtom(root?.namespace)
                        ? AtomMapper.map(record, documentBase: input.documentBase)
                        : RSSMapper.map(record, documentBase: input.documentBase)
                })
            if let root, !(RSSSource.isRSS(root) || (root.name == "feed" && Namespace.isAtom(root.namespace))) {
                throw SourceError("\(input.display): neither RSS nor Atom (its root element is <\(root.name)>); for other XML use type: xml with record: and fields:")
            }
        }
    }
}
