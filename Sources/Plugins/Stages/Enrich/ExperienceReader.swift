import PipelineCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        var text = text
        let bytes: [UInt8] = text.withUTF8 { utf8 in
            [UInt8](unsafeUninitializedCapacity: utf8.count) { lower, count in
                for i in utf8.indices {
                    let byte = utf8[i]
                    lower[i] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                count = utf8.count
            }
        }
        var fewest: Int?
        // A year word counts only after a number (`yearsBefore`), with nothing but spaces, '+'
        // and ')' between: so the words are looked for only there, after each run of digits —
        // descriptions have few — instead of searched for through every text (three searches,
        // "ans" stopping at every "s").
        bytes.withUnsafeBufferPointer { text in
            var i = 0
            while true {
                i = firstDigit(in: text, from: i)
                guard i < text.count else { break }
                while i < text.count, isDigit(text[i]) { i += 1 }
                var index = i
                while index < text.count, text[index] == 0x20 || text[index] == 0x2B || text[index] == 0x29 { index += 1 }
                for word in yearWords where index + word.count <= text.count
                    && UnsafeBufferPointer(rebasing: text[index..<(index + word.count)]).elementsEqual(word) {
                    guard let years = yearsBefore(index, in: bytes), mentionsExperience(after: index, in: bytes) else { continue }
                    fewest = min(fewest ?? years, years)
                }
            }
        }
        if let fewest {
            switch fewest {
            case ..<2: return .junior
            case 2..<5: return .mid
            default: return .senior
            }
        }
        for phrase in juniorPhrases where contains(phrase, in: bytes[...]) { return .junior }
        return nil
    }

    static let yearWords: [[UInt8]] = ["year", "yrs", "ans"].map { Array($0.utf8) }

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
        return contains(experience, in: window) || contains(experienceFrench, in: window)
    }

    private static let experience = Array("experience".utf8)
    private static let experienceFrench = Array("expérience".utf8)

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Bool {
        haystack.withUnsafeBufferPointer { firstOccurrence(of: needle, in: $0, from: 0) != nil }
    }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    ///
    /// Candidates are found by the C library's `memchr`, which skips through the text many
    /// bytes at a time (`memmem` is a GNU extension Swift does not see): every description of
    /// a run without a seniority is searched for several words, and a search byte by byte in
    /// Swift was a third of the enrich stage's time. The byte looked for is the needle's
    /// rarest in English text (`rarity`), not its first: "ans" and "entry level" looked for by
    /// their "a" and "e" stopped `memchr` every few bytes of every description.
    static func firstOccurrence(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard !needle.isEmpty, let base = haystack.baseAddress else { return nil }
        var anchor = 0
        for k in needle.indices where rarity(needle[k]) > rarity(needle[anchor]) { anchor = k }
        let byte = Int32(needle[anchor])
        var i = from
        while i + needle.count <= haystack.count {
            // The needle may start anywhere in i...(count - needle.count): its anchor byte is
            // `anchor` bytes further on.
            guard let hit = memchr(base + i + anchor, byte, haystack.count - needle.count + 1 - i) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
            if UnsafeBufferPointer(rebasing: haystack[at..<(at + needle.count)]).elementsEqual(needle) { return at }
            i = at + 1
        }
        return nil
    }

    /// How rare a lower-cased byte is in English text, roughly: white space least, then the
    /// letters from the most common to the least, then everything else (digits, punctuation,
    /// the bytes of accented letters).
    static func rarity(_ byte: UInt8) -> Int {
        Int(rarities[Int(byte)])
    }

    /// `rarity` by byte value, made once: the anchor is chosen at every search.
    private static let rarities: [UInt8] = {
        var table = [UInt8](repeating: 100, count: 256)
        table[0x20] = 0
        for (rank, letter) in "etaoinshrdlcumwfgypbvkjxqz".utf8.enumerated() { table[Int(letter)] = UInt8(1 + rank) }
        return table
    }()

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Where the first ASCII digit at or after `start` is (the text's count if none), sixteen
    /// bytes at a time.
    static func firstDigit(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if let base = text.baseAddress {
            let raw = UnsafeRawPointer(base)
            let zero = SIMD16<UInt8>(repeating: 0x30), ten = SIMD16<UInt8>(repeating: 10)
            while i + 16 <= text.count {
                if any((raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) &- zero) .< ten) { break }
                i += 16
            }
        }
        while i < text.count, !isDigit(text[i]) { i += 1 }
        return i
    }
}
