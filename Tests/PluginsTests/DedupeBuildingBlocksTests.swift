import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("Dedupe's building blocks: company keys and description hashes")
struct DedupeBuildingBlocksTests {
    @Test("legal forms, case, accents and punctuation do not make another company", arguments: [
        ("ACME, Inc.", "Acme Corporation"),
        ("Acme Inc", "acme"),
        ("Les Technologies Acme Ltée", "Les technologies ACME ltee"),
        ("Müller GmbH", "Muller"),
        ("Shopify Inc.", "SHOPIFY"),
        ("Globex S.A.", "Globex SA"),
        // ASCII names take a path of their own; a non-ASCII space sends the same name the other way.
        ("Tundra Data Ltd.", "Tundra Data\u{00A0}Ltd."),
        ("O'Reilly Media, Inc.", "O’Reilly Media\u{00A0}Inc"),
    ])
    func sameCompany(a: String, b: String) {
        #expect(CompanyName.key(a) == CompanyName.key(b))
        #expect(!CompanyName.key(a).isEmpty)
    }

    @Test("different companies stay different, and a name that is only a legal word is kept", arguments: [
        ("Acme Software", "Acme Hardware"),
        ("Globex", "Initech"),
    ])
    func differentCompanies(a: String, b: String) {
        #expect(CompanyName.key(a) != CompanyName.key(b))
    }

    @Test("a name that is only a legal word is not emptied")
    func legalWordAlone() {
        #expect(CompanyName.key("Company") == "company")
    }

    static let description = """
        Acme is hiring a Back-End Developer in Toronto. You will design and build APIs in Go and Python, \
        run services on Kubernetes, and work with PostgreSQL and Kafka. We offer a pension, dental \
        benefits, flexible hours and a yearly learning budget. Apply with your resume and a short note.
        """

    @Test("near-identical descriptions hash a few bits apart; different ones far apart")
    func simHash() {
        let base = SimHash(text: Self.description)
        let reposted = SimHash(text: Self.description.replacingOccurrences(of: "a short note", with: "a cover letter") + " Ref: 12345")
        let recased = SimHash(text: Self.description.uppercased())
        let other = SimHash(text: """
            Globex seeks a Data Analyst for its Calgary office to build dashboards in Tableau and SQL, \
            report to the finance team, and maintain the warehouse. Hybrid work, three days in office.
            """)
        #expect(base.distance(to: recased) == 0)
        #expect(base.distance(to: reposted) <= 8)
        #expect(base.distance(to: other) >= 20)
        #expect(SimHash(text: "").value == 0)
    }

    @Test("SimHash's words are the text's runs of letters, digits and non-ASCII bytes, each hashed as it would be alone")
    func simHashWords() {
        // Texts of words and separators of every kind, at every length around the scan's
        // boundaries: empty, a separator alone, words at the start and the end, runs of
        // separators, multi-byte characters (part of words), capitals.
        let pieces = ["a", "Go", "node", "C++", "x1", "été", "日本", "REACT", " ", "  ", ", ", ".", "-", "/", "\n", "\t", "&", "#"]
        var generator = SystemRandomNumberGenerator()
        var texts = ["", " ", "a", "a ", " a", "ab cd", "ab  cd.", "é"]
        for _ in 0..<500 {
            texts.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        func isWordByte(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0x80
        }
        func hashes(_ text: String) -> [UInt64] {
            Array(text.utf8).withUnsafeBufferPointer { SimHash.wordHashes($0) }
        }
        for text in texts {
            let words = Array(text.utf8).split(whereSeparator: { !isWordByte($0) }).map { String(decoding: $0, as: UTF8.self) }
            let found = hashes(text)
            #expect(found.count == words.count, "\(text.debugDescription)")
            #expect(found == words.map { hashes($0).first ?? 0 }, "\(text.debugDescription)")
            // ASCII letters only: "été" and "ÉTÉ" are other bytes, and other words.
            let capitals = String(decoding: text.utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
            #expect(hashes(capitals) == found, "\(text.debugDescription)")
        }
        // Different words, different hashes.
        let distinct = Set(["go", "og", "node", "nodes", "react", "reacts", "été", "ete", "a1", "1a", "kubernetes", "kubernetesx"])
        #expect(Set(distinct.map { hashes($0).first }).count == distinct.count)
    }

    @Test("a signature gives back the id it was made with, whatever its form, also from its store", arguments: [
        "00ab34cd56ef7890", "ffffffffffffffff", "0000000000000000", "00AB34CD56EF7890", "+0ab34cd56ef7890", "acme-42", "",
    ])
    func idRoundTrip(id: String) throws {
        let signature = DedupeSignature(JobPosting(id: id), id: id, firstSeen: .now, earlier: false, sourceRank: 3)
        #expect(signature.id == id)
        #expect(DedupeSignature.IDKey(id) == signature.idKey)
        let store = try SignatureStore()
        let other = DedupeSignature(JobPosting(id: "x"), id: "x", firstSeen: .now, earlier: false, sourceRank: 0)
        try store.append([other, signature])
        let standings = try store.standings([1, 0])
        #expect(standings.map(\.id) == [id, "x"])
        #expect(standings[0].sourceRank == 3)
        // The same id seen in an earlier run is found, in either form.
        #expect(try store.sawEarlier(id: id, firstSeen: 0))
        #expect(try store.standings([1])[0].firstSeen == 0)
        #expect(try !store.sawEarlier(id: id + "0", firstSeen: 0))
    }

    @Test("a URL names one page when something follows its host but a lone slash", arguments: [
        ("https://acme.example/jobs/1", true), ("https://acme.example/?id=7", true), ("https://acme.example?id=7", true),
        ("https://acme.example/", false), ("https://acme.example", false), ("acme.example/jobs/1", false), ("https://", false),
        ("mailto:jobs@acme.example", false), ("https://acme.example/a", true),
    ])
    func namesOnePage(url: String, expected: Bool) {
        #expect(DedupeSignature.namesOnePage(url) == expected)
    }

    @Test("the signatures' scratch database groups by key in the order they came, pairs and more")
    func groupsByKey() throws {
        let store = try SignatureStore()
        func posting(_ id: String, url: String?) -> DedupeSignature {
            DedupeSignature(JobPosting(id: id, url: url), id: id, firstSeen: .now, earlier: false, sourceRank: 0)
        }
        try store.append([posting("a", url: "https://x.example/1"), posting("b", url: "https://x.example/2"), posting("c", url: "https://x.example/1")])
        try store.append([posting("d", url: nil), posting("e", url: "https://x.example/1"), posting("f", url: "https://x.example/2")])
        var groups: [[Int]] = []
        try store.forEachGroup(sharing: .url) { groups.append($0.map(\.index)) }
        #expect(groups.sorted { $0[0] < $1[0] } == [[0, 2, 4], [1, 5]])
        #expect(store.count == 6)
    }
}
