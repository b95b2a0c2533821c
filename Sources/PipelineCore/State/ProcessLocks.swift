import Synchronization

/// Run locks on a store only this process can reach (the SQLite store in memory, which a dry run
/// of a pipeline that never ran uses): held in the store, not in a file.
///
/// The in-memory store took a `FileLock` on a file in `TMPDIR` named after the store object and
/// left the file there: one more a run, for a lock no other process could ever contend for.
///
/// ```swift
/// let locks = ProcessLocks()
/// let lock = try locks.lock(pipeline: "jobs")   // throws .locked while it is held
/// await lock.release()
/// ```
final class ProcessLocks: Sendable {
    /// The pipelines whose lock is held.
    private let held = Mutex<Set<String>>([])

    /// Takes `pipeline`'s lock at once, or throws `StateStoreError.locked` while this process
    /// holds it already.
    func lock(pipeline: String) throws -> any RunLock {
        guard held.withLock({ $0.insert(pipeline).inserted }) else {
            throw StateStoreError.locked(pipeline: pipeline, holder: "this process")
        }
        return Lock(locks: self, pipeline: pipeline)
    }

    /// One pipeline's lock: released by `release`, or when dropped (as a `FileLock` is when its
    /// descriptor closes), once.
    private final class Lock: RunLock {
        let locks: ProcessLocks
        let pipeline: String
        let released = Mutex(false)

        init(locks: ProcessLocks, pipeline: String) {
            self.locks = locks
            self.pipeline = pipeline
        }

        func release() async {
            free()
        }

        deinit {
            free()
        }

        private func free() {
            guard !released.withLock({ let was = $0; $0 = true; return was }) else { return }
            _ = locks.held.withLock { $0.remove(pipeline) }
        }
    }
}
