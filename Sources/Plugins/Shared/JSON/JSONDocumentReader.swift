import PipelineCore

/// Reads one JSON document of a source: streams the array at `path` and emits each element as a
/// posting. A syntax error fails the source with `file:line:column: message`, or with
/// `recover: true` keeps what came before and warns.
enum JSONDocumentReader {
    /// Maps one value and emits it, or rejects it with its position.
    static func emit(_ value: JSONValue, position: String, into output: SourceOutput, map: (JSONValue) -> PostingBuilder) async throws {
        let mapped = map(value)
        if let reason = mapped.rejection {
            output.reject(position: position, reason: reason, raw: value.jsonText)
            return
        }
        for warning in mapped.warnings { output.warn(warning, position: position) }
        try await output.emit(mapped.posting, position: position, raw: value.jsonText)
    }

    static func read(
        _ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput, path: [String],
        maxRecordBytes: Int = 64 << 20, recover: Bool,
        pathProblem: (String) -> String, map: (JSONValue) -> PostingBuilder
    ) async throws {
        var streamer = JSONArrayStreamer(path: path, maximumElementBytes: maxRecordBytes)
        var stream = stream
        let base = path.isEmpty ? "$" : "$." + path.joined(separator: ".")
        func emit(_ elements: [JSONArrayStreamer.Element]) async throws {
            for element in elements {
                try await Self.emit(element.value, position: "\(input.display):\(element.line) \(base)[\(element.index)]", into: output, map: map)
            }
        }
        do {
            while let chunk = try await stream.next() {
                try await emit(try streamer.feed(chunk))
            }
            try await emit(try streamer.finish())
        } catch let failure as JSONArrayStreamer.Failure {
            switch failure {
            case .path(let message):
                throw SourceError("\(input.display): \(pathProblem(message))")
            case .syntax(let error):
                guard recover else { throw SourceError("\(input.display):\(error.line):\(error.column): \(error.message)") }
                output.warn("\(error.message); kept the postings before it (recover: true)", position: "\(input.display):\(error.line):\(error.column)")
            }
        }
    }
}
