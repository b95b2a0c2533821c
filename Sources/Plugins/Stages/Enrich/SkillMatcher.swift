import Foundation
import PipelineCore

/// Finds technologies in a title or description: a shipped dictionary of canonical skill names
/// with their aliases ("Postgres" → postgresql, "Golang" → go, "JS" → javascript, "k8s" →
/// kubernetes), matched on whole words and phrases of up to three words; C++, C#, .NET and
/// Node.js keep their punctuation, and "Go" counts only as written with a capital and not as
/// in "go to".
///
/// Works on the text's bytes, words found by hash of their lower-cased bytes: every
/// description of a run is searched, and a String per word cost 170 µs a posting.
///
/// ```swift
/// SkillMatcher.shared.skills(in: "Senior Golang dev, Postgres and K8s; C# a plus")
/// // ["go", "postgresql", "kubernetes", "c#"]
/// ```
public struct SkillMatcher: Sendable {
    /// A name or alias, as the lower-cased bytes of its words.
    struct Entry: Sendable {
        let words: [[UInt8]]
        let canonical: String
    }

    /// Entries by the hash of their first word, longest first ("ruby on rails" before "ruby").
    let byFirstWord: [UInt64: [Entry]]
    /// A bit per value of a first word's hash's low 16 bits: most words of a description are
    /// no skill's first word, and this answers that without a dictionary lookup.
    let firstWords: [UInt64]
    /// Alias or name -> canonical name.
    let names: [String: String]
    /// Names that are also common words ("react", "express", "spring"): they count only written
    /// with a capital.
    let capitalizedOnly: Set<String>

    /// The shipped dictionary, with `extra` (alias -> canonical name) over it.
    public init(extra: [String: String] = [:]) throws {
        struct File: Decodable {
            let skills: [String: [String]]
            let capitalizedOnly: [String]?
            enum CodingKeys: String, CodingKey {
                case skills
                case capitalizedOnly = "capitalized_only"
            }
        }
        guard let url = Bundle.module.url(forResource: "skills", withExtension: "json", subdirectory: "Skills") else {
            throw ConfigValueError("the skills dictionary is missing from the build")
        }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        var names: [String: String] = [:]
        for (canonical, aliases) in file.skills {
            names[canonical] = canonical
            for alias in aliases { names[alias] = canonical }
        }
        for (alias, canonical) in extra { names[alias.lowercased()] = canonical.lowercased() }
        var byFirstWord: [UInt64: [Entry]] = [:]
        for (name, canonical) in names {
            let words = name.split(separator: " ").map { Array($0.utf8) }
            guard let first = words.first else { continue }
            byFirstWord[Self.hash(first[...]), default: []].append(Entry(words: words, canonical: canonical))
        }
        self.byFirstWord = byFirstWord.mapValues { $0.sorted { $0.words.count > $1.words.count } }
        var firstWords = [UInt64](repeating: 0, count: 1 << 10)
        for hash in byFirstWord.keys { firstWords[Int(hash >> 6 & 0x3FF)] |= 1 << (hash & 63) }
        self.firstWords = firstWords
        self.names = names
        capitalizedOnly = Set(file.capitalizedOnly ?? [])
    }

    /// The canonical name of a skill another stage found, or the name itself.
    public func canonical(_ name: String) -> String {
        names[name.lowercased()] ?? name.lowercased()
    }

