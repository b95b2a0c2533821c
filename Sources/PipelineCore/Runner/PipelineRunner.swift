import AsyncAlgorithms
import Foundation
import Logging
import Synchronization

/// Options of one run.
public struct RunOptions: Sendable {
    /// Do everything but publish.
    public var dryRun = false
    /// Postings per batch between a source and the stages.
    public var batchSize = 512
    /// Where the run's rejects go; nil keeps only the first ones, in the report.
    public var rejectsFile: URL?

    /// Default options.
    public init(dryRun: Bool = false, batchSize: Int = 512, rejectsFile: URL? = nil) {
        self.dryRun = dryRun
        self.batchSize = batchSize
        self.rejectsFile = rejectsFile
    }
}

/// Runs a loaded pipeline once: every source concurrently, each streamed in batches through the
/// stages; then every sink writes its feed beside its target, and only when all have succeeded
/// are the feeds renamed into place. A source that fails fails alone; a stage or sink that fails
/// fails the run and publishes nothing.
///
/// ```swift
/// let report = await PipelineRunner(pipeline: pipeline, options: RunOptions()).run()
/// exit(report.exitCode)
/// ```
public struct PipelineRunner: Sendable {
    /// The pipeline.
    public let pipeline: Pipeline
    /// The run's options.
    public let options: RunOptions
    /// Where messages go.
    public let logger: Logger

    /// Creates a runner.
    public init(pipeline: Pipeline, options: RunOptions = RunOptions(), logger: Logger = Logger(label: "syndicate")) {
        self.pipeline = pipeline
        self.options = options
        self.logger = logger
    }

    struct Batch: Sendable {
        let postings: [JobPosting]
    }

    struct SourceOutcome: Sendable {
        var error: String?
        var sent = 0
        var rejected = 0
        var duration: Double = 0
        var cancelled = false
    }

