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
        /// Its first word is a common word too: it counts only written with a capital.
        let capitalOnly: Bool
    }

    /// A word of the text: where it is, and the hash of its lower-cased bytes.
    struct Word {
        let range: Range<Int>
        let hash: UInt64
    }

    /// Entries by the hash of their first word, longest first ("ruby on rails" before "ruby").
    let byFirstWord: [UInt64: [Entry]]
    /// A bit per value of a first word's hash's low 16 bits: most words of a description are
    /// no skill's first word, and this answers that without a dictionary lookup.
    let firstWords: [UInt64]
    /// Alias or name -> canonical name.
    let names: [String: String]

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
        let capitalizedOnly = Set(file.capitalizedOnly ?? [])
        var byFirstWord: [UInt64: [Entry]] = [:]
        for (name, canonical) in names {
            let words = name.split(separator: " ").map { Array($0.utf8) }
            guard let first = words.first else { continue }
            let entry = Entry(words: words, canonical: canonical, capitalOnly: capitalizedOnly.contains(String(decoding: first, as: UTF8.self)))
            byFirstWord[first.withUnsafeBufferPointer { Self.hash($0, $0.indices) }, default: []].append(entry)
        }
        self.byFirstWord = byFirstWord.mapValues { $0.sorted { $0.words.count > $1.words.count } }
        var firstWords = [UInt64](repeating: 0, count: 1 << 10)
        for hash in byFirstWord.keys { firstWords[Int(hash >> 6 & 0x3FF)] |= 1 << (hash & 63) }
        self.firstWords = firstWords
        self.names = names
    }

    /// The canonical name of a skill another stage found, or the name itself.
    public func canonical(_ name: String) -> String {
        names[name.lowercased()] ?? name.lowercased()
    }

    /// The canonical skills named in `text`, in order of first mention, each once.
    public func skills(in text: String) -> [String] {
        var text = text
        // Read through the text's own bytes, each once: words are found, lower-cased and
        // hashed in one pass, and only a likely match is compared (ignoring case). Lowering a
        // copy of the text first and hashing each word in a second pass was two thirds of the
        // matcher's time over a run's descriptions.
        return text.withUTF8 { skills(written: $0) }
    }

    private func skills(written: UnsafeBufferPointer<UInt8>) -> [String] {
        // Sized for the text's words up front: growing the list was a quarter of the matcher's
        // time over a 250,000-posting run's descriptions.
        var words: [Word] = []
        words.reserveCapacity(written.count / 5 + 4)
        Self.forEachWord(written) { word, slashed in
            // "C#/.NET" and "Python/Django" are two names; "CI/CD" and "PL/SQL" are one.
            if slashed, entry(for: word, in: written) == nil {
                var start = word.range.lowerBound
                for i in word.range where written[i] == 0x2F {
                    if i > start { words.append(Word(range: start..<i, hash: Self.hash(written, start..<i))) }
                    start = i + 1
                }
                if start < word.range.upperBound {
                    words.append(Word(range: start..<word.range.upperBound, hash: Self.hash(written, start..<word.range.upperBound)))
                }
            } else {
                words.append(word)
            }
        }
        var found: [String] = []
        var i = 0
        while i < words.count {
            var matched = 1
            let hash = words[i].hash
            if firstWords[Int(hash >> 6 & 0x3FF)] & (1 << (hash & 63)) != 0, let candidates = byFirstWord[hash] {
                let first = written[words[i].range.lowerBound]
                let capital = first >= 0x41 && first <= 0x5A
                for entry in candidates where i + entry.words.count <= words.count {
                    guard entry.words.indices.allSatisfy({ Self.equal(written, words[i + $0].range, entry.words[$0]) }) else { continue }
                    if entry.canonical == "go", !Self.isLanguageGo(written, words, at: i, alias: entry.words) { continue }
                    if entry.capitalOnly, !capital { continue }
                    // A one-letter name (C, R) only as a capital standing alone.
                    if entry.words.count == 1, entry.words[0].count == 1, !capital { continue }
                    if !found.contains(entry.canonical) { found.append(entry.canonical) }
                    matched = entry.words.count
                    break
                }
            }
            i += matched
        }
        return found
    }

    /// The one-word entry that is `word`, if any.
    private func entry(for word: Word, in text: UnsafeBufferPointer<UInt8>) -> Entry? {
        byFirstWord[word.hash]?.first { $0.words.count == 1 && Self.equal(text, word.range, $0.words[0]) }
    }

    /// Whether the text's bytes in `range`, lower-cased, are `word`.
    private static func equal(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var k = 0
        for i in range {
            guard lowered(text[i]) == word[k] else { return false }
            k += 1
        }
        return true
    }

    /// "Go" the language: "golang", or "Go"/"GO" written so, not followed by a word that makes
    /// it the verb.
    static func isLanguageGo(_ written: UnsafeBufferPointer<UInt8>, _ words: [Word], at index: Int, alias: [[UInt8]]) -> Bool {
        guard alias == [Array("go".utf8)] else { return true }
        guard written[words[index].range.lowerBound] == UInt8(ascii: "G") else { return false }
        guard index + 1 < words.count else { return true }
        let next = String(decoding: written[words[index + 1].range].map(lowered), as: UTF8.self)
        return !["to", "ahead", "live", "through", "beyond", "further", "above", "with", "for", "get", "and"].contains(next)
    }

    /// Calls `body` with each word (its range and the hash of its lower-cased bytes), and
    /// whether a `/` is inside it: words split on white space and punctuation, keeping what
    /// makes a technology's name: `+` and `#` (C++, C#), a leading or inner `.` (.NET,
    /// Node.js), `/` inside (CI/CD, PL/SQL), inner `-` (objective-c) and `&` (R&D, which is no
    /// R); trailing `.`, `-`, `/` and `&` are punctuation.
    static func forEachWord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Word, Bool) -> Void) {
        var start = -1
        var slash = -1
        // The word's hash so far, and as it was after its last byte that is not trailing
        // punctuation (where the word ends if it ends here).
        var hash: UInt64 = 0
        var kept: UInt64 = 0
        var keptEnd = 0
        func end() {
            if keptEnd > start { body(Word(range: start..<keptEnd, hash: kept), slash >= start && slash < keptEnd) }
            start = -1
        }
        // One table entry a byte tells all the loop needs (every description of a run goes
        // through it): comparisons and ranges per byte were mispredicted branches.
        Self.byteTable.withUnsafeBufferPointer { table in
            for i in bytes.indices {
                let entry = table[Int(bytes[i])]
                if entry & Self.wordByte != 0 {
                    if start < 0 {
                        start = i
                        hash = fnvBasis
                    }
                    hash = (hash ^ UInt64(entry & 0xFF)) &* fnvPrime
                    if entry & Self.trailingByte == 0 {
                        kept = hash
                        keptEnd = i + 1
                    } else if entry & 0xFF == 0x2F, slash < start {
                        slash = i
                    }
                } else if start >= 0 {
                    end()
                }
            }
        }
        if start >= 0 { end() }
    }

    /// For each byte value, its lower-cased value (low 8 bits) and whether it is a byte words
    /// are made of (letters, digits, bytes of multi-byte characters, and `+ # . - / &`) and,
    /// of those, punctuation when it ends a word (`. - / &`).
    private static let byteTable: [UInt16] = (0..<256).map { value in
        let byte = UInt8(value)
        var entry = UInt16(lowered(byte))
        let word = (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || byte >= 0x80
            || [0x2B, 0x23, 0x2E, 0x2D, 0x2F, 0x26].contains(byte)
        if word { entry |= wordByte }
        if isTrailingPunctuation(byte) { entry |= trailingByte }
        return entry
    }
    private static let wordByte: UInt16 = 0x100
    private static let trailingByte: UInt16 = 0x200

    private static func isTrailingPunctuation(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x2D || byte == 0x2F || byte == 0x26
    }

    private static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// An ASCII capital as its small letter; any other byte as it is.
    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// FNV-1a over the text's bytes in `range`, lower-cased.
    static func hash(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var h = fnvBasis
        for i in range { h = (h ^ UInt64(lowered(text[i]))) &* fnvPrime }
        return h
    }
}
