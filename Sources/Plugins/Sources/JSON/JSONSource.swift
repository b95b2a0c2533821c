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

    /// Options of the `json` source.
    public struct Options: PluginOptions {
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
            "records": "path to the array of postings, e.g. data.jobs or $.data.jobs[*]; the root array when absent",
            "fields": "record field -> path in each posting object; without it, postings are in the record's JSON form",
            "max_document_bytes": "largest document when records: indexes into an array (data[0].jobs), which is read whole",
            "max_record_bytes": "largest posting accepted",
            "recover": "at a syntax error, keep the postings read before it and warn, instead of failing the source",
        ]

        enum CodingKeys: String, CodingKey {
            case records, fields, recover
            case maxDocumentBytes = "max_document_bytes"
            case maxRecordBytes = "max_record_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
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

    public init(options: Options, context: SourceContext) throws {
        self.options = options
        self.context = context
        do {
            recordsPath = try JSONPath(parsing: options.records ?? "")
        } catch {
            throw ConfigValueError("records: \(error.description)")
        }
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
        let mapping = options.fields?.mapping ?? .recordForm
        try await JSONDocumentReader.read(
            input, stream, into: output, path: keys, maxRecordBytes: options.maxRecordBytes, recover: options.recover,
            pathProblem: { "\($0); fix records:" }, map: { mapping.map($0) })
    }

    /// Reads the whole document, for `records:` paths that index into arrays.
    private func readWhole(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
        var stream = stream
        var bytes: [UInt8] = []
        while let chunk = try await stream.next() {
            bytes.append(contentsOf: chunk)
            if bytes.count > options.maxDocumentBytes {
                throw SourceError("\(input.display): larger than max_document_bytes (\(options.maxDocumentBytes))")
            }
        }
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
        let mapping = options.fields?.mapping ?? .recordForm
        let base = recordsPath.components.isEmpty ? "$" : "$.\(recordsPath.text.hasPrefix("$") ? String(recordsPath.text.drop { $0 == "$" || $0 == "." }) : recordsPath.text)"
        for (index, item) in items.enumerated() {
            let position = "\(input.display) \(base.replacingOccurrences(of: "[*]", with: ""))[\(index)]"
            let mapped = mapping.map(item)
            if let reason = mapped.rejection {
                output.reject(position: position, reason: reason, raw: item.jsonText)
                continue
            }
            for warning in mapped.warnings { output.warn(warning, position: position) }
            try await output.emit(mapped.posting, position: position, raw: item.jsonText)
        }
    }
}
