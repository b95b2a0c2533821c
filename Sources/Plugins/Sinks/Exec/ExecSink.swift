import Foundation
import PipelineCore

/// Streams the postings a sink publishes to a command's stdin as JSON lines (after the
/// handshake) and succeeds when the command exits 0. What the command writes to stdout after
/// its handshake becomes the file at `path:`, published atomically with the other feeds — a
/// converter writes its format there; a command that pushes to an API writes nothing, or a
/// receipt. A command that fails fails this sink alone: the other feeds are published and the
/// run exits 3. Protocol: docs/plugins.md.
///
/// ```yaml
/// sinks:
///   partner:
///     type: exec
///     command: [python3, plugins/push.py]
///     path: out/partner-receipt.txt
/// ```
public struct ExecSink: Sink {
    public static let type = "exec"
    public static let summary = "Streams the postings to a command's stdin as JSON lines; its stdout becomes path: (docs/plugins.md)"

    let launch: ExecProcess.Launch
    let name: String
    let context: SinkContext

    public init(options: ExecOptions, context: SinkContext) throws {
        launch = options.launch(baseDirectory: context.baseDirectory)
        name = context.name
        self.context = context
    }

    public var failsAlone: Bool { true }

    public func makeWriter() -> any FeedWriter { Writer(sink: self) }

    struct Writer: FeedWriter {
        let sink: ExecSink
        var process: ExecProcess?
        var json = JSONWriter()

        var label: String { "sink '\(sink.name)' (exec)" }

        mutating func begin(_ out: FeedOutput) throws {
            let started = try ExecProcess(sink.launch, label: label, logger: sink.context.logger)
            process = started
            do {
                try started.writeBlocking(ExecProcess.handshake(kind: .sink, name: sink.name))
            } catch {
                started.stop()
                throw error
            }
        }

        mutating func write(_ posting: JobPosting, to out: FeedOutput) throws {
            guard let process else { return }
            json.reset()
            posting.writeJSON(to: &json)
            json.bytes.append(0x0A)
            do {
                try process.writeBlocking(json.bytes)
            } catch {
                // Its exit status says more than the broken pipe.
                try? process.waitForExitBlocking()
                throw error
            }
            try copyOutput(try process.takeLines(), to: out)
        }

        mutating func end(_ out: FeedOutput) throws {
            guard let process else { return }
            process.closeInputBlocking()
            try process.waitForExitBlocking()
            try copyOutput(try process.takeLines(), to: out)
            try process.requireHandshake()
        }

        /// The command's stdout after the handshake, line by line, into the sink's file.
        private func copyOutput(_ lines: [(number: Int, bytes: [UInt8])], to out: FeedOutput) throws {
            for line in lines { try out.write(line.bytes + [0x0A]) }
        }
    }
}