    /// The canonical skills named in `text`, in order of first mention, each once.
    public func skills(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { written in
            // The text's bytes as they are (for the capitals some names need) and lower-cased,
            // both read through pointers: the checked subscripts and slices of arrays were
            // half of the matcher's time.
            let lowered = [UInt8](unsafeUninitializedCapacity: written.count) { lower, count in
                for i in written.indices {
                    let byte = written[i]
                    lower[i] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                count = written.count
            }
            return lowered.withUnsafeBufferPointer { lower in skills(written: written, lower: lower) }
        }
    }

    private func skills(written: UnsafeBufferPointer<UInt8>, lower: UnsafeBufferPointer<UInt8>) -> [String] {
        // Sized for the text's words up front: growing the list was a quarter of the matcher's
        // time over a 250,000-posting run's descriptions.
        var words: [Range<Int>] = []
        words.reserveCapacity(lower.count / 5 + 4)
        Self.forEachWord(lower) { word, slashed in
            // "C#/.NET" and "Python/Django" are two names; "CI/CD" and "PL/SQL" are one.
            if slashed, entry(for: [word], in: lower) == nil {
                var start = word.lowerBound
                for i in word where lower[i] == 0x2F {
                    if i > start { words.append(start..<i) }
                    start = i + 1
                }
                if start < word.upperBound { words.append(start..<word.upperBound) }
            } else {
                words.append(word)
            }
        }
        var found: [String] = []
        var i = 0
        while i < words.count {
            var matched = 1
            let hash = Self.hash(lower, words[i])
            if firstWords[Int(hash >> 6 & 0x3FF)] & (1 << (hash & 63)) != 0, let candidates = byFirstWord[hash] {
                for entry in candidates where i + entry.words.count <= words.count {
                    guard entry.words.indices.allSatisfy({ Self.equal(lower, words[i + $0], entry.words[$0]) }) else { continue }
                    if entry.canonical == "go", !Self.isLanguageGo(written, lower, words, at: i, alias: entry.words) { continue }
                    if capitalizedOnly.contains(String(decoding: entry.words[0], as: UTF8.self)),
                       written[words[i].lowerBound] == lower[words[i].lowerBound] { continue }
                    // A one-letter name (C, R) only as a capital standing alone.
                    if entry.words.count == 1, entry.words[0].count == 1, written[words[i].lowerBound] == lower[words[i].lowerBound] { continue }
                    if !found.contains(entry.canonical) { found.append(entry.canonical) }
                    matched = entry.words.count
                    break
                }
            }
            i += matched
        }
        return found
    }

    private func entry(for words: [Range<Int>], in lower: UnsafeBufferPointer<UInt8>) -> Entry? {
        guard let first = words.first else { return nil }
        return byFirstWord[Self.hash(lower, first)]?.first { entry in
            entry.words.count == words.count && entry.words.indices.allSatisfy { Self.equal(lower, words[$0], entry.words[$0]) }
        }
    }

    /// Whether the text's bytes in `range` are `word`.
    private static func equal(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        range.count == word.count && UnsafeBufferPointer(rebasing: text[range]).elementsEqual(word)
    }

    /// "Go" the language: "golang", or "Go"/"GO" written so, not followed by a word that makes
    /// it the verb.
    static func isLanguageGo(
        _ written: UnsafeBufferPointer<UInt8>, _ lower: UnsafeBufferPointer<UInt8>, _ words: [Range<Int>], at index: Int, alias: [[UInt8]]
    ) -> Bool {
        guard alias == [Array("go".utf8)] else { return true }
        guard written[words[index].lowerBound] == UInt8(ascii: "G") else { return false }
        guard index + 1 < words.count else { return true }
        let next = String(decoding: UnsafeBufferPointer(rebasing: lower[words[index + 1]]), as: UTF8.self)
        return !["to", "ahead", "live", "through", "beyond", "further", "above", "with", "for", "get", "and"].contains(next)
    }

    /// Calls `body` with each word's range, and whether a `/` is inside it: words split on
    /// white space and punctuation, keeping what makes a technology's name: `+` and `#` (C++,
    /// C#), a leading or inner `.` (.NET, Node.js), `/` inside (CI/CD, PL/SQL), inner `-`
    /// (objective-c) and `&` (R&D, which is no R); trailing `.`, `-`, `/` and `&` are punctuation.
    static func forEachWord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Bool) -> Void) {
        var start = -1
        var slash = -1
        // The word bytes as a bitmap in four registers: one test a byte instead of a dozen
        // comparisons (every description of a run goes through this loop).
        let (k0, k1, k2, k3) = Self.wordBytes
        for i in 0...bytes.count {
            let byte = i < bytes.count ? bytes[i] : 0x20
            let word = byte < 0x40 ? k0 : byte < 0x80 ? k1 : byte < 0xC0 ? k2 : k3
            if word >> UInt64(byte & 63) & 1 != 0 {
                if start < 0 { start = i }
                if byte == 0x2F, slash < start { slash = i }
            } else if start >= 0 {
                var last = i
                while last > start, Self.isTrailingPunctuation(bytes[last - 1]) { last -= 1 }
                if last > start { body(start..<last, slash >= start && slash < last) }
                start = -1
            }
        }
    }

    /// Bit b of word b / 64 is set for the bytes a word is made of: letters, digits, bytes of
    /// multi-byte characters, and `+ # . - / &`.
    private static let wordBytes: (UInt64, UInt64, UInt64, UInt64) = {
        var words: [UInt64] = [0, 0, 0, 0]
        for byte in 0..<256 {
            let kept = (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || byte >= 0x80
                || [0x2B, 0x23, 0x2E, 0x2D, 0x2F, 0x26].contains(byte)
            if kept { words[byte / 64] |= 1 << UInt64(byte % 64) }
        }
        return (words[0], words[1], words[2], words[3])
    }()

    private static func isTrailingPunctuation(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x2D || byte == 0x2F || byte == 0x26
    }

    /// FNV-1a over a word's bytes.
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash($0, $0.indices) }
    }

    /// FNV-1a over the text's bytes in `range`.
    static func hash(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in range { h = (h ^ UInt64(text[i])) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
