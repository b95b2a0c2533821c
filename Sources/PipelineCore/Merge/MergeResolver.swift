/// Decides what one `MergeRequest` does to a run's staged postings and the earlier active set,
/// whatever store holds them: which version survives, which staged versions it replaces, which
/// earlier postings leave the active set, and the merged posting that is staged in their place.
///
/// Each store looks postings up its own way (SQLite one statement per id, PostgreSQL a whole
/// batch of ids per query), so the lookups are closures; the rules live here once.
///
/// ```swift
/// let outcome = try MergeResolver.resolve(request, failedSources: failed,
///     staged: { id in stagedVersions[id] ?? [] }, active: { id in activeVersions[id] })
/// ```
public enum MergeResolver {
    /// A version of a posting this run staged: the store's handle on it, and how to read it.
    public struct Staged<Handle> {
        /// What the store needs to remove the staged row (a row number, a sequence number).
        public var handle: Handle
        /// Reads the posting.
        public var posting: () throws -> JobPosting

        /// Creates a staged version.
        public init(handle: Handle, posting: @escaping () throws -> JobPosting) {
            self.handle = handle
            self.posting = posting
        }
    }

    /// A posting an earlier run left active.
    public struct Active {
        /// The source that listed it.
        public var source: String
        /// Reads the posting.
        public var posting: () throws -> JobPosting

        /// Creates an active version.
        public init(source: String, posting: @escaping () throws -> JobPosting) {
            self.source = source
            self.posting = posting
        }
    }

    /// What a request does.
    public struct Outcome<Handle> {
        /// The merged posting, to stage in place of every version it absorbed.
        public var merged: JobPosting
        /// The staged versions it replaces (the survivor's own included).
        public var replaced: [Staged<Handle>]
        /// Earlier active postings it absorbed, which leave the active set as `duplicate`.
        public var leaving: [String]
        /// How many postings were merged into the survivor.
        public var count: Int
    }

    /// Resolves `request`. `staged` returns an id's staged versions in the order they were
    /// staged, leaving out those of `failedSources` (discarded when the run is applied, so
    /// merging them would lose what they absorbed); `active` returns an id's active version of
    /// an earlier run. Nil when there is nothing to merge.
    public static func resolve<Handle>(
        _ request: MergeRequest, failedSources: Set<String>,
        staged: (String) throws -> [Staged<Handle>], active: (String) throws -> Active?
    ) throws -> Outcome<Handle>? {
        // The survivor: its first staged version, else its active version of an earlier run,
        // else (its source failed) the first absorbed posting this run has.
        var ids = [request.survivor] + request.absorbed.filter { $0 != request.survivor }
        var survivor: JobPosting?
        var others: [JobPosting] = []
        var replaced: [Staged<Handle>] = []
        var leaving: [String] = []
        while survivor == nil, !ids.isEmpty {
            let id = ids.removeFirst()
            let versions = try staged(id)
            if let first = versions.first {
                survivor = try first.posting()
                for version in versions.dropFirst() { others.append(try version.posting()) }
                replaced += versions
            } else if let earlier = try active(id) {
                // Re-staged under a failed source it would be discarded, and what it absorbed
                // with it: leave this one for the next run.
                if failedSources.contains(earlier.source) { break }
                survivor = try earlier.posting()
            }
        }
        guard let survivor else { return nil }
        for id in ids {
            let versions = try staged(id)
            for version in versions { others.append(try version.posting()) }
            replaced += versions
            if let earlier = try active(id) {
                if versions.isEmpty { others.append(try earlier.posting()) }
                leaving.append(id)
            }
        }
        guard !others.isEmpty else { return nil }
        let merged = PostingMerge.merge(survivor: survivor, others: others, prefer: request.prefer)
        return Outcome(merged: merged, replaced: replaced, leaving: leaving, count: others.count)
    }
}
