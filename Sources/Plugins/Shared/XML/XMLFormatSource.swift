import PipelineCore

/// A source for one XML feed format: it says which elements are postings, how one maps onto the
/// record, and which root elements it reads; reading documents, streaming and errors are shared.
///
/// ```swift
/// struct JobsSource: XMLFormatSource {
///     static let type = "jobs"
///     static let summary = "…"
///     let options: XMLReadingOptions
///     static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool { path.last?.name == "job" }
///     static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder { … }
///     static func rootProblem(_ root: XMLStreamParser.PathElement) -> String? { root.name == "jobs" ? nil : "not a jobs document" }
/// }
/// ```
public protocol XMLFormatSource: Source where Options == XMLReadingOptions {
    /// The source's options.
    var options: XMLReadingOptions { get }
    /// Creates the source.
    init(options: XMLReadingOptions)
    /// Whether the element at the end of `path` is a posting.
    static func isRecord(_ path: [XMLStreamParser.PathElement], root: XMLStreamParser.PathElement) -> Bool
    /// Maps a posting element onto the record.
    static func map(_ record: XMLStreamParser.Record, root: XMLStreamParser.PathElement?, input: SourceInput) -> PostingBuilder
    /// Why a document with this root element is not of the format, or nil when it is.
    static func rootProblem(_ root: XMLStreamParser.PathElement) -> String?
}

extension XMLFormatSource {
    public init(options: XMLReadingOptions, context: SourceContext) throws {
        self.init(options: options)
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await readDocument(input, stream, into: output)
        }
    }

    /// Reads one document of the format.
    func readDocument(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
        var root: XMLStreamParser.PathElement?
        try await XMLDocumentReader.read(
            input, stream, into: output, options: options,
            isRecord: { path in
                if root == nil { root = path.first }
                guard path.count > 1, let root else { return false }
                return Self.isRecord(path, root: root)
            },
            map: { record, root in Self.map(record, root: root, input: input) })
        if let root, let problem = Self.rootProblem(root) {
            throw SourceError("\(input.display): \(problem)")
        }
    }
}
