import Foundation
import PipelineCore
import Synchronization

/// Recognises one job in several postings — within the run, across sources, and against the
/// postings earlier runs left active — and has them merged into the one seen first.
///
/// The rules, in order: the same source and source id; the same canonical URL of one page (when
/// titles and places agree); the same company (legal suffixes ignored), canonical title,
/// seniority and place with near-identical descriptions (SimHash of word shingles), or, where a
/// side has no description, posted within the date window. Postings pass through at once; the
/// stage keeps a few hashes of each and, once the run has been read, asks the state store to
/// merge each cluster: the earliest-seen posting keeps its id, gains the fields it lacks, and
/// lists the others in `duplicates`. The hashes go to a scratch database in the temporary
/// directory (`SignatureStore`), so memory does not grow with the run.
///
/// ```yaml
/// - type: dedupe
///   similarity: 0.8          # share of description fingerprint bits that must agree
///   date_window: 14          # days, for postings without a description
///   prefer: [partner, acme]  # whose values win a conflict
/// ```
public final class DedupeStage: Stage {
    public static let type = "dedupe"
    public static let summary = "Merges postings of the same job (same source id, same URL, or same company, title, seniority and place with near-identical descriptions), within the run and against earlier runs"

    /// Options of the `dedupe` stage.
    public struct Options: PluginOptions {
        /// Which rules apply; all by default.
        public var rules: [DedupeRule]?
        /// The share (0.5–1) of the 64 SimHash bits two descriptions must share to be one.
        public var similarity: Double?
        /// Days apart two postings without a description may be posted and still be one.
        public var dateWindow: Double?
        /// Sources whose values win a conflict, most trusted first.
        public var prefer: [String]?
        /// Whether postings are compared with the active postings of earlier runs.
        public var acrossRuns: Bool?

        public static let optionHelp = [
            "rules": "which rules apply, of source_id, url and content (default all three)",
            "similarity": "share of description fingerprint bits that must agree, 0.5 to 1 (default 0.8)",
            "date_window": "days apart two postings without a description may be posted (default 14)",
            "prefer": "source names whose values win a conflict, most trusted first",
            "across_runs": "compare with the postings earlier runs left active (default true)",
        ]

