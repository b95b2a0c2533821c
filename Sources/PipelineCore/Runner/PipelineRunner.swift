import AsyncAlgorithms
import Foundation
import Logging
import Synchronization

/// Options of one run.
public struct RunOptions: Sendable {
    /// Do everything but publish or change the state.
    public var dryRun = false
    /// Postings per batch between a source and the stages.
    public var batchSize = 512
    /// Where the run's rejects go; nil keeps only the first ones, in the report.
    public var rejectsFile: URL?
    /// The time the run judges `valid_through` against; now when nil (tests set it).
    public var now: Date?
    /// Counts postings as sources read them, for a progress display.
    public var progress: ProgressCounter?
    /// Read every source and write every feed in full, even those unchanged since the last run.
    public var reread = false

    /// Default options.
    public init(dryRun: Bool = false, batchSize: Int = 512, rejectsFile: URL? = nil, now: Date? = nil, progress: ProgressCounter? = nil) {
        self.dryRun = dryRun
        self.batchSize = batchSize
        self.rejectsFile = rejectsFile
        self.now = now
        self.progress = progress
    }
}

/// Runs a loaded pipeline once against its state store.
///
/// It takes the pipeline's lock; streams every source concurrently, batch by batch, through the
/// stages into the store's staging area (so memory follows the batch size, not the feeds); then
/// applies the run in one transaction — the successful sources' postings merged, what they no
/// longer list expired, failed sources left as they were — and writes every sink's feed from the
/// new active set beside its target. Only when every sink has written is the transaction
/// committed and are the feeds renamed into place: a failure anywhere leaves the previous feeds
/// and state as they were.
///
/// ```swift
/// let report = await PipelineRunner(pipeline: pipeline, store: store).run()
/// exit(report.exitCode)
/// ```
public struct PipelineRunner: Sendable {
    /// The pipeline.
    public let pipeline: Pipeline
    /// Where the pipeline's state lives.
    public let store: any StateStore
    /// The run's options.
    public let options: RunOptions
    /// Where messages go.
    public let logger: Logger

    /// Creates a runner.
    public init(pipeline: Pipeline, store: any StateStore, options: RunOptions = RunOptions(), logger: Logger = Logger(label: "syndicate")) {
        self.pipeline = pipeline
        self.store = store
        self.options = options
        self.logger = logger
    }

    struct SourceOutcome: Sendable {
        var result: SourceResult = .failed("did not run")
        var etag: String?
        var lastModified: String?
        var sent = 0
        var rejected = 0
        var duration: Double = 0
    }

    /// Runs the pipeline; never throws: what went wrong is in the report and its exit code.
    public func run() async -> RunReport {
        let started = Date()
        var report = RunReport(
            pipeline: pipeline.name, file: pipeline.file, status: .ok, exitCode: ExitStatus.ok, dryRun: options.dryRun,
            startedAt: RFC3339.format(started), finishedAt: "", durationSeconds: 0,
            sources: [], stages: [], sinks: [], rejects: 0, rejectsFile: nil, warnings: 0, firstWarnings: [], failure: nil)
        let lock: any RunLock
        do {
            lock = try await store.lock(pipeline: pipeline.name)
        } catch let error as StateStoreError {
            if case .locked = error {
                return finish(&report, status: .locked, code: ExitStatus.locked, failure: error.description)
            }
            return finish(&report, status: .failed, code: ExitStatus.failed, failure: "state store: \(error)")
        } catch {
            return finish(&report, status: .failed, code: ExitStatus.failed, failure: "state store: \(error)")
        }
        await execute(&report, started: started)
        await lock.release()
        return report
    }

