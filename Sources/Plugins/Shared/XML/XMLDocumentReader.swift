import AsyncAlgorithms
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
        // Parsing and mapping run as two tasks joined by a channel that holds one chunk's
        // records: on two cores a large feed is read in about the time of the slower of the two
        // instead of their sum, and memory stays one chunk ahead.
        let channel = AsyncThrowingChannel<Batch, any Error>()
        let parsing = Handoff(stream: stream, parser: XMLStreamParser(display: input.display, limits: options.limits, isRecord: isRecord))
        let producer = Task { await parse(parsing, into: channel) }
        do {
            for try await batch in channel.buffer(policy: .bounded(4)) {
                try await emit(batch.records, root: batch.root, input: input, output: output, map: map)
            }
            // A channel ends quietly when the task is cancelled: that is not the document's end.
            try Task.checkCancellation()
        } catch let error as XMLParseError {
            producer.cancel()
            await producer.value
            guard options.recover else { throw SourceError(error.description) }
            output.warn("\(error.message); kept the postings before it (recover: true)", position: "\(error.display):\(error.line):\(error.column)")
        } catch {
            producer.cancel()
            await producer.value
            throw error
        }
    }

    /// Feeds the document to the parser chunk by chunk, sending each chunk's records on; a
    /// parse error is sent after the records that came before it.
    private static func parse(_ parsing: Handoff, into channel: AsyncThrowingChannel<Batch, any Error>) async {
        var stream = parsing.stream
        let parser = parsing.parser
        func send() async {
            let records = parser.takeRecords()
            if !records.isEmpty { await channel.send(Batch(records: records, root: parser.root)) }
        }
        do {
            while let chunk = try await stream.next() {
                try Task.checkCancellation()
                do {
                    try parser.feed(chunk)
                } catch {
                    await send()
                    throw error
                }
                await send()
            }
            do {
                try parser.finish()
            } catch {
                await send()
                throw error
            }
            await send()
            channel.finish()
        } catch {
            channel.fail(error)
        }
    }

    /// The parser and its input, moved into the parsing task, which alone uses them.
    private struct Handoff: @unchecked Sendable {
        var stream: any ByteStream
        let parser: XMLStreamParser
    }

    /// One chunk's records, moved from the parsing task to the mapping one; each record's
    /// elements are used by one task at a time.
    private struct Batch: @unchecked Sendable {
        var records: [XMLStreamParser.Record]
        var root: XMLStreamParser.PathElement?
    }

    private static func emit(
        _ records: [XMLStreamParser.Record], root: XMLStreamParser.PathElement?, input: SourceInput, output: SourceOutput, map: Mapper
    ) async throws {
        for record in records {
            // Built only when something is said about the record: most never need it.
            func position() -> String { "\(input.display):\(record.element.line)" }
            let built = map(record, root)
            if let reason = built.rejection {
                output.reject(position: position(), reason: reason, raw: record.element.innerXML)
                continue
            }
            for warning in built.warnings { output.warn(warning, position: position()) }
            try await output.emit(built.posting, position: position(), raw: record.element.innerXML)
        }
    }
}
