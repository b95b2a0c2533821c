import Synchronization

/// A batch handed to another task whole: the task takes it out, so that it alone holds the
/// array and may read or change its postings in place. Captured directly, the batch would stay
/// with the task's closure too, and any change (or in-place read) would copy it.
///
/// ```swift
/// let handoff = BatchHandoff(consume batch)
/// Task { try await store.stage(handoff.take(), pipeline: name, runID: runID) }
/// ```
final class BatchHandoff: Sendable {
    private let batch: Mutex<[JobPosting]>

    /// Holds `batch` until it is taken.
    init(_ batch: consuming [JobPosting]) {
        self.batch = Mutex(batch)
    }

    /// The batch, left to the caller alone; empty if taken before.
    func take() -> [JobPosting] {
        batch.withLock { batch in
            var taken: [JobPosting] = []
            swap(&taken, &batch)
            return taken
        }
    }
}
