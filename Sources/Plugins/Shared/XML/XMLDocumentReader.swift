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
        isRecord: @escaping ([XMLStreamParser.PathElement]) -> Bool, map: @escaping Mapper
    ) async throws {
        // Parsing and emitting run as two tasks joined by a channel that holds one chunk's
        // postings: on two cores a large feed is read while the postings before go on through
        // the run, and memory stays one chunk ahead.
        let channel = AsyncThrowingChannel<Batch, any Error>()
        let parsing = Handoff(stream: stream, parser: XMLStreamParser(display: input.display, limits: options.limits, isRecord: isRecord), map: map)
        let producer = Task { await parse(parsing, into: channel) }
        do {
            for try await batch in channel.buffer(policy: .bounded(4)) {
                var records = batch.take()
                try await emit(&records, input: input, output: output)
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

    /// Feeds the document to the parser chunk by chunk, sending each chunk's records on mapped;
    /// a parse error is sent after the records that came before it.
    private static func parse(_ parsing: Handoff, into channel: AsyncThrowingChannel<Batch, any Error>) async {
        var stream = parsing.stream
        let parser = parsing.parser
        func send() async {
            // Mapped here, where the records' elements were made: they are freed on the thread
            // that allocated them. Freed by the emitting task, on the other core, each of their
            // blocks took the lock of the parser's malloc arena, and the two threads waited on
            // each other thousands of times a second (`perf sched`: the XML elements' frees
            // were over half of a run's lock waits while its sources were read).
            let root = parser.root
            let records = parser.takeRecords().map { Mapped($0, parsing.map($0, root)) }
            if !records.isEmpty { await channel.send(Batch(records)) }
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

    /// The parser, its input and the mapping, moved into the parsing task, which alone uses them.
    private struct Handoff: @unchecked Sendable {
        var stream: any ByteStream
        let parser: XMLStreamParser
        let map: Mapper
    }

    /// A record mapped: what was built, its line, and its element only when the posting may be
    /// rejected (for the reject's raw XML); the others' elements are freed once mapped.
    private struct Mapped {
        var built: PostingBuilder
        let line: Int
        let element: XMLElement?

        init(_ record: XMLStreamParser.Record, _ built: consuming PostingBuilder) {
            line = record.element.line
            // A rejection by the mapping, or by `SourceOutput.emit` (asked before the source's
            // defaults may fill in what is missing). Asked before `built` is stored: read after,
            // it was a copy of the posting.
            let mayBeRejected = built.rejection != nil || SourceOutput.incompleteness(of: built.posting) != nil
            element = mayBeRejected ? record.element : nil
            self.built = built
        }
    }

    /// One chunk's mapped records, moved from the parsing task to the emitting one, which
    /// takes them out (so that it can move each posting out of the list); a kept element is
    /// used by one task at a time.
    private typealias Batch = BatchHandoff<Mapped>

    /// Emits the records in order; each posting is moved out of the list, not copied (a copy
    /// was a retain of each of its strings, made on the parsing thread).
    private static func emit(_ records: inout [Mapped], input: SourceInput, output: SourceOutput) async throws {
        for i in records.indices {
            let line = records[i].line, element = records[i].element
            // Built only when something is said about the record: most never need it.
            func position() -> String { "\(input.display):\(line)" }
            if let reason = records[i].built.rejection {
                output.reject(position: position(), reason: reason, raw: element?.innerXML)
                continue
            }
            for warning in records[i].built.warnings { output.warn(warning, position: position()) }
            var posting = JobPosting()
            swap(&posting, &records[i].built.posting)
            try await output.emit(consume posting, position: position(), raw: element?.innerXML)
        }
    }
}
