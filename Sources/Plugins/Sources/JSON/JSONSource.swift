import PipelineCore

/// Reads one JSON document whose postings sit in an array at `records:` (the root array when
/// absent), each mapped with `fields:` or read in the record's JSON form. The array is
/// streamed: memory holds one posting, however large the document.
///
/// ```yaml
/// partner:
///   type: json
///   path: feeds/partner.json
///   records: data.jobs
///   fields: { title: position.name, company: employer.name, url: links.apply }
/// ```
public struct JSONSource: Source {
    public static let type = "json"
    public static let summary = "A JSON document with an array of postings at records:, mapped with fields:"

    /// Shapes of applicant-tracking systems' APIs, as default `records:` and `fields:`.
    public enum Preset: String, ConfigEnum {
        /// Greenhouse's job board API (`/v1/boards/<board>/jobs?content=true`).
        case greenhouse
        /// Lever's postings API (`/v0/postings/<company>?mode=json`).
        case lever

        var records: String {
            switch self {
            case .greenhouse: return "jobs"
            case .lever: return ""
            }
        }

        var fields: [(target: String, sources: [String])] {
            switch self {
            case .greenhouse:
                return [("source_id", ["id"]), ("title", ["title"]), ("url", ["absolute_url"]), ("location", ["location.name"]),
                        ("date_posted", ["updated_at", "first_published"]), ("description_html", ["content"])]
            case .lever:
                return [("source_id", ["id"]), ("title", ["text"]), ("url", ["hostedUrl", "applyUrl"]),
                        ("location", ["categories.location"]), ("employment_type", ["categories.commitment"]),
                        ("extra.team", ["categories.team"]), ("extra.department", ["categories.department"]),
                        ("date_posted", ["createdAt"]), ("description_text", ["descriptionPlain"]), ("description_html", ["description"]),
                        ("salary.min", ["salaryRange.min"]), ("salary.max", ["salaryRange.max"]), ("salary.currency", ["salaryRange.currency"])]
            }
        }

        /// What a mapping cannot say: Greenhouse's content is HTML escaped once more, and its
        /// departments and offices are lists; Lever's pay interval is a phrase.
        func finish(_ b: inout PostingBuilder, _ value: JSONValue) {
            switch self {
            case .greenhouse:
                if let html = b.posting.descriptionHTML { b.posting.descriptionHTML = HTMLText.unescape(html) }
                for (key, name) in [("departments", "department"), ("offices", "office")] {
                    if case .array(let items)? = value[key] {
                        for item in items { b.extra(name, item["name"]?.scalarText) }
                    }
                }
            case .lever:
                if let interval = value["salaryRange"]?["interval"]?.scalarText?.lowercased() {
                    let period = ["hour", "day", "week", "month", "year"].first { interval.contains($0) }
                    b.set(.salaryPeriod, period)
                }
            }
        }
    }

    /// Options of the `json` source.
    public struct Options: PluginOptions {
        /// An ATS shape giving default `records:` and `fields:`.
        public var preset: Preset?
        /// Path to the array of postings.
        public var records: String?
        /// How each element maps onto the record.
        public var fields: FieldMappingOption?
        /// Documents larger than this fail the source (only when `records:` indexes into arrays,
        /// which needs the whole document).
        public var maxDocumentBytes: Int
        /// Postings larger than this fail the source.
        public var maxRecordBytes: Int
        /// Keep the postings read before a syntax error, with a warning.
        public var recover: Bool

        public static let optionHelp = [
            "preset": "greenhouse or lever: the API's records: and fields:, which the file may still override",
            "records": "path to the array of postings, e.g. data.jobs or $.data.jobs[*]; the root array when absent",
            "fields": "record field -> path in each posting object; without it, postings are in the record's JSON form",
            "max_document_bytes": "largest document when records: indexes into an array (data[0].jobs), which is read whole",
            "max_record_bytes": "largest posting accepted",
            "recover": "at a syntax error, keep the postings read before it and warn, instead of failing the source",
        ]

