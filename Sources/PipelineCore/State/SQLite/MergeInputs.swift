extension SQLiteStateStore {
    /// What a merge was made from, so that a later run that stages the same versions again can
    /// keep the merged record it already has instead of merging them again.
    ///
    /// A cron job that downloads its feeds again with nothing new in them stages every posting
    /// again, and dedupe asks for every merge it asked for before. Each merge read every version's
    /// record from the spool, decoded them, merged them, encoded and hashed the result — only
    /// for the store to find that hash unchanged: 3 of the 13 seconds such a run took over
    /// 250,000 postings, after the sources, with little beside it. A merge's result depends
    /// only on the versions it merges, in their order, and on the request's source preferences
    /// (`PostingMerge` is a function of them), so a digest of those (`key`) stands for the
    /// result: the store keeps it beside the merged record's hash (table `merge_inputs`), and a
    /// merge whose key and survivor's record are both as they were stages the survivor as
    /// unchanged, exactly as merging it again would have.
    ///
    /// Only merges of postings all staged in the run are kept this way (an earlier posting
    /// absorbed from the active set leaves it, which a merge must still do).
    enum MergeInputs {
        /// The digest of a merge's inputs: the request's preferences, and each of its ids in
        /// the order `MergeResolver` takes them with the hashes of its staged versions in the
        /// order they were staged. Nil when an id has no staged version (the merge reads an
        /// earlier one, or skips the id) — such merges are always made.
        static func key(_ request: MergeRequest, hashes: (String) -> [[UInt8]]) -> [UInt8]? {
            var bytes: [UInt8] = []
            for source in request.prefer {
                bytes += source.utf8
                bytes.append(0)
            }
            bytes.append(1)
            for id in [request.survivor] + request.absorbed.filter({ $0 != request.survivor }) {
                let versions = hashes(id)
                guard !versions.isEmpty else { return nil }
                bytes += id.utf8
                bytes.append(0)
                for hash in versions {
                    // Hashes have one length; the count keeps the digest's parts apart anyway.
                    bytes.append(UInt8(truncatingIfNeeded: hash.count))
                    bytes += hash
                }
                bytes.append(2)
            }
            return ContentHash(bytes: bytes).bytes
        }
    }
}
