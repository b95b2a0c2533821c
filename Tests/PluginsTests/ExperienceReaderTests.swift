import PipelineCore
@testable import Plugins
import Testing

@Suite("Seniority from a description's experience requirement")
struct ExperienceReaderTests {
    @Test("years of experience, ranges, new grads; no requirement, no seniority", arguments: [
        ("We want 5+ years of experience with Go.", Seniority.senior),
        ("3-5 years of experience building APIs", .mid),
        ("3 to 5 years' experience in SQL", .mid),
        ("Requires 3–5 yrs experience.", .mid),
        ("1-2 years of professional experience", .junior),
        ("At least 2 years of relevant experience; 8 years preferred", .mid),
        ("New grads welcome!", .junior),
        ("This is an entry-level role.", .junior),
        ("Minimum 7 years experience leading teams", .senior),
        ("5 ans d'expérience en développement", .senior),
    ])
    func reads(text: String, expected: Seniority) {
        #expect(ExperienceReader.seniority(in: text) == expected)
    }

    @Test("years that are not an experience requirement say nothing", arguments: [
        "Founded 25 years ago, we build plans for customers.",
        "Our 401k vests over 4 years.",
        "Experience with Kubernetes is a plus.",
        "",
    ])
    func ignores(text: String) {
        #expect(ExperienceReader.seniority(in: text) == nil)
    }

    @Test("the byte search finds every occurrence a naive search finds, in order, at both ends of the text")
    func searchMatchesNaive() {
        // Needles whose rarest byte is first, inside and last; a small alphabet so that they
        // occur often, overlap and sit at the text's first and last bytes.
        let needles = ["yrs", "ans", "aa", "entry level", "new grad", "xa", "ax", "a", "q"].map { Array($0.utf8) }
        let alphabet = Array("anxyrs eq".utf8) + Array("new grad entry level".utf8)
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 10, 40, 200] {
            for _ in 0..<50 {
                let text = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x20 }
                for needle in needles {
                    var naive: [Int] = []
                    if needle.count <= text.count {
                        for start in 0...(text.count - needle.count) where Array(text[start..<(start + needle.count)]) == needle {
                            naive.append(start)
                        }
                    }
                    var found: [Int] = []
                    text.withUnsafeBufferPointer { haystack in
                        var from = 0
                        while let hit = ExperienceReader.firstOccurrence(of: needle, in: haystack, from: from) {
                            found.append(hit)
                            from = hit + 1
                        }
                    }
                    #expect(found == naive, "\(String(decoding: needle, as: UTF8.self)) in \(String(decoding: text, as: UTF8.self))")
                }
            }
        }
    }

    @Test("year words found after numbers give what a search for every occurrence gives, on random texts")
    func yearsAfterNumbersMatchEveryOccurrence() {
        // Pieces that make and break requirements: numbers, ranges, '+', ')', year words in
        // both languages and cases, "experience" near and far, and filler, across the
        // sixteen-byte steps of the digit search.
        let pieces = ["5", "12", "3", "0", "41", " ", " ", "+", ")", "-", " to ", "–", "years", "YEARS", "year", "yrs", "ans",
                      " of ", " experience", " expérience", "Experience", " d'", "we build plans for customers and teams ",
                      "x", "new grad", "ENTRY-LEVEL", "é", "\n"]
        var generator = SystemRandomNumberGenerator()
        var found = 0
        for _ in 0..<4_000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            let expected = Self.everyOccurrence(text)
            if expected != nil { found += 1 }
            #expect(ExperienceReader.seniority(in: text) == expected, "\(text)")
        }
        // Requirements are found, not only their absence.
        #expect(found > 200)
    }

    /// The reading as it was made before: every occurrence of every year word looked at.
    static func everyOccurrence(_ text: String) -> Seniority? {
        let bytes = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var fewest: Int?
        for word in ExperienceReader.yearWords where word.count <= bytes.count {
            for index in 0...(bytes.count - word.count) where Array(bytes[index..<(index + word.count)]) == word {
                guard let years = ExperienceReader.yearsBefore(index, in: bytes),
                      ExperienceReader.mentionsExperience(after: index, in: bytes) else { continue }
                fewest = min(fewest ?? years, years)
            }
        }
        if let fewest { return fewest < 2 ? .junior : fewest < 5 ? .mid : .senior }
        for phrase in ExperienceReader.juniorPhrases where ExperienceReader.contains(phrase, in: bytes[...]) { return .junior }
        return nil
    }

    @Test("the stage takes the seniority from the description only when the title names none, and says so")
    func stage() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Back-End Developer","description_text":"You have 6+ years of experience.","location":{"text":"Halifax, NS"}}
            {"source_id":"2","title":"Junior Back-End Developer","description_text":"You have 6+ years of experience.","location":{"text":"Halifax, NS"}}
            """)
        _ = try await scratch.run("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages: [ { type: normalize }, { type: enrich } ]
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out[0]["seniority"] == .string("senior"))
        #expect(out[0]["extra"] == .object([("salary_band_note", .string("seniority inferred from the description")), ("seniority_basis", .string("description"))]))
        #expect(out[0]["salary_band"]?["min"] == .number("100000"))
        #expect(out[1]["seniority"] == .string("junior"))
        #expect(out[1]["extra"] == nil)
    }
}