        enum CodingKeys: String, CodingKey {
            case preset, records, fields, recover
            case maxDocumentBytes = "max_document_bytes"
            case maxRecordBytes = "max_record_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            preset = try c.decodeIfPresent(Preset.self, forKey: .preset)
            records = try c.decodeIfPresent(String.self, forKey: .records)
            fields = try c.decodeIfPresent(FieldMappingOption.self, forKey: .fields)
            maxDocumentBytes = try c.decodeIfPresent(Int.self, forKey: .maxDocumentBytes) ?? 1024 * 1024 * 1024
            maxRecordBytes = try c.decodeIfPresent(Int.self, forKey: .maxRecordBytes) ?? 64 << 20
            recover = try c.decodeIfPresent(Bool.self, forKey: .recover) ?? false
            if maxDocumentBytes < 1 || maxRecordBytes < 1 { throw ConfigValueError("max_document_bytes and max_record_bytes must be at least 1") }
        }
    }

    private let options: Options
    private let context: SourceContext
    private let recordsPath: JSONPath
    private let mapping: RecordMapping

    public init(options: Options, context: SourceContext) throws {
        self.options = options
        self.context = context
        do {
            recordsPath = try JSONPath(parsing: options.records ?? options.preset?.records ?? "")
        } catch {
            throw ConfigValueError("records: \(error.description)")
        }
        // A preset's fields, each replaced by the file's entry for the same record field.
        if let preset = options.preset {
            let own = options.fields?.pairs ?? []
            let merged = preset.fields.filter { entry in !own.contains { $0.target == entry.target } } + own
            do {
                mapping = try RecordMapping(fields: merged)
            } catch {
                throw ConfigValueError(error.message)
            }
        } else {
            mapping = options.fields?.mapping ?? .recordForm
        }
    }

    private func map(_ value: JSONValue) -> PostingBuilder {
        var built = mapping.map(value)
        if built.rejection == nil { options.preset?.finish(&built, value) }
        return built
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await read(input, stream, into: output)
        }
    }

    /// The key path to stream, when `records:` is only keys (and maybe a trailing `[*]`).
    private var streamedPath: [String]? {
        var keys: [String] = []
        for (index, component) in recordsPath.components.enumerated() {
            switch component {
            case .key(let k): keys.append(k)
            case .all where index == recordsPath.components.count - 1: break
            default: return nil
            }
        }
        return keys
    }

    private func read(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
        guard let keys = streamedPath else {
            return try await readWhole(input, stream, into: output)
        }
        try await JSONDocumentReader.read(
            input, stream, into: output, path: keys, maxRecordBytes: options.maxRecordBytes, recover: options.recover,
            pathProblem: { "\($0); fix records:" }, map: map)
    }

    /// Reads the whole document, for `records:` paths that index into arrays.
    private func readWhole(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
        var stream = stream
        var bytes = try await stream.readAll(limit: options.maxDocumentBytes, display: input.display, option: "max_document_bytes")
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SourceError("\(input.display):\(error.line):\(error.column): \(error.message)")
        }
        bytes = []
        guard let found = recordsPath.lookup(document) else {
            throw SourceError("\(input.display): records path '\(recordsPath)' finds nothing: \(recordsPath.explainMiss(in: document)); fix records:")
        }
        guard case .array(let items) = found else {
            throw SourceError("\(input.display): records path '\(recordsPath)' is \(found.kindDescription), not an array of postings; fix records:")
        }
        let base = recordsPath.components.isEmpty ? "$" : "$.\(recordsPath.text.hasPrefix("$") ? String(recordsPath.text.drop { $0 == "$" || $0 == "." }) : recordsPath.text)"
        for (index, item) in items.enumerated() {
            let position = "\(input.display) \(base.replacingOccurrences(of: "[*]", with: ""))[\(index)]"
            try await JSONDocumentReader.emit(item, position: position, into: output, map: map)
        }
    }
}
