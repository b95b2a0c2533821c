import PipelineCore

/// Runs a command and reads postings from its stdout: after the handshake, one posting per
/// line in the record's JSON form (what the `jsonl` sink writes). A line that is not a posting
/// is a reject with its line number; a command that exits non-zero or runs past its timeout
/// fails this source alone. Protocol: docs/plugins.md.
///
/// ```yaml
/// sources:
///   ats: { type: exec, command: [python3, plugins/ats.py], env: { ATS_TOKEN: "${ATS_TOKEN}" }, timeout: 300 }
/// ```
public struct ExecSource: Source {
    public static let type = "exec"
    public static let summary = "Runs a command and reads postings from its stdout as JSON lines (docs/plugins.md)"
    public static let readsInput = false

    let launch: ExecProcess.Launch
    let name: String
    let context: SourceContext

    public init(options: ExecOptions, context: SourceContext) throws {
        launch = options.launch(baseDirectory: context.baseDirectory)
        name = context.name
        self.context = context
    }

    public func read(into output: SourceOutput) async throws {
        let label = "source '\(name)' (exec)"
        let process = try ExecProcess(launch, label: label, logger: context.logger)
        do {
            // A source need not read its input: one that exits without reading it is judged
            // by what it wrote, not by the pipe it closed.
            try? await process.sendHandshake(kind: .source, name: name)
            await process.closeInput()
            while true {
                let lines = try await process.nextLines()
                if lines.isEmpty { break }
                for line in lines { try await ExecLines.emit(line, display: "stdout", into: output) }
            }
            try await process.waitForExit()
            try process.requireHandshake()
        } catch {
            process.stop()
            throw error
        }
    }
}

/// Reading postings from a plugin's output lines, shared by the exec source and stage.
enum ExecLines {
    /// Parses one line in the record's JSON form; nil with a reason when it is not a posting.
    static func posting(_ bytes: [UInt8]) -> (posting: JobPosting?, reason: String?) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return (nil, "invalid JSON at column \(error.column): \(error.message)")
        }
        let mapped = RecordMapping.recordForm.map(value)
        if let reason = mapped.rejection { return (nil, reason) }
        return (mapped.posting, nil)
    }

    /// Emits one line's posting into a source's output, or rejects it with its line number.
    static func emit(_ line: (number: Int, bytes: [UInt8]), display: String, into output: SourceOutput) async throws {
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let position = "\(display):\(line.number)"
        let raw = String(decoding: line.bytes, as: UTF8.self)
        let parsed = posting(line.bytes)
        guard let posting = parsed.posting else {
            output.reject(position: position, reason: parsed.reason ?? "not a posting", raw: raw)
            return
        }
        try await output.emit(posting, position: position, raw: raw)
    }
}
