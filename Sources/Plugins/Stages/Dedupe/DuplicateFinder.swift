/// The rules by which dedupe recognises one job in several postings.
public enum DedupeRule: String, Sendable, CaseIterable, Codable {
    /// The same source and source id.
    case sourceID = "source_id"
    /// The same canonical URL (of one page, with titles and places that agree).
    case url
    /// The same company, canonical title, seniority and place, with near-identical descriptions
    /// or, where one has no description, posted within the date window.
    case content
}

/// Finds the clusters of postings that are one job, by the rules in order, with blocking: each
/// rule only compares postings that share a sorted key, so a run costs a few sorts, not a
/// comparison of every pair.
struct DuplicateFinder {
    /// Which rules apply.
    var rules: Set<DedupeRule> = Set(DedupeRule.allCases)
    /// The most SimHash bits two near-identical descriptions may differ in.
    var maxDistance = 13
    /// How far apart, in seconds, two postings without a comparable description may be posted.
    var dateWindow: Double = 14 * 86_400
    /// Groups larger than this share a key by accident (a careers page used as every posting's
    /// URL, a staffing firm's hundred identical ads): their members are only compared with their
    /// neighbours, so one pathological key cannot make the run quadratic.
    var largestGroup = 1_000

    /// What was found: the clusters (indices into the signatures; singletons left out), in
    /// the order of their first members, and how many postings each way of matching merged.
    struct Result {
        /// Every cluster's members, in one array: a million postings' clusters were as many
        /// small arrays.
        fileprivate var members: [Int32] = []
        fileprivate var ranges: [Range<Int32>] = []
        /// `source_id`, `url`, `description` and `date_window`.
        var counts: [String: Int] = [:]

        /// How many clusters there are.
        var count: Int { ranges.count }

        /// The members of cluster `index`, in the order they came.
        func cluster(_ index: Int) -> [Int] {
            members[Int(ranges[index].lowerBound)..<Int(ranges[index].upperBound)].map { Int($0) }
        }

        /// How many postings the clusters merge into others.
        var absorbed: Int { members.count - ranges.count }
    }

    /// Finds the clusters among the signatures of `store`; SQLite groups them by each rule's
    /// key, so the finder holds one group at a time, the union-find (8 bytes a signature) and,
    /// while it groups the clusters, which cluster each root leads (4 bytes a signature).
    func find(_ store: SignatureStore) throws -> Result {
        var sets = UnionFind(count: store.count)
        var result = Result()
        func count(_ name: String) { result.counts[name, default: 0] += 1 }

        if rules.contains(.sourceID) {
            try store.forEachGroup(sharing: .source) { group in
                comparePairs(group) { a, b in
                    if sets.union(a.index, b.index) { count("source_id") }
                }
            }
        }
        if rules.contains(.url) {
            try store.forEachGroup(sharing: .url) { group in
                comparePairs(group) { a, b in
                    guard Self.agree(a.titleKey, b.titleKey), Self.agree(a.placeKey, b.placeKey) else { return }
                    if sets.union(a.index, b.index) { count("url") }
                }
            }
        }
        if rules.contains(.content) {
            try store.forEachGroup(sharing: .block) { group in
                comparePairs(group) { a, b in
                    if let hx = a.simhash, let hy = b.simhash {
                        if (hx ^ hy).nonzeroBitCount <= maxDistance, sets.union(a.index, b.index) { count("description") }
                    } else if let dx = a.datePosted, let dy = b.datePosted, abs(dx - dy) <= dateWindow {
                        if sets.union(a.index, b.index) { count("date_window") }
                    }
                }
            }
        }

        // Members of sets of two or more, grouped by their root without sorting: walking the
        // indices upwards meets each set first at its lowest member, which numbers the clusters
        // in the order of their first members and gives each its place in one array at once;
        // the second walk then fills each cluster in index order. (Sorting (root, index)
        // pairs held twice the members and a sort's buffer: 20 MB at a million postings.)
        var cluster = [Int32](repeating: -1, count: store.count)
        var fill: [Int32] = []
        for index in 0..<store.count {
            let root = sets.find(index)
            let size = sets.size(of: root)
            guard size > 1 else { continue }
            if cluster[root] < 0 {
                cluster[root] = Int32(result.ranges.count)
                let start = result.ranges.last?.upperBound ?? 0
                result.ranges.append(start..<(start + Int32(size)))
                fill.append(start)
            }
        }
        var members = [Int32](repeating: 0, count: Int(result.ranges.last?.upperBound ?? 0))
        for index in 0..<store.count {
            let root = sets.find(index)
            let number = cluster[root]
            guard number >= 0 else { continue }
            members[Int(fill[Int(number)])] = Int32(index)
            fill[Int(number)] += 1
        }
        result.members = members
        return result
    }

    /// Whether two optional keys do not contradict each other.
    static func agree(_ a: UInt64?, _ b: UInt64?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }

    /// Every pair of a group, or each member with its next `largestGroup` neighbours in a
    /// larger one.
    /// Two postings of earlier runs are never compared: the runs that saw them judged them.
    private func comparePairs(_ group: [SignatureStore.Candidate], _ body: (SignatureStore.Candidate, SignatureStore.Candidate) -> Void) {
        for i in group.indices {
            let last = min(group.count, i + 1 + largestGroup)
            for j in (i + 1)..<last where !(group[i].earlier && group[j].earlier) {
                body(group[i], group[j])
            }
        }
    }
}

/// Disjoint sets over 0..<count with path halving and union by size.
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = Array(repeating: 1, count: count)
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    /// How many elements the set of `root` has.
    func size(of root: Int) -> Int { Int(size[root]) }

    /// Joins the sets of `a` and `b`; false when they were one already.
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return false }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
        return true
    }
}
