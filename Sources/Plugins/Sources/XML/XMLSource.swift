import PipelineCore

/// Reads any XML: `record:` names the repeating element, `fields:` maps record fields to child
/// paths and attributes. Without `fields:`, children are mapped by their names (`title`, `url`
/// or `link`, `company`, `city`…) and the rest kept in `extra`.
///
/// ```yaml
/// ats:
///   type: xml
///   path: feeds/ats.xml
///   record: positions/position
///   fields: { title: name, url: "@href", location.city: location/@city, company: org/name }
/// ```
public struct XMLSource: Source {
    public static let type = "xml"
    public static let summary = "Any XML: record: names the repeating element, fields: maps child paths and attributes"

    /// Options of the `xml` source.
    public struct Options: PluginOptions {
        /// The repeating element: `jobs/job`, `/feed/jobs/job` (from the root) or a local name.
        public var record: String
        /// Record field -> child path (or list, first non-empty wins).
        public var fields: XMLFieldMapping?
        /// Parsing options.
        public var reading: XMLReadingOptions

        public static let optionHelp = XMLReadingOptions.optionHelp.merging([
            "record": "the repeating element, as a path (jobs/job; /root/jobs/job from the root) or a local name (j:job matches a prefix)",
            "fields": "record field -> child path or attribute (title: name, location.city: place/@city); without it, children map by name",
        ]) { a, _ in a }

        enum CodingKeys: String, CodingKey {
            case record, fields
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            record = try c.decode(String.self, forKey: .record)
            fields = try c.decodeIfPresent(XMLFieldMapping.self, forKey: .fields)
            reading = try XMLReadingOptions(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(record, forKey: .record)
            try c.encodeIfPresent(fields, forKey: .fields)
            try reading.encode(to: encoder)
        }
    }

    private let options: Options
    private let recordPath: [XMLFieldPath.Step]
    private let anchored: Bool

    public init(options: Options, context: SourceContext) throws {
        self.options = options
        let text = options.record.trimmed
        anchored = text.hasPrefix("/")
        let parts = text.split(separator: "/")
        guard !parts.isEmpty, !parts.contains(where: { $0.contains("@") }) else {
            throw ConfigValueError("record: '\(options.record)' is not an element path; write job, jobs/job or /root/jobs/job")
        }
        recordPath = parts.map { XMLFieldPath.Step($0) }
    }

    func isRecord(_ path: [XMLStreamParser.PathElement]) -> Bool {
        if anchored && path.count != recordPath.count { return false }
        guard path.count >= recordPath.count else { return false }
        for (step, element) in zip(recordPath.reversed(), path.reversed()) where !step.matches(element.name, element.prefix) {
            return false
        }
        return true
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await XMLDocumentReader.read(
                input, stream, into: output, options: options.reading,
                isRecord: { isRecord($0) },
                map: { record, _ in
                    options.fields.map { $0.map(record.element) } ?? Self.mapByName(record.element)
                })
        }
    }

    /// Children whose names say what they are; the rest in `extra`.
    static let names: [String: FieldPath.Field] = [
        "title": .title, "jobtitle": .title, "position": .title, "name": .title,
        "url": .url, "link": .url, "applyurl": .url, "href": .url,
        "id": .sourceID, "guid": .sourceID, "referencenumber": .sourceID, "jobid": .sourceID, "reference": .sourceID,
        "description": .descriptionHTML, "summary": .descriptionHTML, "body": .descriptionHTML, "content": .descriptionHTML,
        "date": .datePosted, "pubdate": .datePosted, "posted": .datePosted, "dateposted": .datePosted,
        "published": .datePosted, "postingdate": .datePosted, "created": .datePosted,
    ]

    static func mapByName(_ element: XMLElement) -> PostingBuilder {
        var b = PostingBuilder()
        if let id = element.attribute("id") { b.set(.sourceID, id) }
        for case .element(let child) in element.children {
            let key = child.name.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
            if let field = names[key] ?? FieldPath(child.name).map(\.field) {
                b.fill(field, field == .descriptionHTML ? child.htmlContent : child.text)
            } else {
                JobExtensions.apply(child, to: &b)
            }
        }
        return b
    }
}

/// The `fields:` of the `xml` source: record field -> element path (or list of paths).
public struct XMLFieldMapping: OptionValue {
    let entries: [(target: String, paths: [XMLFieldPath])]

    public static let optionType = "mapping of record field to element path (child/@attribute), or list of paths"
    public static let placeholder = XMLFieldMapping(entries: [])

    init(entries: [(target: String, paths: [XMLFieldPath])]) {
        self.entries = entries
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var entries: [(String, [XMLFieldPath])] = []
        for key in c.allKeys {
            entries.append((key.stringValue, try c.decode(Paths.self, forKey: key).paths))
        }
        self.entries = entries
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (target, paths) in entries {
            try c.encode(paths.map(\.description), forKey: AnyKey(target))
        }
    }

    /// One value, checked where it stands so that errors point at it.
    struct Paths: OptionValue {
        let paths: [XMLFieldPath]
        static let optionType = "element path or list of paths"
        static let placeholder = Paths(paths: [])

        init(paths: [XMLFieldPath]) {
            self.paths = paths
        }

        init(from decoder: any Decoder) throws {
            let target = decoder.codingPath.last?.stringValue ?? ""
            do {
                try RecordMapping.validateTarget(target)
            } catch {
                throw ConfigValueError(error.message)
            }
            let texts: [String]
            if decoder.userInfo[configNodeKindKey] as? String == "sequence" {
                texts = try [String](from: decoder)
            } else {
                texts = [try decoder.singleValueContainer().decode(String.self)]
            }
            var paths: [XMLFieldPath] = []
            for text in texts { paths.append(try XMLFieldPath(text)) }
            self.paths = paths
        }

        func encode(to encoder: any Encoder) throws {
            try paths.map(\.description).encode(to: encoder)
        }
    }

    /// Maps a record; children that no path starts from go to `extra`.
    func map(_ element: XMLElement) -> PostingBuilder {
        var b = PostingBuilder()
        var used = Set<String>()
        for (target, paths) in entries {
            for path in paths { if let first = path.firstElement { used.insert(first) } }
            let markup = target == "description_html"
            guard let value = paths.lazy.compactMap({ $0.value(in: element, markup: markup) }).first(where: { !$0.trimmed.isEmpty })
            else { continue }
            if let path = FieldPath(target) {
                b.set(path, .string(value.trimmed))
            } else if let text = FieldPath("\(target).text") {
                b.set(text, .string(value.trimmed))
            }
        }
        for child in element.elements where !used.contains(child.name) {
            b.extra(child.extraKey, child.text)
        }
        return b
    }
}
