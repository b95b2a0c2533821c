import Foundation
import PostgresNIO

/// Stages a batch of postings on the PostgreSQL store in two round trips: one query finds what
/// the active set holds for the batch's ids, one statement inserts the batch into the run's
/// staging table. A posting whose content hash is unchanged is staged without its record, so the
/// steady state of a cron job sends and writes a few bytes per posting, not its 2 KB.
struct PostgresStager {
    let store: PostgresStateStore
    let pipeline: String

    /// What the active set holds for an id.
    private struct Known {
        var hash: String
        var listed: Bool
    }

    func stage(_ postings: [JobPosting]) async throws {
        var ids: [String] = [], sources: [String] = [], hashes: [String] = [], records: [String] = []
        var validThrough: [String] = [], datePosted: [String] = []
        ids.reserveCapacity(postings.count)
        for posting in postings {
            // Sources always give an id; a posting without one has nothing to be kept under.
            guard let id = posting.id else { continue }
            var writer = JSONWriter()
            posting.writeJSON(to: &writer)
            ids.append(id)
            sources.append(posting.source ?? "")
            hashes.append(ContentHash(bytes: writer.bytes).hex)
            records.append(String(decoding: writer.bytes, as: UTF8.self))
            // Arrays cannot hold NULL through the driver; the empty string stands for it.
            validThrough.append(posting.validThrough.map(RFC3339.format) ?? "")
            datePosted.append(posting.datePosted.map(RFC3339.format) ?? "")
        }
        guard !ids.isEmpty else { return }
        var known: [String: Known] = [:]
        for row in try await store.rows("""
            SELECT id, hash, active AND missing_runs = 0 FROM syndicate_postings WHERE pipeline = \(pipeline) AND id = ANY(\(ids))
            """) {
            let (id, hash, listed) = try row.decode((String, String, Bool).self)
            known[id] = Known(hash: hash, listed: listed)
        }
        var changes: [Int16] = []
        changes.reserveCapacity(ids.count)
        for index in ids.indices {
            let change: StagedChange
            if let earlier = known[ids[index]] {
                change = earlier.hash == hashes[index] ? (earlier.listed ? .unchanged : .returning) : .changed
            } else {
                change = .new
            }
            changes.append(change.rawValue)
            // The active set has this very record: only the fact that it is listed travels.
            if change == .unchanged || change == .returning { records[index] = "" }
        }
        try await store.rows("""
            INSERT INTO syndicate_staged (id, source, hash, record, change, valid_through, date_posted)
            SELECT i, s, h, CASE WHEN c IN (0, 2) THEN r END, c, NULLIF(v, '')::TIMESTAMPTZ, NULLIF(d, '')::TIMESTAMPTZ
            FROM unnest(\(ids)::TEXT[], \(sources)::TEXT[], \(hashes)::TEXT[], \(records)::TEXT[], \(changes)::INT2[], \(validThrough)::TEXT[], \(datePosted)::TEXT[])
                AS t(i, s, h, r, c, v, d)
            """)
    }
}