        /// The defaults.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case rules, similarity, prefer
            case dateWindow = "date_window"
            case acrossRuns = "across_runs"
        }
    }

    let finder: DuplicateFinder
    let prefer: [String]
    let acrossRuns: Bool
    private let state = Mutex(State())

    struct State {
        /// Made with the first batch, handed to `finish` and dropped there.
        var store: SignatureStore?
        var counters: [String: Int] = [:]
    }

    public init(options: Options, context: StageContext) throws {
        var finder = DuplicateFinder()
        if let rules = options.rules {
            guard !rules.isEmpty else { throw ConfigValueError("rules: name at least one of \(DedupeRule.allCases.map(\.rawValue).joined(separator: ", ")), or leave the stage out") }
            finder.rules = Set(rules)
        }
        if let similarity = options.similarity {
            guard similarity >= 0.5, similarity <= 1 else {
                throw ConfigValueError("similarity: \(similarity) is outside 0.5 to 1 (0.8 lets 13 of 64 fingerprint bits differ)")
            }
            finder.maxDistance = Int(((1 - similarity) * 64).rounded())
        }
        if let days = options.dateWindow {
            guard days >= 0, days.isFinite else { throw ConfigValueError("date_window: \(days) is not a number of days") }
            finder.dateWindow = days * 86_400
        }
        self.finder = finder
        prefer = options.prefer ?? []
        acrossRuns = options.acrossRuns ?? true
    }

    /// Signs a batch it is lent (through a copy of it: the runner uses the in-place one).
    public func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
        var batch = batch
        try await process(&batch, run: run)
        return batch
    }

    /// Signs the batch's postings in place: nothing in it changes.
    public func process(_ batch: inout [JobPosting], run: RunContext) async throws {
        let started = run.startedAt
        let ranks = sourceRanks(run)
        // Hashing descriptions is most of the stage's work: spread over the cores, the parts'
        // signatures appended in order (the order breaks ties between survivors). Each posting
        // is lent where it lies: handed out of a shared batch, each was copied (a retain of
        // each of its strings; about 2% of the sources phase's samples with the releases).
        let signatures = await ConcurrentParts.map(inPlace: &batch) { posting -> DedupeSignature? in
            guard let id = posting.id else { return nil }
            return DedupeSignature(posting, id: id, firstSeen: started, earlier: false, sourceRank: ranks[posting.source ?? ""] ?? ranks.count)
        }
        let store = try state.withLock { s in
            if s.store == nil { s.store = try SignatureStore() }
            return s.store
        }
        try store?.append(signatures)
    }

    public func finish(run: RunContext) async throws -> [JobPosting] {
        let taken = state.withLock { s in
            defer { s.store = nil }
            return s.store
        }
        let ranks = sourceRanks(run)
        // Nothing new this run (every source unchanged, or empty): the earlier postings were
        // compared with each other when they came, and reading them all again finds nothing.
        guard let store = taken, store.count > 0 else {
            state.withLock { $0.counters = ["total": 0] }
            return []
        }
        if acrossRuns, let earlier = run.earlierPostings {
            var batch: [DedupeSignature] = []
            // An id this run staged again is the same posting, not a duplicate: it only tells
            // when that posting was first seen — its first version here, so that a second one the
            // same source listed again is merged into it, not the other way. Its record is not read.
            try await earlier.forEach(where: { id, firstSeen in
                try !store.sawEarlier(id: id, firstSeen: firstSeen.timeIntervalSince1970)
            }) { posting in
                // Signed where it was decoded: the signature is all that is kept of it.
                posting.stored.withPosting { stored in
                    batch.append(DedupeSignature(
                        stored, id: posting.id, firstSeen: posting.firstSeen, earlier: true, sourceRank: ranks[stored.source ?? ""] ?? ranks.count))
                }
                if batch.count >= 1024 {
                    try store.append(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try store.append(batch)
        }

        let found = try finder.find(store)
        // The union-find and the grouping (about 12 bytes a posting) are freed now; handing
        // their pages back keeps them out of the merge's peak, which comes next.
        ReleaseMemory.freePages()
        var requests: [MergeRequest] = []
        var counters = found.counts
        for index in 0..<found.count {
            let cluster = found.cluster(index)
            let members = try store.standings(cluster)
            let survivor = members.indices.min { Self.seenBefore(members[$0], cluster[$0], members[$1], cluster[$1]) } ?? 0
            var absorbed: [String] = []
            var seen: Set<String> = [members[survivor].id]
            for member in members where seen.insert(member.id).inserted {
                absorbed.append(member.id)
            }
            if members[survivor].firstSeen < run.startedAt.timeIntervalSince1970 {
                counters["across_runs", default: 0] += cluster.count - 1
            }
            requests.append(MergeRequest(survivor: members[survivor].id, absorbed: absorbed, prefer: prefer))
            // Merged in parts, so that a large run's requests are never all in memory.
            if requests.count >= Self.mergeBatch.load(ordering: .relaxed) {
                try await run.merge(requests)
                requests.removeAll(keepingCapacity: true)
            }
        }
        try await run.merge(requests)
        counters["total"] = found.absorbed
        state.withLock { $0.counters = counters }
        return []
    }

    /// How many clusters go to the store at once (tests make it small).
    static let mergeBatch = Atomic(defaultMergeBatch)
    static let defaultMergeBatch = 10_000

    public var counters: [String: Int] {
        state.withLock { $0.counters }
    }

    /// The earliest seen first; then the earliest posted; then the source first in the file,
    /// and within a source the first read — so that the same postings give the same survivor
    /// on every run, however the sources interleave.
    static func seenBefore(_ a: SignatureStore.Standing, _ ia: Int, _ b: SignatureStore.Standing, _ ib: Int) -> Bool {
        if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
        let pa = a.datePosted ?? .infinity, pb = b.datePosted ?? .infinity
        if pa != pb { return pa < pb }
        if a.sourceRank != b.sourceRank { return a.sourceRank < b.sourceRank }
        return ia < ib
    }

    private func sourceRanks(_ run: RunContext) -> [String: Int] {
        Dictionary(run.sourceNames.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
}
