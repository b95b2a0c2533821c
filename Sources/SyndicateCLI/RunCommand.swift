import ArgumentParser
import Dispatch
import Foundation
import Logging
import PipelineCore
import Synchronization
import Plugins

/// `syndicate run FILE...`: runs each pipeline once.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run each pipeline once.",
        discussion: """
            Exit codes: 0 ok; 3 partial (a source failed, feeds published without its new \
            postings); 1 failed (nothing published); 75 another run holds the lock; 78 invalid \
            config; 130 interrupted (nothing published). With several files, the most serious wins.
            """
    )

    @Argument(help: "Pipeline files.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(help: "Do everything but publish feeds or write state.")
    var dryRun = false

    @Flag(help: "Read every source and write every feed in full, even those unchanged since the last run (the same file, an HTTP 304, an unchanged active set).")
    var reread = false

    @Option(help: "Write the run report as JSON to this file.")
    var report: String?

    @Option(help: "The state store to use instead of the pipeline's own (a SQLite file).")
    var state: String?

    @OptionGroup var output: OutputOptions

    /// How many runs' rejects files are kept per pipeline.
    static let keptRejectFiles = 10

    func run() async throws {
        output.bootstrapLogging()
        let logger = Logger(label: "syndicate")
        let loader = PipelineLoader(registry: CLIRegistry.current, logger: logger)
        var worst = ExitStatus.ok
        var reports: [RunReport] = []
        for file in files {
            let pipeline: Pipeline
            do {
                pipeline = try loader.load(file: file)
            } catch {
                for d in error.diagnostics { printError(d.description) }
                worst = Self.moreSerious(worst, ExitStatus.invalidConfig)
                continue
            }
            let result = await runInterruptibly(pipeline, logger: logger)
            reports.append(result)
            describe(result, pipeline: pipeline)
            worst = Self.moreSerious(worst, result.exitCode)
            if result.exitCode == ExitStatus.interrupted { break }
        }
        if let report { writeReports(reports, to: report) }
        if worst != ExitStatus.ok { throw ExitCode(worst) }
    }

    /// Runs with SIGINT and SIGTERM cancelling the run (nothing is published); a second signal
    /// exits at once. The handlers are in place before the run starts, so no signal is missed.
    private func runInterruptibly(_ pipeline: Pipeline, logger: Logger) async -> RunReport {
        let interruption = Interruption()
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { interruption.signalled() }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
        let location: StateLocation
        let store: any StateStore
        do {
            location = try StateLocation(pipeline: pipeline, override: state)
            store = try await location.open(dryRun: dryRun)
        } catch {
            return RunReport.failedBeforeStart(pipeline, failure: "\(error)")
        }
        let progress = Terminal.stderrIsTTY && !output.quiet ? ProgressCounter() : nil
        var options = RunOptions(
            dryRun: dryRun, rejectsFile: dryRun ? nil : rejectsFile(in: location.rejectsDirectory, for: pipeline), progress: progress)
        options.reread = reread
        let task = Task { await PipelineRunner(pipeline: pipeline, store: store, options: options, logger: logger).run() }
        interruption.watch(task)
        let display = progress.map { counter in Task { await ProgressDisplay.show(counter, pipeline: pipeline.name) } }
        let result = await task.value
        await store.close()
        display?.cancel()
        if display != nil { ProgressDisplay.clear() }
        return result
    }

    /// `.syndicate/rejects/<name>-<time>.jsonl` beside the state; older files beyond the last
    /// ten runs are removed.
    private func rejectsFile(in directory: URL, for pipeline: Pipeline) -> URL {
        let stamp = RFC3339.format(Date()).replacingOccurrences(of: ":", with: "")
        let prefix = "\(pipeline.name)-"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let old = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".jsonl") }.sorted()
            for name in old.dropLast(Self.keptRejectFiles - 1) {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
        return directory.appendingPathComponent("\(prefix)\(stamp)-\(ProcessInfo.processInfo.processIdentifier).jsonl")
    }

    /// Cron etiquette: failures to stderr always; a summary on stdout only with a terminal or
    /// `--verbose`.
    private func describe(_ report: RunReport, pipeline: Pipeline) {
        for source in report.sources where source.status == "failed" {
            printError("syndicate: \(pipeline.file): source '\(source.name)': \(source.error ?? "failed")")
        }
        for sink in report.sinks where sink.status == "failed" {
            printError("syndicate: \(pipeline.file): sink '\(sink.name)': \(sink.error ?? "failed")")
        }
        let read = report.sources.reduce(0) { $0 + $1.sent }
        let published = report.sinks.map { "\($0.path) (\($0.written)\($0.unchanged == true ? ", unchanged" : ""))" }.joined(separator: ", ")
        let rejects = report.rejects == 0 ? "" : "; \(report.rejects) rejected (\(report.rejectsFile ?? "see the report"))"
        let failed = report.sources.filter { $0.status == "failed" }.count
        let merged = report.stages.reduce(0) { $0 + ($1.counts?["total"] ?? 0) }
        let duplicates = merged == 0 ? "" : "; \(merged) duplicate\(merged == 1 ? "" : "s") merged"
        let notModified = report.sources.filter { $0.status == "not-modified" }.count
        let unchanged = notModified == 0 ? "" : " (\(notModified) unchanged since the last run, not read)"
        switch report.status {
        case .ok:
            if output.printsSummary {
                let verb = report.dryRun ? "would publish" : "published"
                print("\(pipeline.name): \(read) postings from \(report.sources.count) source\(report.sources.count == 1 ? "" : "s")\(unchanged)\(rejects)\(duplicates); \(verb) \(published.isEmpty ? "nothing" : published) in \(String(format: "%.2f", report.durationSeconds))s")
            }
        case .partial:
            let failedSinks = report.sinks.filter { $0.status == "failed" }.count
            var what: [String] = []
            if failed > 0 { what.append("\(failed) of \(report.sources.count) sources failed") }
            if failedSinks > 0 { what.append("\(failedSinks) of \(report.sinks.count) sinks failed") }
            let ok = report.sinks.filter { $0.status == "ok" }.map { "\($0.path) (\($0.written))" }.joined(separator: ", ")
            printError("syndicate: \(pipeline.file): partial: \(what.joined(separator: "; ")); published \(ok.isEmpty ? "nothing" : ok)\(rejects)")
        case .failed, .interrupted, .locked:
            printError("syndicate: \(pipeline.file): \(report.failure ?? "failed")")
        }
        if output.verbose {
            for warning in report.firstWarnings { printError("syndicate: warning: \(warning)") }
            for sink in report.sinks where sink.leftOut > 0 {
                printError("syndicate: sink '\(sink.name)': left out \(sink.leftOut) posting\(sink.leftOut == 1 ? "" : "s") its format cannot carry, e.g. \(sink.leftOutReasons?.first ?? "see the report")")
            }
        }
    }

    private func writeReports(_ reports: [RunReport], to path: String) {
        do {
            let data: Data
            if reports.count == 1, let only = reports.first {
                data = try only.jsonData()
            } else {
                let items = try reports.map { try JSONSerialization.jsonObject(with: $0.jsonData()) }
                data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            }
            let file = try AtomicFile(target: URL(fileURLWithPath: path))
            try file.write([UInt8](data) + [0x0A])
            try file.commit()
        } catch {
            printError("syndicate: error: cannot write the report to \(path): \(error)")
        }
    }

    /// The more serious of two exit codes: interrupted, invalid config, failed, locked, partial, ok.
    static func moreSerious(_ a: Int32, _ b: Int32) -> Int32 {
        let order: [Int32] = [ExitStatus.ok, ExitStatus.partial, ExitStatus.locked, ExitStatus.failed, ExitStatus.invalidConfig, ExitStatus.interrupted]
        let rank = { (code: Int32) in order.firstIndex(of: code) ?? order.count }
        return rank(a) >= rank(b) ? a : b
    }
}

/// What SIGINT and SIGTERM do to a run: the first cancels it (or, arriving before the run has
/// started, cancels it as soon as it does); a second exits at once.
final class Interruption: Sendable {
    private struct State {
        var signals = 0
        var task: Task<RunReport, Never>?
    }

    private let state = Mutex(State())

    func signalled() {
        let (count, task) = state.withLock { s -> (Int, Task<RunReport, Never>?) in
            s.signals += 1
            return (s.signals, s.task)
        }
        if count > 1 { _exit(ExitStatus.interrupted) }
        printError("syndicate: interrupted; stopping without publishing (signal again to exit at once)")
        task?.cancel()
    }

    func watch(_ task: Task<RunReport, Never>) {
        let early = state.withLock { s -> Bool in
            s.task = task
            return s.signals > 0
        }
        if early { task.cancel() }
    }
}
