import Foundation
import PipelineCore
import Synchronization

/// Streams the run's postings through a command: each posting to its stdin as a line in the
/// record's JSON form, and the postings it writes to stdout taken as the stage's output — it
/// may drop, change or add postings. Writing waits while the command is behind (a full pipe),
/// so a slow plugin slows the run instead of filling memory; its output is read all along by a
/// thread of its own. A command that dies, exits non-zero or runs past its timeout fails the run
/// with its last stderr line, and nothing is published. Protocol: docs/plugins.md.
///
/// A posting the command writes keeps the `source` and `id` it came in with; one it adds needs
/// a `source` (one of the pipeline's) and a `source_id` or `url`, from which its id is made.
///
/// ```yaml
/// stages:
///   - type: exec
///     command: [python3, plugins/tag.py]
/// ```
public final class ExecStage: Stage {
    public static let type = "exec"
    public static let summary = "Streams the postings through a command's stdin and stdout as JSON lines; it may drop, change or add postings (docs/plugins.md)"

    let launch: ExecProcess.Launch
    let label: String
    let context: StageContext
    private let running = Mutex<Running?>(nil)

    /// The started command and the lines of the last batches sent.
    final class Running: @unchecked Sendable {
        // @unchecked: used by the runner's one task, a batch at a time.
        let process: ExecProcess
        /// The postings of the last few batches by the hash of the line they were sent as: a
        /// line the command writes back unchanged (most plugins pass most postings through) is
        /// that posting again, without parsing and checking it anew. Older batches are dropped,
        /// so a plugin that drops postings does not make this grow.
        var sent: [[ContentHash: JobPosting]] = []
        init(_ process: ExecProcess) { self.process = process }

        func unchanged(_ bytes: [UInt8]) -> JobPosting? {
            let hash = ContentHash(bytes: bytes)
            for batch in sent.reversed() { if let posting = batch[hash] { return posting } }
            return nil
        }
    }

    public init(options: ExecOptions, context: StageContext) throws {
        launch = options.launch(baseDirectory: context.baseDirectory)
        label = "\(context.label) (exec)"
        self.context = context
    }

    public func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
        let started = try await start()
        var bytes: [UInt8] = []
        var json = JSONWriter()
        var sent: [ContentHash: JobPosting] = [:]
        sent.reserveCapacity(batch.count)
        for posting in batch {
            json.reset()
            posting.writeJSON(to: &json)
            sent[ContentHash(bytes: json.bytes)] = posting
            bytes.append(contentsOf: json.bytes)
            bytes.append(0x0A)
        }
        started.sent.append(sent)
        if started.sent.count > 4 { started.sent.removeFirst() }
        do {
            try await started.process.write(bytes)
        } catch {
            started.process.stop()
            try? await started.process.waitForExit()
            throw error
        }
        return try read(try started.process.takeLines(), started, run: run)
    }

    public func finish(run: RunContext) async throws -> [JobPosting] {
        let started = try await start()
        await started.process.closeInput()
        var out: [JobPosting] = []
        while true {
            let lines = try await started.process.nextLines()
            if lines.isEmpty { break }
            out += try read(lines, started, run: run)
        }
        try await started.process.waitForExit()
        try started.process.requireHandshake()
        return out
    }

    /// Starts the command on the first batch (or at the end, for a run with no postings).
    private func start() async throws -> Running {
        if let existing = running.withLock({ $0 }) { return existing }
        let process = try ExecProcess(launch, label: label, logger: context.logger)
        let started = Running(process)
        running.withLock { $0 = started }
        do {
            try await process.sendHandshake(kind: .stage, name: context.label)
        } catch {
            process.stop()
            throw error
        }
        return started
    }

    /// The postings of the command's output lines; a line that is not one is a reject.
    private func read(_ lines: [(number: Int, bytes: [UInt8])], _ started: Running, run: RunContext) throws -> [JobPosting] {
        var out: [JobPosting] = []
        for line in lines {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if let same = started.unchanged(line.bytes) {
                out.append(same)
                continue
            }
            let raw = String(decoding: line.bytes, as: UTF8.self)
            let parsed = ExecLines.posting(line.bytes)
            guard var posting = parsed.posting else {
                run.reject(source: label, position: "stdout:\(line.number)", reason: parsed.reason ?? "not a posting", raw: raw)
                continue
            }
            guard let source = posting.source, run.sourceNames.isEmpty || run.sourceNames.contains(source) else {
                run.reject(source: label, position: "stdout:\(line.number)",
                           reason: "a posting needs the source it came from (one of \(run.sourceNames.joined(separator: ", ")))", raw: raw)
                continue
            }
            if posting.id == nil {
                guard posting.sourceID != nil || posting.url != nil else {
                    run.reject(source: label, position: "stdout:\(line.number)", reason: "an added posting needs a source_id or a url", raw: raw)
                    continue
                }
                posting.id = PostingID.make(source: source, sourceID: posting.sourceID, url: posting.url)
            }
            out.append(posting)
        }
        return out
    }
}
