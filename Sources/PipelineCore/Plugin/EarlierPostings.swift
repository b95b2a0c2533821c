import Foundation

/// Read access, for stages, to the postings that earlier runs left active: what dedupe compares
/// this run's postings with. The run's own staged postings are not among them.
///
/// ```swift
/// try await run.earlierPostings?.forEach { earlier in
///     index.add(earlier.posting.posting, firstSeen: earlier.firstSeen)
/// }
/// ```
public protocol EarlierPostings: Sendable {
    /// Visits the active postings of earlier runs for which `wanted(id, firstSeen)` is true, in
    /// no particular order. The others' records are not read at all: a run that read every
    /// source again has all of them among its own postings, and reading a million records to
    /// skip them was most of its dedupe time.
    func forEach(where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) async throws
}

extension EarlierPostings {
    /// Visits every active posting of earlier runs, in no particular order.
    public func forEach(_ visit: (EarlierPosting) throws -> Void) async throws {
        try await forEach(where: { _, _ in true }, visit)
    }
}

/// One active posting of an earlier run.
public struct EarlierPosting {
    /// Its id.
    public var id: String
    /// When a run first saw it.
    public var firstSeen: Date
    /// Its record, decoded on first use.
    public var stored: StoredPosting

    /// Creates one.
    public init(id: String, firstSeen: Date, stored: StoredPosting) {
        self.id = id
        self.firstSeen = firstSeen
        self.stored = stored
    }
}

/// The active set of a pipeline in a state store, as stages see it.
struct StoreEarlierPostings: EarlierPostings {
    let store: any StateStore
    let pipeline: String

    func forEach(where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) async throws {
        try await store.forEachActive(pipeline: pipeline, where: wanted, visit)
    }
}
