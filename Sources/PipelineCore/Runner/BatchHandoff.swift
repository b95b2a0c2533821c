/// A batch handed to another task whole: the task takes it out, so that it alone holds the
/// array and may move, read or change its elements in place. Captured directly, the batch would
/// stay with the task's closure (or the channel's element) too, and any change, move or in-place
/// read would copy it.
///
/// ```swift
/// let handoff = BatchHandoff(consume batch)
/// Task { try await store.stage(handoff.take(), pipeline: name, runID: runID) }
/// ```
public final class BatchHandoff<Element>: @unchecked Sendable {
    // @unchecked: made by one task and taken once by the one it is handed to (the hand-over
    // orders the two); elements that are not Sendable (an XML record's element) are used by
    // the taking task alone.
    private var batch: [Element]

    /// Holds `batch` until it is taken.
    public init(_ batch: consuming [Element]) {
        self.batch = batch
    }

    /// The batch, left to the caller alone; empty if taken before. Called once, by the task the
    /// handoff was given to.
    public func take() -> [Element] {
        var taken: [Element] = []
        swap(&taken, &batch)
        return taken
    }
}
