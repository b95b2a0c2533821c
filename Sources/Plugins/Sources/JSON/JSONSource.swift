import PipelineCore

/// Reads one JSON document whose postings sit in an array at `records:` (the root array when
/// absent), each mapped with `fields:` or read in the record's JSON form.
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
        /// Documents larger than this fail the source.
        public var maxDocumentBytes: Int

        public static let optionHelp = [
            "records": "path to the array of postings, e.g. data.jobs or $.data.jobs[*]; the root array when absent",
            "fields": "record field -> path in each posting object; without it, postings are in the record's JSON form",
            "max_document_bytes": "a larger document fails the source",
        ]

        enum CodingKeys: String, CodingKey {
            case records, fields
            case maxDocumentBytes = "max_document_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            records = try c.decodeIfPresent(String.self, forKey: .records)
            fields = try c.decodeIfPresent(FieldMappingOption.self, forKey: .fields)
            maxDocumentBytes = try c.decodeIfPresent(Int.self, forKey: .maxDocumentBytes) ?? 1024 * 1024 * 1024
            if maxDocumentBytes < 1 { throw ConfigValueError("max_document_bytes must be at least 1") }
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

    private func read(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
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
