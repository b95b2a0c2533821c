import Foundation
import PipelineCore

/// What dedupe keeps of a posting: a few hashes and dates, written to its `SignatureStore` so
/// that a run of a million postings is compared without holding the postings, or even their
/// signatures, in memory.
struct DedupeSignature: Sendable {
    /// A posting id as a hashable value that needs no heap for the usual 16 hex digits (the
    /// store keeps those as an integer).
    struct IDKey: Hashable, Sendable {
        var bits: UInt64 = 0
        var text: String?

        init(_ id: String) {
            // Only lower-case hex digits, so that the number prints back as the same id.
            if id.utf8.count == 16, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }),
               let bits = UInt64(id, radix: 16) {
                self.bits = bits
            } else {
                text = id
            }
        }

        /// The id it was made from.
        var id: String {
            if let text { return text }
            return StableHash.hex(bits)
        }
    }

    /// The id, compactly.
    private(set) var idKey: IDKey
    /// Source and source id (the first rule).
    private(set) var sourceKey: UInt64?
    /// The canonical URL, when it names one page rather than a site (the second rule).
    private(set) var urlKey: UInt64?
    /// The canonical title and the place on their own: two postings at one URL must not
    /// disagree on them.
    private(set) var titleKey: UInt64?
    private(set) var placeKey: UInt64?
    /// Company, canonical title, seniority and place together: the block the third rule
    /// compares descriptions within.
    private(set) var blockKey: UInt64?
    /// SimHash of the description's words; nil without a description.
    private(set) var simhash: UInt64?
    /// When it was posted, in seconds since 1970.
    private(set) var datePosted: Double?
    /// Its source's place in the pipeline file, which breaks ties between postings seen and
    /// posted at the same time.
    private(set) var sourceRank: Int
    /// When a run first saw it, in seconds since 1970 (this run's start for a new posting).
    var firstSeen: Double
    /// Active from an earlier run and not staged in this one.
    var earlier: Bool

    /// The posting's id, which a merge request names.
    var id: String { idKey.id }

    /// Reads the keys of a normalized posting, lent (an initializer's parameter is otherwise a
    /// copy of it).
    init(_ posting: borrowing JobPosting, id: String, firstSeen: Date, earlier: Bool, sourceRank: Int) {
        idKey = IDKey(id)
        self.sourceRank = sourceRank
        self.firstSeen = firstSeen.timeIntervalSince1970
        self.earlier = earlier
        datePosted = posting.datePosted?.timeIntervalSince1970
        if let source = posting.source, let sourceID = posting.sourceID, !sourceID.isEmpty {
            sourceKey = Self.hash([source, sourceID])
        }
        if let url = posting.url, Self.namesOnePage(url) {
            urlKey = Self.hash([url])
        }
        let title = posting.titleCanonical.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        titleKey = title.map { Self.hash([$0]) }
        let place = Self.place(posting.location)
        placeKey = place.map { Self.hash([$0]) }
        let company = posting.company.map(CompanyName.key) ?? ""
        if let title, let place, !company.isEmpty {
            // A title that names no level is most often a mid-level job's ("Back-End Developer"
            // beside "Intermediate Back-End Developer"); other levels stay apart.
            blockKey = Self.hash([company, title, (posting.seniority ?? .mid).rawValue, place])
        }
        let text = posting.descriptionText ?? ""
        // A few words are not a description to compare ("See website"); such postings are
        // matched by the date window instead.
        if text.utf8.count >= 40 {
            simhash = SimHash(text: text).value
        }
    }

    /// The place as dedupe compares it: the city, lower-cased, or `remote` for a remote job
    /// with no city; nil when the posting names neither.
    static func place(_ location: Location?) -> String? {
        if let city = location?.city, !city.isEmpty { return city.lowercased() }
        if location?.remote == true { return "remote" }
        return nil
    }

    /// Whether a URL has a path or query beyond the host: a site's home page is shared by many
    /// postings and says nothing about which job it is.
    static func namesOnePage(_ url: String) -> Bool {
        // Over the bytes: Foundation's substring search cost more than the rest of the keys.
        let bytes = url.utf8
        var i = bytes.startIndex
        var seenScheme = false
        while i != bytes.endIndex {
            if !seenScheme {
                if bytes[i] == UInt8(ascii: ":"), bytes[bytes.index(after: i)...].starts(with: "//".utf8) {
                    seenScheme = true
                    i = bytes.index(i, offsetBy: 3)
                    continue
                }
            } else if bytes[i] == UInt8(ascii: "/") || bytes[i] == UInt8(ascii: "?") {
                // The tail from the first / or ? after the host: more than a lone "/".
                return bytes.distance(from: i, to: bytes.endIndex) > 1 || bytes[i] != UInt8(ascii: "/")
            }
            i = bytes.index(after: i)
        }
        return false
    }

    /// A key's hash.
    static func hash(_ parts: [String]) -> UInt64 {
        var h = StableHash()
        for part in parts { h.add(part) }
        return h.value
    }
}
