import PipelineCore

/// Reads Atom 1.0 and 0.3, streamed: each `entry` becomes a posting as soon as it has been read.
///
/// ```yaml
/// board: { type: atom, path: feeds/board.atom }
/// ```
public struct AtomSource: Source {
    public static let type = "atom"
    public static let summary = "Atom 0.3 and 1.0, with xml:base links, html/xhtml content and job-board extension elements"

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
                return path.count > 1 && path.last?.name == "entry" && Namespace.isAtom(path.last?.namespace)
            },
            map: { record, _ in AtomMapper.map(record, documentBase: input.documentBase) })
        if let root, !(root.name == "feed" && Namespace.isAtom(root.namespace)) {
            throw SourceError("\(input.display): not an Atom document (its root element is <\(root.name)>); use type: rss, or type: feed to detect the format")
        }
    }
}
