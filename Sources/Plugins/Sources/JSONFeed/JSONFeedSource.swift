import PipelineCore

/// Reads JSON Feed 1.0 and 1.1, streamed: each of `items` becomes a posting as soon as it has
/// been read.
///
/// ```yaml
/// board: { type: jsonfeed, url: https://board.example/feed.json }
/// ```
public struct JSONFeedSource: Source {
    public static let type = "jsonfeed"
    public static let summary = "JSON Feed 1.0 and 1.1 (items, content_html/content_text, authors, tags, a _job extension object)"

    /// Options of the `jsonfeed` source.
    public struct Options: PluginOptions {
        /// Keep the items read before a syntax error, with a warning.
        public var recover: Bool

        public static let optionHelp = [
            "recover": "at a syntax error, keep the postings read before it and warn, instead of failing the source",
        ]

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            recover = try c.decodeIfPresent(Bool.self, forKey: .recover) ?? false
        }
    }

    private let options: Options

    public init(options: Options, context: SourceContext) throws {
        self.options = options
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await Self.read(input, stream, into: output, recover: options.recover)
        }
    }

    static func read(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput, recover: Bool) async throws {
        try await JSONDocumentReader.read(
            input, stream, into: output, path: ["items"], recover: recover,
            pathProblem: { "not a JSON Feed (\($0.replacingOccurrences(of: "records path", with: "path")))" },
            map: { map($0, documentBase: input.documentBase) })
    }

    /// One item: `id`, `url` (else `external_url`), `title`, `content_html`/`content_text`
    /// (else `summary`), `date_published` (else `date_modified`), the first author's name as the
    /// company (as for Atom), `tags` in `extra`, and a `_job` object in the record's JSON form.
    static func map(_ item: JSONValue, documentBase: String?) -> PostingBuilder {
        guard case .object(let members) = item else {
            var b = PostingBuilder()
            b.reject("expected a JSON Feed item (an object), found \(item.kindDescription)")
            return b
        }
        // The extension first, so that the item's own fields win.
        var b = PostingBuilder()
        switch item["_job"] {
        case nil, .null?: break
        case .object?: b = RecordMapping.recordForm.map(item["_job"] ?? .null)
        case let other?:
            b.reject("_job: expected an object, found \(other.kindDescription)")
            return b
        }
        func text(_ key: String) -> String? { item[key]?.scalarText }
        b.set(.sourceID, text("id"))
        b.set(.url, XMLStreamParser.resolve(text("url") ?? text("external_url"), against: documentBase))
        if text("url") != nil { b.extra("external_url", text("external_url")) }
        b.set(.title, text("title"))
        if let html = text("content_html") {
            b.set(.descriptionHTML, html)
            b.set(.descriptionText, text("content_text"))
        } else {
            b.set(.descriptionText, text("content_text") ?? text("summary"))
        }
        b.set(.datePosted, text("date_published") ?? text("date_modified"))
        var authors: [JSONValue] = []
        if case .array(let list)? = item["authors"] { authors = list }
        if let single = item["author"] { authors.append(single) }
        for author in authors {
            if let name = author["name"]?.scalarText {
                b.fill(.company, name)
                b.extra("author", name)
            }
        }
        if case .array(let tags)? = item["tags"] {
            for tag in tags { b.extra("category", tag.scalarText) }
        }
        for (key, value) in members where !Self.itemKeys.contains(key) && !key.hasPrefix("_job") {
            b.extra(key, value.scalarText ?? value.jsonText)
        }
        return b
    }

    static let itemKeys: Set<String> = [
        "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image", "banner_image",
        "date_published", "date_modified", "author", "authors", "tags", "language", "attachments",
    ]
}
