import PipelineCore

/// Reads the seniority a description's experience requirement implies, for postings whose title
/// names none: "5+ years of experience" is senior, "3-5 years' experience" mid, "1-2 years"
/// junior, "new grads welcome" and "entry-level" junior.
///
/// A scan of lower-cased bytes rather than a regular expression: it runs on every description
/// of a run without a seniority, and most descriptions are rejected by a byte search.
///
/// ```swift
/// ExperienceReader.seniority(in: "We want 5+ years of experience with Go.")   // .senior
/// ```
public enum ExperienceReader {
    /// The seniority the text's smallest stated experience requirement implies, or nil.
    public static func seniority(in text: String) -> Seniority? {
        let bytes = Array(text.utf8.lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
        var fewest: Int?
        for index in occurrences(of: Array("year".utf8), in: bytes) + occurrences(of: Array("yrs".utf8), in: bytes) + occurrences(of: Array("ans".utf8), in: bytes) {
            guard let years = yearsBefore(index, in: bytes), mentionsExperience(after: index, in: bytes) else { continue }
            fewest = min(fewest ?? years, years)
        }
        if let fewest {
            switch fewest {
            case ..<2: return .junior
            case 2..<5: return .mid
            default: return .senior
            }
        }
        for phrase in juniorPhrases where !occurrences(of: phrase, in: bytes).isEmpty { return .junior }
        return nil
    }

    static let juniorPhrases: [[UInt8]] = [
        "new grad", "recent grad", "entry-level", "entry level", "no experience required", "nouveaux diplômés", "débutant",
    ].map { Array($0.utf8) }

    /// The lower bound of "5", "5+", "3-5", "3 to 5", "3–5" just before a "years" at `index`.
    static func yearsBefore(_ index: Int, in bytes: [UInt8]) -> Int? {
        var i = index - 1
        func skip(_ set: Set<UInt8>) { while i >= 0, set.contains(bytes[i]) { i -= 1 } }
        skip([0x20, 0x2B, 0x29])   // spaces, '+', ')'
        guard i >= 0, isDigit(bytes[i]) else { return nil }
        var number = readNumberBackwards(&i, bytes)
        // A range: take its lower end.
        let save = i
        skip([0x20])
        if i >= 0, bytes[i] == 0x2D || bytes[i] == 0x93 || (i >= 1 && bytes[i] == 0x6F && bytes[i - 1] == 0x74) {
            i -= bytes[i] == 0x6F ? 2 : 1
            if i >= 0, bytes[i] == 0x80 || bytes[i] == 0xE2 { while i >= 0, bytes[i] >= 0x80 { i -= 1 } }
            skip([0x20])
            if i >= 0, isDigit(bytes[i]) { number = readNumberBackwards(&i, bytes) } else { i = save }
        }
        return number <= 40 ? number : nil
    }

    private static func readNumberBackwards(_ i: inout Int, _ bytes: [UInt8]) -> Int {
        var value = 0, scale = 1
        while i >= 0, isDigit(bytes[i]), scale <= 100 {
            value += Int(bytes[i] - 0x30) * scale
            scale *= 10
            i -= 1
        }
        return value
    }

    /// "experience" (or "expérience") within a few words after the "years".
    static func mentionsExperience(after index: Int, in bytes: [UInt8]) -> Bool {
        let window = bytes[index..<min(bytes.count, index + 48)]
        return !occurrences(of: Array("experience".utf8), in: Array(window)).isEmpty
            || !occurrences(of: Array("expérience".utf8), in: Array(window)).isEmpty
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard let first = needle.first, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { found.append(i) }
            i += 1
        }
        return found
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
