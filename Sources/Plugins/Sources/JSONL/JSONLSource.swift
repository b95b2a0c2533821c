import PipelineCore

/// Reads JSON Lines: one posting per line, in the record's JSON form (what the `jsonl` sink
/// writes, so pipelines chain) or mapped with `fields:`. A bad line is a reject with its line
/// number; the source goes on.
///
/// ```yaml
/// partner: { type: jsonl, path: feeds/partner.jsonl }
/// ```
public struct JSONLSource: Source {
    public static let type = "jsonl"
    public static let summary = "JSON Lines, one posting per line (the record's JSON form, or mapped with fields:)"

    /// Options of the `jsonl` source.
    public struct Options: PluginOptions {
        /// How each line maps onto the record; the record's JSON form when absent.
        public var fields: FieldMappingOption?
        /// Lines longer than this are rejected.
        public var maxLineBytes: Int

        public static let optionHelp = [
            "fields": "record field -> path in each line's object; without it, lines are in the record's JSON form",
            "max_line_bytes": "a line longer than this is rejected",
        ]

        enum CodingKeys: String, CodingKey {
            case fields
            case maxLineBytes = "max_line_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decodeIfPresent(FieldMappingOption.self, forKey: .fields)
            maxLineBytes = try c.decodeIfPresent(Int.self, forKey: .maxLineBytes) ?? 16 * 1024 * 1024
            if maxLineBytes < 1 { throw ConfigValueError("max_line_bytes must be at least 1") }
        }
    }

    private let options: Options
    private let context: SourceContext

    public init(options: Options, context: SourceContext) throws {
        self.options = options
        self.context = context
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            try await read(input, stream, into: output)
        }
    }

    private func read(_ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput) async throws {
        let mapping = options.fields?.mapping ?? .recordForm
        var lines = LineReader(stream, maximumLength: options.maxLineBytes)
        while let line = try await lines.next() {
            let position = "\(input.display):\(line.number)"
            if line.tooLong {
                output.reject(position: position, reason: "line longer than max_line_bytes (\(options.maxLineBytes))", raw: String(decoding: line.bytes.prefix(1024), as: UTF8.self))
                continue
            }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let bytes = Array(line.bytes)
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                output.reject(position: "\(position):\(error.column)", reason: "invalid JSON: \(error.message)", raw: String(decoding: bytes, as: UTF8.self))
                continue
            }
            let mapped = mapping.map(value)
            if let reason = mapped.rejection {
                output.reject(position: position, reason: reason, raw: String(decoding: bytes, as: UTF8.self))
                continue
            }
            for warning in mapped.warnings { output.warn(warning, position: position) }
            try await output.emit(mapped.posting, position: position, raw: String(decoding: bytes, as: UTF8.self))
        }
    }
}
