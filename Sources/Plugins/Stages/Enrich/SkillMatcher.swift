import Foundation
import PipelineCore

/// Finds technologies in a title or description: a shipped dictionary of canonical skill names
/// with their aliases ("Postgres" → postgresql, "Golang" → go, "JS" → javascript, "k8s" →
/// kubernetes), matched on whole words and phrases of up to three words; C++, C#, .NET and
/// Node.js keep their punctuation, and "Go" counts only as written with a capital and not as
/// in "go to".
///
/// ```swift
/// SkillMatcher.shared.skills(in: "Senior Golang dev, Postgres and K8s; C# a plus")
/// // ["go", "postgresql", "kubernetes", "c#"]
/// ```
public struct SkillMatcher: Sendable {
    /// Alias or name (lower-cased, words joined by one space) -> canonical name.
    let names: [String: String]
    /// The most words any name has.
    let longest: Int

    /// The shipped dictionary, with `extra` (alias -> canonical name) over it.
    public init(extra: [String: String] = [:]) throws {
        struct File: Decodable { let skills: [String: [String]] }
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
        self.names = names
        longest = names.keys.map { $0.split(separator: " ").count }.max() ?? 1
    }

    /// The canonical name of a skill another stage found, or the name itself.
    public func canonical(_ name: String) -> String {
        names[name.lowercased()] ?? name.lowercased()
    }

    /// The canonical skills named in `text`, in order of first mention, each once.
    public func skills(in text: String) -> [String] {
        // "C#/.NET" and "Python/Django" are two names; "CI/CD" and "PL/SQL" are one.
        let words = Self.words(text).flatMap { word -> [Word] in
            guard word.lower.contains("/"), names[word.lower] == nil else { return [word] }
            return word.written.split(separator: "/").map { Word(written: String($0), lower: $0.lowercased()) }
        }
        var found: [String] = []
        var i = 0
        while i < words.count {
            var matched = 0
            // The longest phrase first: "ruby on rails" before "ruby".
            for length in stride(from: min(longest, words.count - i), through: 1, by: -1) {
                let phrase = words[i..<(i + length)].map(\.lower).joined(separator: " ")
                guard let skill = names[phrase] else { continue }
                if skill == "go", !Self.isLanguageGo(words, at: i, phrase: phrase) { continue }
                // A one-letter name (C, R) only as a capital standing alone.
                if phrase.utf8.count == 1, words[i].written != phrase.uppercased() { continue }
                if !found.contains(skill) { found.append(skill) }
                matched = length
                break
            }
            i += max(matched, 1)
        }
        return found
    }

    /// "Go" the language: "golang", or "Go"/"GO" written so, not followed by a word that makes
    /// it the verb.
    static func isLanguageGo(_ words: [Word], at index: Int, phrase: String) -> Bool {
        if phrase != "go" { return true }
        guard words[index].written == "Go" || words[index].written == "GO" else { return false }
        let next = index + 1 < words.count ? words[index + 1].lower : ""
        return !["to", "ahead", "live", "through", "beyond", "further", "above", "with", "for", "get", "and"].contains(next)
    }

    /// One word as written and lower-cased.
    struct Word {
        let written: String
        let lower: String
    }

    /// Words split on white space and punctuation, keeping what makes a technology's name:
    /// `+` and `#` at the end (C++, C#), a leading or inner `.` (.NET, Node.js), `/` inside
    /// (CI/CD, PL/SQL), inner `-` (objective-c) and `&` (R&D).
    static func words(_ text: String) -> [Word] {
        var out: [Word] = []
        var current: [UInt8] = []
        func close() {
            // Trailing dots and dashes are sentence punctuation, not part of the name.
            while let last = current.last, last == 0x2E || last == 0x2D || last == 0x2F || last == 0x26 { current.removeLast() }
            if !current.isEmpty {
                let written = String(decoding: current, as: UTF8.self)
                out.append(Word(written: written, lower: written.lowercased()))
            }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let letterOrDigit = (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte >= 0x80
            if letterOrDigit || byte == 0x2B || byte == 0x23 {
                current.append(byte)
            } else if byte == 0x2E || byte == 0x2D || byte == 0x2F || byte == 0x26 {
                // Kept inside a word: "Node.js", "CI/CD", and "R&D", which is no R.
                current.append(byte)
            } else {
                close()
            }
        }
        close()
        return out
    }
}
