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

    /// What was found: the clusters (indices into the signatures; singletons left out), and
    /// how many postings each way of matching merged.
    struct Result {
        var clusters: [[Int]] = []
        /// `source_id`, `url`, `description` and `date_window`.
        var counts: [String: Int] = [:]
    }

    func find(_ signatures: [DedupeSignature]) -> Result {
        var sets = UnionFind(count: signatures.count)
        var result = Result()
        func count(_ name: String) { result.counts[name, default: 0] += 1 }

        if rules.contains(.sourceID) {
            forEachGroup(signatures, key: \.sourceKey) { group in
                comparePairs(signatures, group) { a, b in
                    if sets.union(a, b) { count("source_id") }
                }
            }
        }
        if rules.contains(.url) {
            forEachGroup(signatures, key: \.urlKey) { group in
                comparePairs(signatures, group) { a, b in
                    let x = signatures[a], y = signatures[b]
                    guard Self.agree(x.titleKey, y.titleKey), Self.agree(x.placeKey, y.placeKey) else { return }
                    if sets.union(a, b) { count("url") }
                }
            }
        }
        if rules.contains(.content) {
            forEachGroup(signatures, key: \.blockKey) { group in
                comparePairs(signatures, group) { a, b in
                    let x = signatures[a], y = signatures[b]
                    if let hx = x.simhash, let hy = y.simhash {
                        if (hx ^ hy).nonzeroBitCount <= maxDistance, sets.union(a, b) { count("description") }
                    } else if let dx = x.datePosted, let dy = y.datePosted, abs(dx - dy) <= dateWindow {
                        if sets.union(a, b) { count("date_window") }
                    }
                }
            }
        }

        // Members of sets of two or more, grouped by sorting on their root.
        var grouped: [(root: Int, index: Int)] = []
        for index in signatures.indices {
            let root = sets.find(index)
            if sets.size(of: root) > 1 { grouped.append((root, index)) }
        }
        grouped.sort { ($0.root, $0.index) < ($1.root, $1.index) }
        var start = 0
        while start < grouped.count {
            var end = start + 1
            while end < grouped.count, grouped[end].root == grouped[start].root { end += 1 }
            result.clusters.append(grouped[start..<end].map(\.index))
            start = end
        }
        result.clusters.sort { $0[0] < $1[0] }
        return result
    }

    /// Whether two optional keys do not contradict each other.
    static func agree(_ a: UInt64?, _ b: UInt64?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }

    /// Calls `body` with each group of two or more signatures sharing a non-nil key.
    private func forEachGroup(_ signatures: [DedupeSignature], key: KeyPath<DedupeSignature, UInt64?>, _ body: ([Int]) -> Void) {
        var keyed: [(key: UInt64, index: Int)] = []
        keyed.reserveCapacity(signatures.count)
        for (index, signature) in signatures.enumerated() {
            if let k = signature[keyPath: key] { keyed.append((k, index)) }
        }
        keyed.sort { ($0.key, $0.index) < ($1.key, $1.index) }
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count, keyed[end].key == keyed[start].key { end += 1 }
            if end - start > 1 { body(keyed[start..<end].map(\.index)) }
            start = end
        }
    }

    /// Every pair of a group, or each member with its next `largestGroup` neighbours in a
    /// larger one.
    /// Two postings of earlier runs are never compared: the runs that saw them judged them.
    private func comparePairs(_ signatures: [DedupeSignature], _ group: [Int], _ body: (Int, Int) -> Void) {
        for i in group.indices {
            let last = min(group.count, i + 1 + largestGroup)
            for j in (i + 1)..<last where !(signatures[group[i]].earlier && signatures[group[j]].earlier) {
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
