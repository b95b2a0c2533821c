import PipelineCore

/// Writes JSON Lines: one posting per line in the record's JSON form.
///
/// ```yaml
/// all: { type: jsonl, path: out/jobs.jsonl }
/// ```
public struct JSONLSink: Sink {
    public static let type = "jsonl"
    public static let summary = "JSON Lines, one posting per line in the record's JSON form"

    public init(options: NoOptions, context: SinkContext) throws {}

    public func makeWriter() -> any FeedWriter { Writer() }

    struct Writer: FeedWriter {
        var json = JSONWriter()

        mutating func write(_ posting: JobPosting, to out: FeedOutput) throws {
            json.reset()
            posting.writeJSON(to: &json)
            json.bytes.append(0x0A)
            try out.write(json.bytes)
        }

        /// The stored record is the line: copied, not decoded.
        mutating func write(stored: StoredPosting, to out: FeedOutput) throws {
            try out.write(stored.json)
            try out.write(byte: 0x0A)
        }
    }
}
