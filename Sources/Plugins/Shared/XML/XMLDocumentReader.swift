import PipelineCore

/// Reads one XML document of a source: feeds its chunks to the streaming parser as they arrive,
/// maps each completed record to a posting and emits it. A well-formedness error fails the source
/// with `file:line:column: message`, or with `recover: true` keeps what came before and warns.
enum XMLDocumentReader {
    /// Turns a record into a posting, given the document's root element.
    typealias Mapper = (XMLStreamParser.Record, XMLStreamParser.PathElement?) -> PostingBuilder

    static func read(
        _ input: SourceInput, _ stream: any ByteStream, into output: SourceOutput, options: XMLReadingOptions,
        isRecord: @escaping ([XMLStreamParser.PathElement]) -> Bool, map: Mapper
    ) async throws {
        let parser = XMLStreamParser(display: input.display, limits: options.limits, isRecord: isRecord)
        var stream = stream
        do {
            while let chunk = try await stream.next() {
                do {
                    try parser.feed(chunk)
                } catch {
                    try await emit(parser.takeRecords(), parser: parser, input: input, output: output, map: map)
                    throw error
                }
                try await emit(parser.takeRecords(), parser: parser, input: input, output: output, map: map)
            }
            do {
                try parser.finish()
            } catch {
                try await emit(parser.takeRecords(), parser: parser, input: input, output: output, map: map)
                throw error
            }
            try await emit(parser.takeRecords(), parser: parser, input: input, output: output, map: map)
        } catch let error as XMLParseError {
            guard options.recover else { throw SourceError(error.description) }
            output.warn("\(error.message); kept the postings before it (recover: true)", position: "\(error.display):\(error.line):\(error.column)")
        }
    }

    private static func emit(
        _ records: [XMLStreamParser.Record], parser: XMLStreamParser, input: SourceInput, output: SourceOutput, map: Mapper
    ) async throws {
        for record in records {
            let position = "\(input.display):\(record.element.line)"
            let built = map(record, parser.root)
            if let reason = built.rejection {
                output.reject(position: position, reason: reason, raw: record.element.innerXML)
                continue
            }
            for warning in built.warnings { output.warn(warning, position: position) }
            try await output.emit(built.posting, position: position, raw: record.element.innerXML)
        }
    }
}