    /// Runs the pipeline; never throws: what went wrong is in the report and its exit code.
    public func run() async -> RunReport {
        let started = Date()
        let context = RunContext(logger: logger, rejectsFile: options.rejectsFile, startedAt: started)
        var stageReports = pipeline.stages.map { RunReport.StageReport(type: $0.type, received: 0, sent: 0, durationSeconds: 0) }
        let channel = AsyncChannel<Batch>()
        let outcomes = OutcomeBox(count: pipeline.sources.count)

        // Sources produce into the channel concurrently; this task consumes it through the stages.
        let producers = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, spec) in pipeline.sources.enumerated() {
                    group.addTask {
                        let outcome = await readSource(spec, context: context, channel: channel)
                        outcomes.set(index, outcome)
                    }
                }
            }
            channel.finish()
        }

        var collected: [JobPosting] = []
        var stageFailure: String?
        do {
            for await batch in channel {
                let out = try await applyStages(batch.postings, from: 0, context: context, reports: &stageReports)
                collected.append(contentsOf: out)
            }
            try Task.checkCancellation()
            // Stages that held postings back release them now, through the stages after them.
            for index in pipeline.stages.indices {
                let clock = ContinuousClock.now
                let held = try await pipeline.stages[index].stage.finish(run: context)
                stageReports[index].sent += held.count
                stageReports[index].durationSeconds += seconds(since: clock)
                collected.append(contentsOf: try await applyStages(held, from: index + 1, context: context, reports: &stageReports))
            }
        } catch is CancellationError {
            stageFailure = nil
        } catch {
            stageFailure = "\(error)"
        }
        if stageFailure != nil || Task.isCancelled {
            producers.cancel()
            // Drain so that blocked producers can finish.
            for await _ in channel {}
        }
        await producers.value

        let results = outcomes.all
        var sourceReports: [RunReport.SourceReport] = []
        var failedSources = Set<String>()
        let warningCounts = context.warningCounts.bySource
        for (index, spec) in pipeline.sources.enumerated() {
            let outcome = results[index]
            if outcome.error != nil { failedSources.insert(spec.name) }
            sourceReports.append(RunReport.SourceReport(
                name: spec.name, type: spec.type, status: outcome.error == nil ? "ok" : "failed", error: outcome.error,
                sent: outcome.sent, rejected: outcome.rejected, warnings: warningCounts[spec.name] ?? 0,
                durationSeconds: outcome.duration))
        }

        var report = RunReport(
            pipeline: pipeline.name, file: pipeline.file, status: .ok, exitCode: ExitStatus.ok, dryRun: options.dryRun,
            startedAt: RFC3339.format(started), finishedAt: "", durationSeconds: 0,
            sources: sourceReports, stages: stageReports, sinks: [], rejects: 0, rejectsFile: nil,
            warnings: 0, firstWarnings: [], failure: nil)

        if Task.isCancelled {
            report.status = .interrupted
            report.exitCode = ExitStatus.interrupted
            report.failure = "interrupted; nothing was published"
        } else if let stageFailure {
            report.status = .failed
            report.exitCode = ExitStatus.failed
            report.failure = "a stage failed: \(stageFailure); nothing was published"
        } else if !pipeline.sources.isEmpty, failedSources.count == pipeline.sources.count {
            report.status = .failed
            report.exitCode = ExitStatus.failed
            report.failure = "every source failed; nothing was published"
        } else {
            // Postings of a failed source are not published: its read may be partial.
            let publishable = failedSources.isEmpty ? collected : collected.filter { !failedSources.contains($0.source ?? "") }
            collected = []
            let (sinkReports, sinkFailure) = publish(publishable)
            report.sinks = sinkReports
            if let sinkFailure {
                report.status = .failed
                report.exitCode = ExitStatus.failed
                report.failure = sinkFailure
            } else if !failedSources.isEmpty {
                report.status = .partial
                report.exitCode = ExitStatus.partial
            }
        }

        let rejects = context.rejectCounts
        report.rejects = rejects.total
        report.rejectsFile = context.closeRejects()?.path
        let warnings = context.warningCounts
        report.warnings = warnings.total
        report.firstWarnings = context.kept.warnings
        let finished = Date()
        report.finishedAt = RFC3339.format(finished)
        report.durationSeconds = finished.timeIntervalSince(started)
        return report
    }

    private func readSource(_ spec: Pipeline.SourceSpec, context: RunContext, channel: AsyncChannel<Batch>) async -> SourceOutcome {
        let clock = ContinuousClock.now
        let output = SourceOutput(
            sourceName: spec.name, run: context, defaults: spec.settings.defaults?.items ?? [], batchSize: options.batchSize,
            send: { postings in await channel.send(Batch(postings: postings)) })
        var outcome = SourceOutcome()
        do {
            try await spec.source.read(into: output)
            try await output.flush()
        } catch is CancellationError {
            outcome.error = "interrupted"
            outcome.cancelled = true
        } catch {
            // Reported once, by whoever reads the report (the CLI prints one line per source).
            outcome.error = Self.describe(error)
            logger.debug("source '\(spec.name)' failed: \(outcome.error ?? "")")
        }
        outcome.sent = output.emitted
        outcome.rejected = output.rejected
        outcome.duration = seconds(since: clock)
        return outcome
    }

    private func applyStages(
        _ input: [JobPosting], from first: Int, context: RunContext, reports: inout [RunReport.StageReport]
    ) async throws -> [JobPosting] {
        var postings = input
        var index = first
        while index < pipeline.stages.count, !postings.isEmpty {
            let clock = ContinuousClock.now
            reports[index].received += postings.count
            postings = try await pipeline.stages[index].stage.process(postings, run: context)
            reports[index].sent += postings.count
            reports[index].durationSeconds += seconds(since: clock)
            index += 1
        }
        return postings
    }

    /// Writes every sink's feed beside its target; renames all into place only if all succeeded
    /// (and the run is not a dry run). Returns the reports and, if any failed, why.
    private func publish(_ postings: [JobPosting]) -> ([RunReport.SinkReport], String?) {
        var reports: [RunReport.SinkReport] = []
        var files: [AtomicFile] = []
        var failure: String?
        for spec in pipeline.sinks {
            let clock = ContinuousClock.now
            var report = RunReport.SinkReport(
                name: spec.name, type: spec.type, path: spec.settings.path.text, status: "ok", error: nil,
                received: postings.count, written: 0, bytes: 0, durationSeconds: 0)
            do {
                let selected = Self.select(postings, settings: spec.settings)
                let file = try AtomicFile(target: spec.settings.path.url)
                files.append(file)
                let out = FeedOutput(file: file)
                var writer = spec.sink.makeWriter()
                try writer.begin(out)
                for posting in selected {
                    try writer.write(posting, to: out)
                }
                try writer.end(out)
                try out.flush()
                report.written = selected.count
                report.bytes = out.bytesWritten
            } catch {
                report.status = "failed"
                report.error = Self.describe(error)
                failure = failure ?? "sink '\(spec.name)' failed: \(Self.describe(error)); nothing was published"
            }
            report.durationSeconds = seconds(since: clock)
            reports.append(report)
        }
        if failure != nil || options.dryRun {
            for file in files { file.discard() }
            if options.dryRun, failure == nil {
                for i in reports.indices { reports[i].status = "dry-run" }
            }
            return (reports, failure)
        }
        for (index, file) in files.enumerated() {
            do {
                try file.commit()
            } catch {
                reports[index].status = "failed"
                reports[index].error = Self.describe(error)
                failure = failure ?? "sink '\(reports[index].name)' could not be published: \(Self.describe(error))"
            }
        }
        return (reports, failure)
    }

    /// A sink's `where:`, `sort:` and `limit:` applied to the postings. With a limit, only the
    /// first `limit` are kept while selecting, so memory follows the limit, not the input.
    static func select(_ postings: [JobPosting], settings: SinkSettings) -> [JobPosting] {
        let order = settings.sort ?? .default
        var selected = settings.where.map { w in postings.filter { w.matches($0) } } ?? postings
        selected.sort(by: order.areInOrder)
        if let limit = settings.limit, selected.count > limit {
            selected.removeSubrange(limit...)
        }
        return selected
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? SourceError { return e.message }
        return String(describing: error)
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// The outcomes of the source tasks, written once each from their own task.
final class OutcomeBox: Sendable {
    private let values: Mutex<[PipelineRunner.SourceOutcome]>

    init(count: Int) {
        values = Mutex(Array(repeating: PipelineRunner.SourceOutcome(), count: count))
    }

    func set(_ index: Int, _ outcome: PipelineRunner.SourceOutcome) {
        values.withLock { $0[index] = outcome }
    }

    var all: [PipelineRunner.SourceOutcome] { values.withLock { $0 } }
}
