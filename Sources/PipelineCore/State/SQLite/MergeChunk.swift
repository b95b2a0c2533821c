import Foundation

extension SQLiteStateStore {
    /// Part of a merge call's requests with every version they may read, read ahead on the
    /// connection's thread, then resolved on a thread of their own (see `merge`).
    ///
    /// Resolving is decoding each version's record, merging them and encoding the merged one —
    /// a third of a large run's merging, and work the connection's thread need not wait on: it
    /// reads the next part and stages the one before meanwhile, so the merge uses both cores
    /// where it used one (after the sources end, nothing else runs).
    final class MergeChunk: @unchecked Sendable {
        // @unchecked: `versions` is set before the resolution is queued and read by it;
        // `resolved` is written by it before `done` is signalled. The connection's thread
        // touches either only after waiting for `done`.

        /// A staged version: its row, its record's bytes and their hash.
        struct Version: Sendable {
            let row: Int64
            let json: [UInt8]
            let hash: [UInt8]
        }

        /// An earlier run's active version: its source, and its record's bytes when the id has
        /// no staged version (see `merge`).
        struct Earlier: Sendable {
            let source: String
            let json: [UInt8]?
        }

        /// What one request does, ready to be written on the connection's thread.
        struct Resolved: Sendable {
            /// The staged rows the merged posting replaces.
            let replaced: [Int64]
            /// Earlier postings that leave the active set.
            let leaving: [String]
            /// How many postings were merged.
            let count: Int
            /// The merged posting, encoded; nil if it has no id.
            let merged: Stager.Prepared?
            /// What it was merged from (`MergeInputs.key`), to keep beside it; nil for a merge
            /// that read an earlier posting.
            let inputs: [UInt8]?
        }

        /// Every id the requests name (see `merge` for why).
        let ids: Set<String>
        private let done = DispatchSemaphore(value: 0)
        private var resolved: Result<[Resolved?], any Error> = .success([])
        /// The versions read for the requests, until the resolution is taken.
        private var versions: (staged: [String: [Version]], earlier: [String: Earlier])
        private let queue: DispatchQueue

        /// Starts resolving `requests` with the versions read for them, on `queue`: a queue of
        /// the merge's own, never the global one. The connection's thread waits for the result,
        /// and the global queue's few threads can all be taken by work that blocks (the run's
        /// tasks, exec plugins waiting on their processes): a resolution queued there waited
        /// for ever beside two merges and two exec stages on two cores.
        init(_ requests: [MergeRequest], ids: Set<String>, staged: [String: [Version]], earlier: [String: Earlier], failedSources: Set<String>, on queue: DispatchQueue) {
            self.ids = ids
            self.queue = queue
            versions = (staged, earlier)
            queue.async { [self] in
                resolved = resolve(requests, failedSources: failedSources)
                done.signal()
            }
        }

        /// Resolves every request, on the resolving thread; what it reads of `versions` it lets
        /// go of before it returns (see `wait`).
        private func resolve(_ requests: [MergeRequest], failedSources: Set<String>) -> Result<[Resolved?], any Error> {
            Result { try requests.map { try Self.resolve($0, staged: versions.staged, earlier: versions.earlier, failedSources: failedSources) } }
        }

        /// Waits for the resolution: one entry per request, nil where there is nothing to merge.
        ///
        /// Each thread frees what it allocated: the versions' records, read on the connection's
        /// thread, are let go of here, on it; the resolution, encoded on the resolving thread,
        /// goes back there to be freed once `write` is done with it (`release`). A block freed on
        /// another thread than the one that allocated it takes that thread's malloc arena's lock:
        /// freed where they were used, the two threads waited on each other's locks about 1,300
        /// times a second through the merge (`perf record -e sched:sched_switch`).
        func wait() throws -> [Resolved?] {
            done.wait()
            versions = ([:], [:])
            return try resolved.get()
        }

        /// Hands the resolution, written, back to the resolving thread to be freed there (see
        /// `wait`); the caller holds no other reference to it.
        func release(_ written: consuming [Resolved?]) {
            resolved = .success([])
            // The block holds the last reference; Dispatch releases a block on the thread that
            // ran it.
            let written = written
            queue.async { withExtendedLifetime(written) {} }
        }

        private static func resolve(
            _ request: MergeRequest, staged: [String: [Version]], earlier: [String: Earlier], failedSources: Set<String>
        ) throws -> Resolved? {
            let outcome = try MergeResolver.resolve(
                request, failedSources: failedSources,
                staged: { id in
                    (staged[id] ?? []).map { version in
                        MergeResolver.Staged(handle: version.row, posting: { StoredPosting.decode(version.json[...]) })
                    }
                },
                active: { id in
                    earlier[id].map { version in
                        MergeResolver.Active(source: version.source, posting: {
                            guard let json = version.json else {
                                throw StateStoreError.unavailable("merging '\(id)' needed its earlier version, which was not read (a bug: please report it)")
                            }
                            return StoredPosting.decode(json[...])
                        })
                    }
                })
            guard let outcome else { return nil }
            // Kept only when every posting merged was staged in this run: an absorbed posting
            // with an active earlier version leaves the active set, which a merge made again
            // must do again.
            let inputs = outcome.leaving.isEmpty
                ? MergeInputs.key(request, hashes: { id in (staged[id] ?? []).map(\.hash) }) : nil
            return Resolved(
                replaced: outcome.replaced.map(\.handle), leaving: outcome.leaving, count: outcome.count,
                merged: Stager.Prepared(outcome.merged), inputs: inputs)
        }
    }
}
