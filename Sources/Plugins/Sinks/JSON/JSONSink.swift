import PipelineCore

/// Writes one JSON document: an array of postings in the record's JSON form, one per line.
///
/// ```yaml
/// all: { type: json, path: out/jobs.json }
/// ```
public struct JSONSink: Sink {
    public static let type = "json"
    public static let summary = "A JSON array of postings in the record's JSON form"

    public init(options: NoOptions, context: SinkContext) throws {}

    public func makeWriter() -> any FeedWriter { Writer() }

    struct Writer: FeedWriter {
        var json = JSONWriter()
        var first = true

        mutating func begin(_ out: FeedOutput) throws {
            try out.write("[")
        }

        mutating func write(_ posting: JobPosting, to out: FeedOutput) throws {
            json.reset()
            json.bytes.append(contentsOf: first ? Array("\n".utf8) : Array(",\n".utf8))
            first = false
            posting.writeJSON(to: &json)
            try out.write(json.bytes)
        }

        /// The stored record is the element: copied, not decoded.
        mutating func write(stored: StoredPosting, to out: FeedOutput) throws {
            if !first { try out.write(byte: UInt8(ascii: ",")) }
            try out.write(byte: 0x0A)
            first = false
            try out.write(stored.json)
        }

        mutating func end(_ out: FeedOutput) throws {
            try out.write(first ? "]\n" : "\n]\n")
        }
    }
}
