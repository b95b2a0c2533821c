import Foundation
import PostgresNIO

extension PostgresStateStore {
    /// How many merge requests are resolved per round trip: their postings are read in two
    /// queries and held in memory meanwhile (a few MB).
    static let mergeBatch = 1_000

    @discardableResult
    public func merge(_ requests: [MergeRequest], pipeline: String, failedSources: Set<String>) async throws -> Int {
        var merged = 0
        var start = requests.startIndex
        while start < requests.endIndex {
            let batch = requests[start..<min(start + Self.mergeBatch, requests.endIndex)]
            start = batch.endIndex
            merged += try await mergeBatch(batch, pipeline: pipeline, failedSources: failedSources)
        }
        return merged
    }

    /// Resolves one batch of requests: every posting they name is read at once, the rules run in
    /// `MergeResolver`, and the results go back in three statements.
    private func mergeBatch(_ requests: ArraySlice<MergeRequest>, pipeline: String, failedSources: Set<String>) async throws -> Int {
        let ids = Array(Set(requests.flatMap { [$0.survivor] + $0.absorbed }))
        var staged: [String: [MergeResolver.Staged<Int64>]] = [:]
        // A staged posting that was unchanged travelled without its record: the active set has it.
        for row in try await rows("""
            SELECT st.seq, st.id, st.source, COALESCE(st.record, p.record)
            FROM syndicate_staged st LEFT JOIN syndicate_postings p ON p.pipeline = \(pipeline) AND p.id = st.id
            WHERE st.id = ANY(\(ids)) ORDER BY st.seq
            """) {
            let (seq, id, source, record) = try row.decode((Int64, String, String, String?).self)
            guard !failedSources.contains(source) else { continue }
            guard let record else { throw StateStoreError.unavailable("the state database \(location) is damaged: posting \(id) has no record") }
            staged[id, default: []].append(MergeResolver.Staged(handle: seq, posting: { Self.posting(record) }))
        }
        var active: [String: MergeResolver.Active] = [:]
        for row in try await rows("""
            SELECT id, source, record FROM syndicate_postings WHERE pipeline = \(pipeline) AND active AND id = ANY(\(ids))
            """) {
            let (id, source, record) = try row.decode((String, String, String).self)
            active[id] = MergeResolver.Active(source: source, posting: { Self.posting(record) })
        }
        var merged = 0
        var gone: [Int64] = [], leaving: [String] = [], results: [JobPosting] = []
        for request in requests {
            guard let outcome = try MergeResolver.resolve(
                request, failedSources: failedSources, staged: { staged[$0] ?? [] }, active: { active[$0] })
            else { continue }
            gone += outcome.replaced.map(\.handle)
            leaving += outcome.leaving
            results.append(outcome.merged)
            merged += outcome.count
        }
        if !gone.isEmpty { try await rows("DELETE FROM syndicate_staged WHERE seq = ANY(\(gone))") }
        try await PostgresStager(store: self, pipeline: pipeline).stage(results)
        if !leaving.isEmpty {
            try await rows("INSERT INTO syndicate_merged_away (id) SELECT unnest(\(leaving)::TEXT[]) ON CONFLICT DO NOTHING")
        }
        return merged
    }

    private static func posting(_ record: String) -> JobPosting {
        StoredPosting.decode(Array(record.utf8)[...])
    }
}
