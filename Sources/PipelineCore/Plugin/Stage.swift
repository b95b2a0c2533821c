import Foundation
import Logging

/// A stage transforms the run's postings batch by batch. A stage may keep state for the whole
/// run (dedupe holds postings back until `finish`), so one instance serves exactly one run.
///
/// ```swift
/// struct UppercaseStage: Stage {
///     static let type = "uppercase"
///     static let summary = "Upper-cases titles"
///     init(options: NoOptions, context: StageContext) throws {}
///     func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
///         batch.map { var p = $0; p.title = p.title?.uppercased(); return p }
///     }
/// }
/// ```
public protocol Stage: Sendable {
    /// The stage's options.
    associatedtype Options: PluginOptions
    /// The `type:` name in pipeline files.
    static var type: String { get }
    /// One line for `syndicate plugins`.
    static var summary: String { get }
    /// Creates the stage from its decoded options; throw `ConfigValueError` for bad values.
    init(options: Options, context: StageContext) throws
    /// Transforms one batch; postings may be changed, dropped or added. Throwing fails the run.
    func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting]
    /// The same on a batch the runner hands over for the stage to change in place (the runner
    /// calls this one). By default `process(_:run:)` replaces it; a stage that reads every
    /// posting implements it to read them without copying (see `ConcurrentParts.map(inPlace:_:)`).
    func process(_ batch: inout [JobPosting], run: RunContext) async throws
    /// Called once after the last batch; returns postings held back until then.
    func finish(run: RunContext) async throws -> [JobPosting]
    /// Figures of the stage's own for the run report (dedupe's duplicates per rule), read after
    /// `finish`.
    var counters: [String: Int] { get }
    /// Whether each posting is processed on its own, so that the runner may split a batch and
    /// process the parts at once on several cores (the output keeps the parts' order).
    var processesPostingsIndependently: Bool { get }
}

extension Stage {
    /// The batch through `process(_:run:)` by default.
    public func process(_ batch: inout [JobPosting], run: RunContext) async throws {
        batch = try await process(batch, run: run)
    }

    /// Stages hold nothing back by default.
    public func finish(run: RunContext) async throws -> [JobPosting] { [] }
    /// Stages have no figures of their own by default.
    public var counters: [String: Int] { [:] }
    /// A stage may keep state across postings (dedupe) unless it says otherwise.
    public var processesPostingsIndependently: Bool { false }
}

/// A stage that changes or drops each posting on its own. The runner changes a batch in place,
/// spread over the cores, instead of copying it into parts and the parts' results back into one
/// batch: normalize and enrich touch every posting of a run, and the copies (a posting is two
/// dozen reference-counted fields) cost as much as some of their work.
///
/// ```swift
/// struct UppercaseStage: PostingStage {
///     static let type = "uppercase"
///     static let summary = "Upper-cases titles"
///     init(options: NoOptions, context: StageContext) throws {}
///     func process(_ posting: inout JobPosting, run: RunContext) -> Bool {
///         posting.title = posting.title?.uppercased()
///         return true
///     }
/// }
/// ```
public protocol PostingStage: Stage {
    /// Changes `posting` in place; false drops it. Called for several postings at once.
    func process(_ posting: inout JobPosting, run: RunContext) -> Bool
}

extension PostingStage {
    /// Each posting on its own, by definition.
    public var processesPostingsIndependently: Bool { true }

    /// The batch through `process(_:run:)`, in place where it is not shared.
    public func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
        var postings = batch
        await ConcurrentParts.update(&postings) { process(&$0, run: run) }
        return postings
    }
}

/// What a stage knows about its place in the pipeline.
public struct StageContext: Sendable {
    /// `stages[N] (type)`, for messages.
    public let label: String
    /// The pipeline file's directory.
    public let baseDirectory: URL
    /// The logger.
    public let logger: Logger

    /// Creates a context.
    public init(label: String, baseDirectory: URL, logger: Logger) {
        self.label = label
        self.baseDirectory = baseDirectory
        self.logger = logger
    }
}
