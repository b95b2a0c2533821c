import Foundation
import Logging
import Synchronization

/// What every plugin shares during one run: the rejects, the warnings and the logger. Safe to use
/// from every source task at once.
///
/// ```swift
/// run.reject(source: "acme", position: "line 12", reason: "missing title", raw: line)
/// ```
public final class RunContext: Sendable {
    /// The logger of the run.
    public let logger: Logger
    /// When the run started.
    public let startedAt: Date
    /// The postings earlier runs left active, for stages that compare with them (dedupe); nil
    /// when the run has no state to compare with.
    public let earlierPostings: (any EarlierPostings)?
    /// The pipeline's source names in the file's order, for stages that break ties by it.
    public let sourceNames: [String]
    private let state: Mutex<State>
    private let rejectsFile: URL?

    /// How many warnings the report keeps word for word; the rest are counted.
    public static let keptWarnings = 200
    /// How many rejects the report keeps word for word when they are not written to a file.
    public static let keptRejects = 200

    struct State {
        var rejects = 0
        var rejectsBySource: [String: Int] = [:]
        var keptRejects: [Reject] = []
        var warnings = 0
        var warningsBySource: [String: Int] = [:]
        var keptWarnings: [String] = []
        var rejectsHandle: FileHandle?
        var rejectsWriteFailed = false
        var merger: (@Sendable ([MergeRequest]) async throws -> Void)?
    }

    /// Creates the context; rejects go to `rejectsFile` (created on the first reject) when given.
    public init(
        logger: Logger, rejectsFile: URL?, startedAt: Date = Date(), earlierPostings: (any EarlierPostings)? = nil, sourceNames: [String] = []
    ) {
        self.logger = logger
        self.sourceNames = sourceNames
        self.earlierPostings = earlierPostings
        self.rejectsFile = rejectsFile
        self.startedAt = startedAt
        self.state = Mutex(State())
    }

    /// Records a malformed posting: it goes to the run's rejects with where it was and why.
    public func reject(source: String, position: String, reason: String, raw: String? = nil) {
        let reject = Reject(source: source, position: position, reason: reason, raw: raw.map { String($0.prefix(Reject.maximumRawLength)) })
        var line = JSONWriter()
        reject.writeJSON(to: &line)
        line.bytes.append(0x0A)
        state.withLock { s in
            s.rejects += 1
            s.rejectsBySource[source, default: 0] += 1
            if s.keptRejects.count < Self.keptRejects { s.keptRejects.append(reject) }
            guard let file = rejectsFile, !s.rejectsWriteFailed else { return }
            do {
                if s.rejectsHandle == nil {
                    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                    _ = FileManager.default.createFile(atPath: file.path, contents: nil)
                    s.rejectsHandle = try FileHandle(forWritingTo: file)
                }
                try s.rejectsHandle?.write(contentsOf: line.bytes)
            } catch {
                s.rejectsWriteFailed = true
                logger.error("cannot write the rejects to \(file.path): \(error.localizedDescription)")
            }
        }
    }

    /// Records a warning about a source's data (a dropped URL, an unreadable date).
    public func warn(source: String, _ message: String) {
        state.withLock { s in
            s.warnings += 1
            s.warningsBySource[source, default: 0] += 1
            if s.keptWarnings.count < Self.keptWarnings { s.keptWarnings.append("source '\(source)': \(message)") }
        }
        logger.debug("source '\(source)': \(message)")
    }

    /// Merges postings (dedupe's findings) among those the run staged and the active ones, from
    /// a stage's `finish`, when every source has ended. A stage with many may call it in parts,
    /// so that they are never all in memory: each request stands on its own.
    public func merge(_ requests: [MergeRequest]) async throws {
        guard !requests.isEmpty else { return }
        guard let merger = state.withLock({ $0.merger }) else {
            throw StateStoreError.unavailable("postings can only be merged in a run, which attaches its state store")
        }
        try await merger(requests)
    }

    /// Sends every later `merge` to `merger` (the runner's state store).
    public func attachMerger(_ merger: @escaping @Sendable ([MergeRequest]) async throws -> Void) {
        state.withLock { $0.merger = merger }
    }

    /// Closes the rejects file; returns its location if anything was written.
    public func closeRejects() -> URL? {
        state.withLock { s in
            try? s.rejectsHandle?.close()
            let wrote = s.rejectsHandle != nil && !s.rejectsWriteFailed
            s.rejectsHandle = nil
            return wrote ? rejectsFile : nil
        }
    }

    /// Rejects so far, in all and by source.
    public var rejectCounts: (total: Int, bySource: [String: Int]) {
        state.withLock { ($0.rejects, $0.rejectsBySource) }
    }

    /// Warnings so far, in all and by source.
    public var warningCounts: (total: Int, bySource: [String: Int]) {
        state.withLock { ($0.warnings, $0.warningsBySource) }
    }

    /// The first rejects and warnings, word for word.
    public var kept: (rejects: [Reject], warnings: [String]) {
        state.withLock { ($0.keptRejects, $0.keptWarnings) }
    }
}

/// A malformed posting: which source, where in it, why, and the raw value.
public struct Reject: Sendable, Codable, Hashable {
    /// Raw values longer than this are cut in the rejects file.
    public static let maximumRawLength = 64 * 1024

    /// The source's name.
    public var source: String
    /// Where in the source: `line 12`, `$.data.jobs[4]`, `feeds/a.xml:40:3`.
    public var position: String
    /// Why it was rejected.
    public var reason: String
    /// The raw value, cut at 64 KiB.
    public var raw: String?

    /// Appends the reject as a JSON object.
    public func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.key("source"); w.string(source)
        w.key("position"); w.string(position)
        w.key("reason"); w.string(reason)
        if let raw {
            w.key("raw"); w.string(raw)
        }
        w.endObject()
    }
}