    private func execute(_ report: inout RunReport, started: Date) async {
        let runID = "\(RFC3339.format(started))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let states: [String: SourceState]
        let sinkStates: [String: SinkState]
        do {
            states = try await store.sourceStates(pipeline: pipeline.name)
            sinkStates = try await store.sinkStates(pipeline: pipeline.name)
            try await store.beginRun(pipeline: pipeline.name, runID: runID)
        } catch {
            _ = finish(&report, status: .failed, code: ExitStatus.failed, failure: "state store: \(error)")
            return
        }
        let context = RunContext(
            logger: logger, rejectsFile: options.rejectsFile, startedAt: started,
            earlierPostings: StoreEarlierPostings(store: store, pipeline: pipeline.name), sourceNames: pipeline.sources.map(\.name))
        var stageReports = pipeline.stages.map { RunReport.StageReport(type: $0.type, received: 0, sent: 0, durationSeconds: 0) }
        let channel = AsyncChannel<[JobPosting]>()
        let outcomes = OutcomeBox(count: pipeline.sources.count)

        // Sources produce into the channel concurrently; this task consumes it through the stages.
        let producers = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, spec) in pipeline.sources.enumerated() {
                    group.addTask {
                        outcomes.set(index, await readSource(spec, context: context, validators: validators(states[spec.name]), channel: channel))
                    }
                }
            }
            channel.finish()
        }

        var runFailure: String?
        // A batch is staged while the next goes through the stages (staging is one core's work
        // in the store, the stages use every core); batches are staged one at a time, in order.
        var staging: Task<Void, any Error>?
        do {
            // A few batches of slack, so that a slow batch on either side does not stall the other.
            for await batch in channel.buffer(policy: .bounded(4)) {
                let out = try await applyStages(consume batch, from: 0, context: context, reports: &stageReports)
                try await staging?.value
                // Handed over whole, so that the store holds the batch alone and reads its
                // postings in place (a captured batch can only be lent, and read, as a copy).
                let handoff = BatchHandoff(consume out)
                staging = Task { [store, name = pipeline.name] in try await store.stage(handoff.take(), pipeline: name, runID: runID) }
            }
            try await staging?.value
            staging = nil
            try Task.checkCancellation()
            // Stages that held postings back release them now, through the stages after them.
            // What dedupe finds is merged in the store, where every staged record is, as it is
            // found (its time counts as the stage's). Every source has ended by now: what a
            // failed one staged is not merged into anything, so that its failure cannot take
            // another source's posting.
            let failed = Set(pipeline.sources.indices.compactMap { i -> String? in
                if case .failed = outcomes.all[i].result { return pipeline.sources[i].name }
                return nil
            })
            context.attachMerger { [store, name = pipeline.name] requests in
                try await store.merge(requests, pipeline: name, failedSources: failed)
            }
            for index in pipeline.stages.indices {
                let clock = ContinuousClock.now
                let held = try await pipeline.stages[index].stage.finish(run: context)
                stageReports[index].sent += held.count
                stageReports[index].durationSeconds += seconds(since: clock)
                let out = try await applyStages(consume held, from: index + 1, context: context, reports: &stageReports)
                try await store.stage(consume out, pipeline: pipeline.name, runID: runID)
                let counters = pipeline.stages[index].stage.counters
                if !counters.isEmpty { stageReports[index].counts = counters }
            }
        } catch is CancellationError {
            _ = try? await staging?.value
        } catch {
            // Nothing may still be staging when the run is wound up.
            _ = try? await staging?.value
            // The state store fails a run too (its database went away): say which failed.
            runFailure = error is StateStoreError ? "state store: \(Self.describe(error))" : "a stage failed: \(Self.describe(error))"
        }
        if runFailure != nil || Task.isCancelled {
            producers.cancel()
            for await _ in channel {}
        }
        await producers.value

        let results = outcomes.all
        let warningCounts = context.warningCounts.bySource
        report.stages = stageReports
        report.sources = pipeline.sources.enumerated().map { index, spec in
            let outcome = results[index]
            var status = "ok", error: String?
            switch outcome.result {
            case .complete: break
            case .notModified: status = "not-modified"
            case .failed(let message):
                status = "failed"
                error = message
            }
            return RunReport.SourceReport(
                name: spec.name, type: spec.type, status: status, error: error, sent: outcome.sent, rejected: outcome.rejected,
                warnings: warningCounts[spec.name] ?? 0, durationSeconds: outcome.duration)
        }
        let failedSources = report.sources.filter { $0.status == "failed" }.count
        var plan = RunPlan(
            pipeline: pipeline.name, runID: runID, startedAt: started, now: options.now ?? Date(),
            sources: pipeline.sources.enumerated().map { index, spec in
                RunPlan.Source(
                    name: spec.name, result: results[index].result, etag: results[index].etag, lastModified: results[index].lastModified,
                    fingerprint: pipeline.fingerprint.isEmpty ? nil : pipeline.fingerprint,
                    expireAfterMissing: spec.settings.expireAfterMissing, read: results[index].sent, rejected: results[index].rejected)
            },
            dryRun: options.dryRun)

        collectRejects(into: &report, context)
        if Task.isCancelled {
            _ = finish(&report, status: .interrupted, code: ExitStatus.interrupted, failure: "interrupted; nothing was published")
            return
        }
        if let runFailure {
            await recordFailure(&plan, &report, failure: "\(runFailure); nothing was published")
            return
        }
        if !pipeline.sources.isEmpty, failedSources == pipeline.sources.count {
            await recordFailure(&plan, &report, failure: "every source failed; nothing was published")
            return
        }
        await publish(&plan, &report, partial: failedSources > 0, sinkStates: sinkStates)
    }

    /// Applies the run, writes every sink from the new active set, then commits and renames —
    /// or rolls back and discards on a dry run or a failure.
    private func publish(_ plan: inout RunPlan, _ report: inout RunReport, partial: Bool, sinkStates: [String: SinkState]) async {
        // Each sink's output with the index of its report, so that one left out stays matched.
        var files: [(sink: Int, output: any PublishedOutput)] = []
        // Each sink's feed begun (or its error, or left as it was), in file order.
        var publications: [SinkRun] = []
        var setUp: [Duration] = []
        var begun = false
        /// Begins every sink's feed (its header, with the newest posting's date).
        func beginSinks(newest: Date?, digest: String?) {
            begun = true
            for spec in pipeline.sinks {
                let clock = ContinuousClock.now
                do {
                    if !options.dryRun { AtomicFile.removeStaleTemporaries(of: spec.settings.path.url) }
                    // A feed that would come out as it is stays as it is (`unchangedFeed`).
                    if let previous = unchangedFeed(spec, sinkStates[spec.name], digest: digest) {
                        publications.append(.unchanged(previous))
                        setUp.append(ContinuousClock.now - clock)
                        continue
                    }
                    let settings = spec.settings
                    let staging = options.dryRun ? FileManager.default.temporaryDirectory : nil
                    let metadata = FeedMetadata(title: settings.title ?? pipeline.name, link: settings.link)
                    let out: FeedOutput
                    if let fileExtension = spec.sink.filePerPosting {
                        let folder = try AtomicDirectory(target: settings.path.url, fileExtension: fileExtension, stagingDirectory: staging)
                        files.append((publications.count, folder))
                        out = FeedOutput(directory: folder, metadata: metadata, newest: newest)
                    } else {
                        let file = try AtomicFile(target: settings.path.url, stagingDirectory: staging)
                        files.append((publications.count, file))
                        out = try FeedOutput(
                            file: file, gzip: settings.path.url.pathExtension.lowercased() == "gz", metadata: metadata, newest: newest)
                    }
                    publications.append(.writing(try SinkPublication(spec: spec, writer: spec.sink.makeWriter(), out: out)))
                } catch {
                    publications.append(.failed(error))
                }
                setUp.append(ContinuousClock.now - clock)
            }
        }
        /// The sinks still writing that read the active set in `order`, by index.
        func members(in order: FeedOrder) -> [Int] {
            publications.indices.filter { publications[$0].writing.map { !$0.done && ($0.spec.settings.sort ?? .default) == order } ?? false }
        }

        // Where the store can, the sinks in the default order are fed while the run is applied
        // (a first run's records, as they are copied); they begin with the first posting, the
        // newest. No feed of a first run can be unchanged, so no digest is asked for.
        var early: (fan: SinkFanOut, members: [Int])?
        let transaction: any RunTransaction
        do {
            // Whether the store fed anything shows in `early`: it is set by the first posting.
            (transaction, _) = try await store.applyRun(plan) { stored in
                if !begun {
                    beginSinks(newest: stored.posting.datePosted, digest: nil)
                    let indices = members(in: .default)
                    early = (SinkFanOut(indices.compactMap { publications[$0].writing }), indices)
                }
                return early?.fan.take(stored) ?? false
            }
        } catch {
            early?.fan.finish()
            for file in files { file.output.discard() }
            await recordFailure(&plan, &report, failure: "state store: \(Self.describe(error)); nothing was published")
            return
        }
        // Every posting fed is written before the sinks are looked at again.
        early?.fan.finish()
        for index in report.sources.indices {
            let counts = transaction.counts[report.sources[index].name] ?? SourceCounts()
            report.sources[index].new = counts.new
            report.sources[index].updated = counts.updated
            report.sources[index].unchanged = counts.unchanged
            report.sources[index].expired = counts.expired
            report.sources[index].merged = counts.merged
        }
        report.active = try? await transaction.activeCount()

        var sinksFailedAlone = 0
        var failure: String?
        let digest = options.dryRun || pipeline.fingerprint.isEmpty ? nil : try? await transaction.activeDigest()
        if !begun { beginSinks(newest: try? await transaction.newestDatePosted(), digest: digest) }
        // Sinks in the same order share one pass over the active set; the pass's reading time is
        // shared among them in the report. Those fed during the apply have had theirs.
        var readShare = [Duration](repeating: .zero, count: publications.count)
        var groups: [FeedOrder: [Int]] = [:], orders: [FeedOrder] = []
        for (index, publication) in publications.enumerated() {
            guard let p = publication.writing, !p.done else { continue }
            if early?.members.contains(index) == true { continue }
            let order = p.spec.settings.sort ?? .default
            if groups[order] == nil { orders.append(order) }
            groups[order, default: []].append(index)
        }
        for order in orders {
            let members = (groups[order] ?? []).compactMap { publications[$0].writing }
            let limits = members.map(\.readLimit)
            let readLimit = limits.contains(where: { $0 == nil }) ? nil : limits.compactMap { $0 }.max()
            let clock = ContinuousClock.now
            let ownBefore = members.map(\.elapsed)
            // The store reads while each sink writes on a thread of its own.
            let fan = SinkFanOut(members)
            do {
                try await transaction.forEach(order: order, limit: readLimit) { fan.take($0) }
                fan.finish()
            } catch {
                fan.finish()
                for member in members { member.fail(error) }
            }
            // The sinks wrote side by side: what the pass took beyond the slowest one's own
            // time is the reading, shared among them.
            let own = zip(members, ownBefore).map { $0.elapsed - $1 }.max() ?? .zero
            let share = max(.zero, (ContinuousClock.now - clock) - own) / max(1, members.count)
            for index in groups[order] ?? [] { readShare[index] = share }
        }
        for (index, publication) in publications.enumerated() {
            let spec = pipeline.sinks[index]
            var sinkReport = RunReport.SinkReport(
                name: spec.name, type: spec.type, path: spec.settings.path.text, status: "ok", error: nil,
                received: 0, written: 0, bytes: 0, durationSeconds: 0)
            var failed: (any Error)?
            var time = setUp[index] + readShare[index]
            switch publication {
            case .unchanged(let previous):
                sinkReport.written = previous.written
                sinkReport.bytes = previous.bytes
                sinkReport.unchanged = true
            case .failed(let error):
                failed = error
            case .writing(let p):
                p.end()
                failed = p.error
                time += p.elapsed
                sinkReport.leftOut = p.leftOut
                sinkReport.leftOutReasons = p.reasons.isEmpty ? nil : p.reasons
                sinkReport.received = p.received
                sinkReport.written = p.written
                sinkReport.bytes = p.out.bytesWritten
            }
            if let error = failed {
                sinkReport.status = "failed"
                sinkReport.error = Self.describe(error)
                if spec.sink.failsAlone {
                    // Its own output is dropped; the other feeds are published.
                    for file in files where file.sink == index { file.output.discard() }
                    files.removeAll { $0.sink == index }
                    sinksFailedAlone += 1
                } else {
                    failure = failure ?? "sink '\(spec.name)' failed: \(Self.describe(error)); nothing was published"
                }
            }
            sinkReport.durationSeconds = seconds(time)
            report.sinks.append(sinkReport)
        }

        let partial = partial || sinksFailedAlone > 0
        if failure != nil || options.dryRun {
            await transaction.rollback()
            for file in files { file.output.discard() }
            if let failure {
                await recordFailure(&plan, &report, failure: failure)
            } else {
                for i in report.sinks.indices where report.sinks[i].status == "ok" { report.sinks[i].status = "dry-run" }
                _ = finish(&report, status: partial ? .partial : .ok, code: partial ? ExitStatus.partial : ExitStatus.ok, failure: nil)
            }
            return
        }
        _ = finish(&report, status: partial ? .partial : .ok, code: partial ? ExitStatus.partial : ExitStatus.ok, failure: nil)
        do {
            if let digest { try await transaction.recordSinks(written(files, report: report, digest: digest)) }
            try await transaction.commit(exitCode: report.exitCode, reportJSON: report.jsonText)
        } catch {
            for file in files { file.output.discard() }
            _ = finish(&report, status: .failed, code: ExitStatus.failed, failure: "state store: cannot commit the run: \(Self.describe(error)); nothing was published")
            return
        }
        // The state is committed; renaming makes the feeds match it. A rename that fails leaves
        // that feed at its previous version until the next run republishes the active set.
        for (index, file) in files {
            do {
                try file.commit()
            } catch {
                report.sinks[index].status = "failed"
                report.sinks[index].error = Self.describe(error)
                _ = finish(&report, status: .failed, code: ExitStatus.failed, failure: "sink '\(report.sinks[index].name)' could not be published: \(Self.describe(error))")
            }
        }
    }

    /// The state of a sink's feed when it would come out as it is: the same pipeline and active
    /// set as when it was written, and the file at its target untouched since (see `SinkState`).
    private func unchangedFeed(_ spec: Pipeline.SinkSpec, _ previous: SinkState?, digest: String?) -> SinkState? {
        guard !options.reread, let digest, spec.sink.filePerPosting == nil, let previous,
              previous.fingerprint == pipeline.fingerprint, previous.activeDigest == digest,
              FileValidator.of(path: spec.settings.path.url.path) == previous.file
        else { return nil }
        return previous
    }

    /// What each feed this run wrote will be once renamed into place, for the next run to know it.
    private func written(_ files: [(sink: Int, output: any PublishedOutput)], report: RunReport, digest: String) throws -> [String: SinkState] {
        var states: [String: SinkState] = [:]
        for (index, output) in files {
            guard let file = output as? AtomicFile, let validator = try file.validator() else { continue }
            let sink = report.sinks[index]
            states[sink.name] = SinkState(fingerprint: pipeline.fingerprint, activeDigest: digest, file: validator, written: sink.written, bytes: sink.bytes)
        }
        return states
    }

    /// Ends a run that publishes nothing, recording it (unless dry) so `status` shows it.
    private func recordFailure(_ plan: inout RunPlan, _ report: inout RunReport, failure: String) async {
        _ = finish(&report, status: .failed, code: ExitStatus.failed, failure: failure)
        guard !options.dryRun else { return }
        // Nothing this run read was applied: its validators must not let the next run skip
        // what it would have to read again (a 304, or the same file).
        for index in plan.sources.indices {
            plan.sources[index].etag = nil
            plan.sources[index].lastModified = nil
            plan.sources[index].fingerprint = nil
        }
        plan.exitCode = report.exitCode
        plan.reportJSON = report.jsonText
        do {
            try await store.recordFailedRun(plan)
        } catch {
            logger.warning("could not record the failed run in the state store: \(Self.describe(error))")
        }
    }

    private func collectRejects(into report: inout RunReport, _ context: RunContext) {
        report.rejects = context.rejectCounts.total
        report.rejectsFile = context.closeRejects()?.path
        report.warnings = context.warningCounts.total
        report.firstWarnings = context.kept.warnings
    }

    @discardableResult
    private func finish(_ report: inout RunReport, status: RunReport.Status, code: Int32, failure: String?) -> RunReport {
        report.status = status
        report.exitCode = code
        report.failure = failure
        let finished = Date()
        report.finishedAt = RFC3339.format(finished)
        report.durationSeconds = (RFC3339.parse(report.startedAt).map { finished.timeIntervalSince($0) }) ?? 0
        return report
    }

    /// The validators a source's read may use: those of its last success, if the pipeline still
    /// reads it the same way (the same fingerprint) and the run was not asked to read it all.
    private func validators(_ state: SourceState?) -> SourceState? {
        guard var state, !options.reread else { return nil }
        if (state.fingerprint ?? "") != pipeline.fingerprint {
            state.etag = nil
            state.lastModified = nil
        }
        return state
    }

    private func readSource(_ spec: Pipeline.SourceSpec, context: RunContext, validators: SourceState?, channel: AsyncChannel<[JobPosting]>) async -> SourceOutcome {
        let clock = ContinuousClock.now
        let output = SourceOutput(
            sourceName: spec.name, run: context, defaults: spec.settings.defaults?.items ?? [], batchSize: options.batchSize,
            input: spec.input, validators: validators,
            send: { [progress = options.progress, name = spec.name] postings in
                progress?.add(postings.count, for: name)
                await channel.send(postings)
            })
        var outcome = SourceOutcome()
        do {
            try await spec.source.read(into: output)
            try await output.flush()
            outcome.result = .complete
        } catch let notModified as HTTPFetcher.NotModified {
            outcome.result = .notModified
            outcome.etag = notModified.etag
            outcome.lastModified = notModified.lastModified
        } catch is CancellationError {
            outcome.result = .failed("interrupted")
        } catch {
            // Reported once, by whoever reads the report (the CLI prints one line per source).
            outcome.result = .failed(Self.describe(error))
            logger.debug("source '\(spec.name)' failed: \(Self.describe(error))")
        }
        if case .complete = outcome.result {
            outcome.etag = output.etag
            outcome.lastModified = output.lastModified
        }
        outcome.sent = output.emitted
        outcome.rejected = output.rejected
        outcome.duration = seconds(since: clock)
        return outcome
    }

    private func applyStages(
        _ input: consuming [JobPosting], from first: Int, context: RunContext, reports: inout [RunReport.StageReport]
    ) async throws -> [JobPosting] {
        var postings = input
        var index = first
        while index < pipeline.stages.count, !postings.isEmpty {
            let clock = ContinuousClock.now
            reports[index].received += postings.count
            postings = try await process(consume postings, with: pipeline.stages[index].stage, context: context)
            reports[index].sent += postings.count
            reports[index].durationSeconds += seconds(since: clock)
            index += 1
        }
        return postings
    }

    /// Runs one stage over a batch; a stage that processes postings independently gets the
    /// batch in parts, one per core, at once (normalize and enrich are most of a run's work and
    /// would otherwise use one core of the machine).
    private func process(_ postings: consuming [JobPosting], with stage: any Stage, context: RunContext) async throws -> [JobPosting] {
        if let stage = stage as? any PostingStage {
            // The batch is this call's own: changed in place, no posting copied.
            var batch = postings
            await ConcurrentParts.update(&batch) { stage.process(&$0, run: context) }
            return batch
        }
        guard stage.processesPostingsIndependently else {
            // The batch is this call's own here too: the stage may read or change it in place.
            var batch = postings
            try await stage.process(&batch, run: context)
            return batch
        }
        return try await ConcurrentParts.map(postings) { part in try await stage.process(Array(part), run: context) }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? SourceError { return e.message }
        return String(describing: error)
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(ContinuousClock.now - start)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension RunReport {
    /// The report as compact JSON text, for the run history.
    var jsonText: String? {
        (try? jsonData()).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// What becomes of one sink's feed in a run.
private enum SinkRun {
    /// Being written.
    case writing(SinkPublication)
    /// Could not be begun.
    case failed(any Error)
    /// Left as it was: nothing it shows changed (the state it was written with).
    case unchanged(SinkState)

    var writing: SinkPublication? {
        if case .writing(let publication) = self { return publication }
        return nil
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

