import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes buffers to file descriptors on a thread of its own, a few buffers behind the caller.
///
/// Used for a large feed pass's reorder buckets (`BucketReorder`), which are read back soon and
/// so go through the page cache (feeds, never read back, are written by `DirectFile`). Writing
/// them is mostly the kernel copying pages: a gigabyte is a second or more of one core, spent
/// while the run's other core has nothing to do. Handed to this writer, the copying overlaps the
/// reading of the state store. At most `depth` buffers wait at a time, so memory stays a few
/// buffers whatever the size, and the caller waits when the disk is slower than it.
///
/// The first failed write is kept and thrown by the next `write` or by `drain`, naming the file.
///
/// ```swift
/// let writer = BackgroundWriter()
/// try writer.write(fd, bytes, path: bucketPath)
/// try writer.drain()          // every buffer written, or the first failure thrown
/// ```
final class BackgroundWriter: @unchecked Sendable {
    // @unchecked: the queue serializes the writes; the shared state is a mutex and a semaphore.
    private let queue = DispatchQueue(label: "syndicate.background-writer")
    /// What the queued writes share with the writer. They hold this, never the writer itself,
    /// so that the writer's deinit (which waits for them) never runs on the queue.
    private final class Shared: Sendable {
        let slots: DispatchSemaphore
        let failure = Mutex<String?>(nil)
        init(depth: Int) { slots = DispatchSemaphore(value: depth) }
    }
    private let shared: Shared

    /// A writer that lets `depth` buffers wait.
    init(depth: Int = 8) {
        shared = Shared(depth: depth)
    }

    deinit {
        // Buffers still queued refer to descriptors their owners may close next: wait for them.
        queue.sync {}
    }

    /// Queues `bytes` for `fd` (appended at its offset); throws an earlier write's failure.
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try check()
        guard !bytes.isEmpty else { return }
        shared.slots.wait()
        queue.async { [shared] in
            defer { shared.slots.signal() }
            guard shared.failure.withLock({ $0 == nil }) else { return }
            if let problem = Self.writeAll(fd, bytes) {
                shared.failure.withLock { if $0 == nil { $0 = "cannot write \(path): \(problem)" } }
            }
        }
    }

    /// Waits until every queued buffer is written; throws the first failure.
    func drain() throws {
        queue.sync {}
        try check()
    }

    private func check() throws {
        if let message = shared.failure.withLock({ $0 }) { throw SourceError(message) }
    }

    /// Writes the whole buffer; the system's reason when it cannot.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        WholeTransfer.write(fd, bytes).map(\.description)
    }
}
