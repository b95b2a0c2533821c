import Foundation

/// One sink's feed while the run writes it: its writer and output, what it has written, and
/// the error that stopped it, if any.
///
/// Sinks that read the active set in the same order share one pass over it (a `StoredPosting`
/// decodes its record once for all of them): three sinks in the default order cost one read of
/// the store, not three, and the two XML formats one JSON decoding per posting, not two.
///
/// ```swift
/// let publication = SinkPublication(spec: spec, writer: writer, out: out)
/// for stored in activeSet where !publication.done { publication.take(stored) }
/// publication.end()
/// ```
final class SinkPublication {
    let spec: Pipeline.SinkSpec
    private var writer: any FeedWriter
    let out: FeedOutput
    private let condition: WhereExpression?
    private let params: [String: String]?
    private let limit: Int

    private(set) var received = 0
    private(set) var written = 0
    private(set) var leftOut = 0
    private(set) var reasons: [String] = []
    /// What stopped it; its feed is then not published.
    private(set) var error: (any Error)?
    /// Time spent in this sink's own work (its share of the shared read is added by the runner).
    private(set) var elapsed: Duration = .zero
    /// Whether it wants no more postings: its limit is reached, or it failed.
    private(set) var done: Bool

    /// Begins the feed (its header); throws what `begin` throws.
    init(spec: Pipeline.SinkSpec, writer: any FeedWriter, out: FeedOutput) throws {
        let start = ContinuousClock.now
        self.spec = spec
        self.writer = writer
        self.out = out
        condition = spec.settings.where
        params = spec.settings.urlParams.flatMap { $0.isEmpty ? nil : $0 }
        limit = spec.settings.limit ?? Int.max
        done = limit <= 0
        try self.writer.begin(out)
        elapsed += ContinuousClock.now - start
    }

    /// The most postings its pass needs to read, or nil when a `where:` or a check may skip
    /// some (the limit then bounds only what is written).
    var readLimit: Int? {
        condition == nil && !writer.checksPostings ? spec.settings.limit : nil
    }

    /// Writes one posting of the active set, unless it filters it out or its format cannot
    /// carry it. An error stops this sink only.
    func take(_ stored: StoredPosting) {
        guard !done else { return }
        let start = ContinuousClock.now
        defer { elapsed += ContinuousClock.now - start }
        do {
            received += 1
            if let condition, !stored.withPosting({ condition.matches($0) }) { return }
            let wrote: Bool
            if params == nil, !writer.checksPostings {
                try writer.write(stored: stored, to: out)
                wrote = true
            } else if let params {
                var posting = stored.posting
                if let url = posting.url { posting.url = URLParameters.append(params, to: url) }
                wrote = try write(posting)
            } else {
                // Read where the pass decoded it, not copied: the sinks of a pass share it.
                wrote = try stored.withPosting { try write($0) }
            }
            guard wrote else { return }
            written += 1
            if written >= limit { done = true }
        } catch {
            fail(error)
        }
    }

    /// Writes a posting the format can carry; what its consumers would reject stays out of
    /// this feed only, and the report says why (false).
    private func write(_ posting: borrowing JobPosting) throws -> Bool {
        if let reason = writer.problem(with: posting) {
            leftOut += 1
            if reasons.count < RunReport.SinkReport.keptReasons {
                reasons.append("\(posting.id ?? "?") (\(posting.source ?? "?"):\(posting.sourceID ?? "?")): \(reason)")
            }
            return false
        }
        try writer.write(posting, to: out)
        return true
    }

    /// Stops it with `error` (reading the active set failed, or writing did).
    func fail(_ error: any Error) {
        guard self.error == nil else { return }
        self.error = error
        done = true
    }

    /// Ends the feed (its footer) and flushes the output, unless it failed.
    func end() {
        guard error == nil else { return }
        let start = ContinuousClock.now
        do {
            try writer.end(out)
            try out.finish()
        } catch {
            fail(error)
        }
        elapsed += ContinuousClock.now - start
    }
}
