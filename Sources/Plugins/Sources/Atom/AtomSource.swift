import PipelineCore

/// Reads Atom 1.0 and 0.3, streamed: each `entry` becomes a posting as soon as it has been read.
///
/// ```yaml
/// board: { type: atom, path: feeds/board.atom }
/// ```
public struct AtomSource: XMLFormatSource {
    public static let type = "atom"
    public static let summary = "Atom 0.3 and 1.0, with xml:base links, html/xhtml content and job-board extension elements"

    public let options: XMLReadingOptions

    public init(options: XMLReadingOptions) {
        self.options = options
    }

    public static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool {
        path.last?.name == "entry" && Namespace.isAtom(path.last?.namespace)
    }

    public static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder {
        AtomMapper.map(record, documentBase: input.documentBase)
    }

    public static func rootProblem(_ root: XMLStreamParser.PathElement) -> String? {
        isAtom(root) ? nil : "not an Atom document (its root element is <\(root.name)>); use type: rss, or type: feed to detect the format"
    }

    static func isAtom(_ root: XMLStreamParser.PathElement) -> Bool {
        root.name == "feed" && Namespace.isAtom(root.namespace)
    }
}
