import Foundation
import Synchronization

/// Postings read so far per source, for a progress display; updated as batches leave sources.
///
/// ```swift
/// let progress = ProgressCounter()
/// let options = RunOptions(progress: progress)
/// progress.snapshot()   // [("acme", 12_288)]
/// ```
public final class ProgressCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// A counter at zero.
    public init() {}

    /// Adds postings read by a source.
    public func add(_ count: Int, for source: String) {
        counts.withLock { $0[source, default: 0] += count }
    }

    /// The counts so far, by source name.
    public func snapshot() -> [(source: String, count: Int)] {
        counts.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
