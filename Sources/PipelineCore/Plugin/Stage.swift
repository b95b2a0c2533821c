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
    /// Stages hold nothing back by default.
    public func finish(run: RunContext) async throws -> [JobPosting] { [] }
    /// Stages have no figures of their own by default.
    public var counters: [String: Int] { [:] }
    /// A stage may keep state across postings (dedupe) unless it says otherwise.
    public var processesPostingsIndependently: Bool { false }
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
