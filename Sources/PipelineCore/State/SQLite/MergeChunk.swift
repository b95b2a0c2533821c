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
        // @unchecked: `resolved` is written once, on the resolving thread, before `done` is
        // signalled, and read only after waiting for it.

        /// A staged version: its row and its record's bytes.
        struct Version: Sendable {
            let row: Int64
            let json: [UInt8]
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
        }

        /// Every id the requests name (see `merge` for why).
        let ids: Set<String>
        private let done = DispatchSemaphore(value: 0)
        private var resolved: Result<[Resolved?], any Error> = .success([])

        /// Starts resolving `requests` with the versions read for them, on `queue`: a queue of
        /// the merge's own, never the global one. The connection's thread waits for the result,
        /// and the global queue's few threads can all be taken by work that blocks (the run's
        /// tasks, exec plugins waiting on their processes): a resolution queued there waited
        /// for ever beside two merges and two exec stages on two cores.
        init(_ requests: [MergeRequest], ids: Set<String>, staged: [String: [Version]], earlier: [String: Earlier], failedSources: Set<String>, on queue: DispatchQueue) {
            self.ids = ids
            queue.async { [self] in
                resolved = Result { try requests.map { try Self.resolve($0, staged: staged, earlier: earlier, failedSources: failedSources) } }
                done.signal()
            }
        }

        /// Waits for the resolution: one entry per request, nil where there is nothing to merge.
        func wait() throws -> [Resolved?] {
            done.wait()
            return try resolved.get()
        }

        private static func resolve(
            _ request: MergeRequest, staged: [String: [Version]], earlier: [String: Earlier], failedSources: Set<String>
        ) throws -> Resolved? {
            let outcome = try MergeResolver.resolve(
                request, failedSources: failedSources,
                staged: { id in
                    (staged[id] ?? []).map { version in
                        MergeResolver.Staged(handle: version.row, posting: { StoredPosting(json: version.json).posting })
                    }
                },
                active: { id in
                    earlier[id].map { version in
                        MergeResolver.Active(source: version.source, posting: {
                            guard let json = version.json else {
                                throw StateStoreError.unavailable("merging '\(id)' needed its earlier version, which was not read (a bug: please report it)")
                            }
                            return StoredPosting(json: json).posting
                        })
                    }
                })
            guard let outcome else { return nil }
            return Resolved(replaced: outcome.replaced.map(\.handle), leaving: outcome.leaving, count: outcome.count, merged: Stager.Prepared(outcome.merged))
        }
    }
}
