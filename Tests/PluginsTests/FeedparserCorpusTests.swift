import Foundation
import PipelineCore
@testable import Plugins
import Testing

/// Runs the feedparser test corpus (`../shared/corpora/feedparser`) through the `feed` source's
/// parser and mappers. Each document's `Expect:` line is a Python expression over feedparser's
/// result; the conjuncts that map onto our record (entry titles, links, ids, dates, authors, and
/// content given as plain text) are checked, the rest are skipped by a named rule, and the
/// tallies are printed.
@Suite("The feedparser corpus", .enabled(if: FeedparserCorpus.root != nil, "the corpus is not beside the package (../shared/corpora/feedparser)"))
struct FeedparserCorpusTests {
    @Test("well-formed documents meet every applicable expectation")
    func wellFormed() throws {
        let corpus = try #require(FeedparserCorpus.root)
        var tally = FeedparserCorpus.Tally()
        for folder in ["wellformed", "encoding", "entities"] {
            for file in FeedparserCorpus.files(in: corpus.appendingPathComponent(folder)) {
                tally.check(file, folder: folder)
            }
        }
        print(tally.summary)
        #expect(tally.crashes.isEmpty)
        #expect(tally.checked > 300, "too few expectations were applicable: \(tally.checked)")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) of \(tally.checked) failed; first: \(tally.failures.prefix(10).joined(separator: "\n"))")
    }

    @Test("ill-formed documents never crash: they give postings or a clean error")
    func illFormed() throws {
        let corpus = try #require(FeedparserCorpus.root)
        var outcomes: [String: Int] = [:]
        for file in FeedparserCorpus.files(in: corpus.appendingPathComponent("illformed")) {
            let result = FeedparserCorpus.parse(file)
            switch result.error {
            case nil: outcomes["postings", default: 0] += 1
            case let message?:
                outcomes["clean error", default: 0] += 1
                #expect(message.contains(file.lastPathComponent), "the error names no file: \(message)")
            }
        }
        print("feedparser corpus, ill-formed: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
        #expect(outcomes.values.reduce(0, +) > 10)
    }
}

enum FeedparserCorpus {
    static let root: URL? = {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = package.deletingLastPathComponent().appendingPathComponent("shared/corpora/feedparser")
        return FileManager.default.fileExists(atPath: corpus.path) ? corpus : nil
    }()

    static func files(in folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
    }

    struct Parsed {
        var entries: [JobPosting] = []
        var error: String?
    }

    /// Reads a document with the `feed` source's parser and mappers, keeping every entry in order.
    static func parse(_ file: URL) -> Parsed {
        var parsed = Parsed()
        guard let data = try? Data(contentsOf: file) else {
            parsed.error = "\(file.lastPathComponent): unreadable"
            return parsed
        }
        let display = file.lastPathComponent
        let input = SourceInput.file(file, display: display)
        var root: XMLStreamParser.PathElement?
        let parser = XMLStreamParser(display: display, limits: XMLLimits()) { path in
            if root == nil { root = path.first }
            guard path.count > 1, let root else { return false }
            return FeedSource.isRecord(path, root: root)
        }
        func take() {
            for record in parser.takeRecords() {
                parsed.entries.append(FeedSource.map(record, root: parser.root, input: input).posting)
            }
        }
        do {
            let bytes = [UInt8](data)
            // Fed in small chunks, as a network body arrives, to exercise the push parser.
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 512)
                try parser.feed(Array(bytes[offset..<end]))
                take()
                offset = end
            }
            try parser.finish()
            take()
        } catch {
            take()
            parsed.error = error.description
        }
        return parsed
    }

    /// Counts of what was checked, and why the rest was not.
    struct Tally {
        var files = 0
        var checked = 0
        var passed = 0
        var failures: [String] = []
        var crashes: [String] = []
        var skipped: [String: Int] = [:]

        mutating func skip(_ rule: String) { skipped[rule, default: 0] += 1 }

        var summary: String {
            let rate = checked == 0 ? 0 : Double(passed) / Double(checked) * 100
            var lines = ["feedparser corpus, well-formed: \(files) documents; \(passed) of \(checked) applicable expectations hold (\(String(format: "%.1f", rate))%)"]
            for (rule, count) in skipped.sorted(by: { $0.value > $1.value }) {
                lines.append("  skipped \(count): \(rule)")
            }
            for failure in failures.prefix(80) { lines.append("  FAILED \(failure)") }
            return lines.joined(separator: "\n")
        }

        mutating func check(_ file: URL, folder: String) {
            guard let text = try? String(contentsOf: file, encoding: .isoLatin1),
                let expect = text.split(separator: "\n").first(where: { $0.hasPrefix("Expect:") })
            else { return }
            files += 1
            let parsed = FeedparserCorpus.parse(file)
            let name = "\(folder)/\(file.deletingLastPathComponent().lastPathComponent)/\(file.lastPathComponent)"
            for term in Expectation.conjuncts(String(expect.dropFirst("Expect:".count))) {
                switch Expectation.evaluate(term, parsed: parsed, folder: folder, file: file) {
                case .pass:
                    checked += 1
                    passed += 1
                case .fail(let detail):
                    checked += 1
                    failures.append("\(name): \(term) — \(detail)")
                case .skip(let rule):
                    skip(rule)
                }
            }
        }
    }
}

/// The part of feedparser's `Expect:` language that maps onto our record.
enum Expectation {
    enum Outcome {
        case pass
        case fail(String)
        case skip(String)
    }

    /// Splits on top-level ` and `, outside quotes and brackets.
    static func conjuncts(_ expression: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var depth = 0
        let chars = Array(expression.trimmingCharacters(in: .whitespaces))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                current.append(c)
                if c == "\\", i + 1 < chars.count {
                    current.append(chars[i + 1])
                    i += 2
                    continue
                }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
                current.append(c)
            } else if "([{".contains(c) {
                depth += 1
                current.append(c)
            } else if ")]}".contains(c) {
                depth -= 1
                current.append(c)
            } else if depth == 0, String(chars[i..<min(chars.count, i + 5)]) == " and " {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                i += 5
                continue
            } else {
                current.append(c)
            }
            i += 1
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(current.trimmingCharacters(in: .whitespaces)) }
        return parts
    }

    static func evaluate(_ term: String, parsed: FeedparserCorpus.Parsed, folder: String, file: URL) -> Outcome {
        if let rule = documentRule(file) { return .skip(rule) }
        if term == "not bozo" {
            return parsed.error == nil ? .pass : .fail("not well-formed to us: \(parsed.error ?? "")")
        }
        if term == "bozo" { return .skip("'bozo' marks documents feedparser calls ill-formed for its own reasons (encoding, content type)") }
        guard let range = term.range(of: " == ") else { return .skip("not an equality (len(), in, !=, …)") }
        let lhs = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let rhs = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard lhs.hasPrefix("entries[") else { return .skip("feed-level fields (the record has entries only)") }
        let keys = subscripts(lhs)
        guard keys.count >= 2, let index = Int(keys[0]), index >= 0 else { return .skip("unreadable subscript") }
        let field = Array(keys.dropFirst())
        guard Self.mapped.contains(field) else { return .skip("entry fields the record does not carry (\(field.first ?? "?"))") }
        if let rule = Self.notApplicable(file: file, folder: folder, field: field) { return .skip(rule) }
        guard index < parsed.entries.count else {
            return .fail("entry \(index) missing (\(parsed.entries.count) read\(parsed.error.map { "; \($0)" } ?? ""))")
        }
        let posting = parsed.entries[index]
        let actual: String?
        switch field {
        case ["title"], ["title_detail", "value"]:
            actual = posting.title
        case ["link"]:
            actual = posting.url
        case ["id"], ["guid"]:
            actual = posting.sourceID
        case ["author"]:
            actual = posting.extra?["author"]
        case ["published_parsed"], ["updated_parsed"], ["date_parsed"], ["issued_parsed"], ["modified_parsed"], ["created_parsed"]:
            guard let expected = tupleDate(rhs) else { return .skip("a date tuple that cannot be read") }
            if field == ["updated_parsed"] || field == ["modified_parsed"], !file.lastPathComponent.contains("updated"), !file.lastPathComponent.contains("modified") {
                return .skip("updated dates where the record keeps the published date")
            }
            guard let date = posting.datePosted else { return .fail("no date_posted") }
            return RFC3339.format(date) == expected ? .pass : .fail("date_posted \(RFC3339.format(date)), expected \(expected)")
        case ["content", "0", "value"], ["summary"], ["description"], ["summary_detail", "value"]:
            guard let expected = pythonString(rhs) else { return .skip("a non-string literal") }
            if folder == "wellformed" && file.pathComponents.contains("sanitize") || expected.contains("<") || expected.contains("&") {
                return .skip("HTML content as feedparser's sanitizer rewrites it (the normalize stage's job)")
            }
            let raw = posting.descriptionHTML ?? ""
            return raw.trimmingCharacters(in: .whitespacesAndNewlines) == expected ? .pass : .fail("description_html \(raw.debugDescription)")
        default:
            return .skip("entry fields the record does not carry (\(field.first ?? "?"))")
        }
        guard var expected = pythonString(rhs) else { return .skip("a non-string literal") }
        if expected.contains("<") && (field.first == "title" || field.first == "title_detail") { return .skip("titles as feedparser's sanitizer rewrites their HTML") }
        if field.first == "title" || field.first == "title_detail" {
            // feedparser gives plain-text titles HTML-escaped; the record keeps the text itself.
            expected = HTMLText.plain(expected)
        }
        let got = actual?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return got == expected ? .pass : .fail("got \(got.debugDescription)")
    }

    /// The entry fields that map onto the record.
    static let mapped: Set<[String]> = [
        ["title"], ["title_detail", "value"], ["link"], ["id"], ["guid"], ["author"],
        ["published_parsed"], ["updated_parsed"], ["date_parsed"], ["issued_parsed"], ["modified_parsed"], ["created_parsed"],
        ["content", "0", "value"], ["summary"], ["description"], ["summary_detail", "value"],
    ]

    /// Documents whose expectations depend on what our record does not model.
    static func documentRule(_ file: URL) -> String? {
        let name = file.lastPathComponent
        if name.hasPrefix("http_") {
            return "documents whose base URL or encoding comes from feedparser's test server's HTTP headers"
        }
        if file.deletingLastPathComponent().lastPathComponent == "cdf" || name.hasPrefix("cdf_") {
            return "CDF (Channel Definition Format) documents, not a feed format syndicate reads"
        }
        return knownDeviations[name]
    }

    static func notApplicable(file: URL, folder: String, field: [String]) -> String? {
        if file.pathComponents.contains("sanitize") && (field.first == "title" || field.first == "title_detail") {
            return "titles as feedparser's sanitizer rewrites their HTML"
        }
        if ["summary", "summary_detail", "content", "description"].contains(field.first ?? ""),
            let text = try? String(contentsOf: file, encoding: .isoLatin1),
            text.contains("<summary") && (text.contains("<content") || text.contains("<description"))
        {
            return "summary and content both given: feedparser keeps both, the record keeps one description (the fuller)"
        }
        return nil
    }

    /// Single documents where a conforming XML parser and feedparser's loose one disagree.
    static let knownDeviations: [String: String] = [
        "hex_entity_x_uppercase.xml": "'&#X41;' (upper-case X) is not well-formed XML 1.0; libxml2 refuses it, feedparser's loose parser accepts it",
    ]

    /// `entries[0]['title_detail']['value']` -> ["0", "title_detail", "value"].
    static func subscripts(_ lhs: String) -> [String] {
        var keys: [String] = []
        var rest = Substring(lhs)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            keys.append(String(rest[rest.index(after: open)..<close]).trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")))
            rest = rest[rest.index(after: close)...]
        }
        return keys
    }

    /// A Python string literal (`u'…'`, `'…'`, `"…"`) with its escapes.
    static func pythonString(_ text: String) -> String? {
        var s = Substring(text)
        if s.hasPrefix("u") || s.hasPrefix("b") { s = s.dropFirst() }
        guard let quote = s.first, quote == "'" || quote == "\"", s.last == quote, s.count >= 2 else { return nil }
        let body = Array(s.dropFirst().dropLast())
        var out = ""
        var i = 0
        while i < body.count {
            let c = body[i]
            guard c == "\\", i + 1 < body.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = body[i + 1]
            i += 2
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "\\": out += "\\"
            case "'": out += "'"
            case "\"": out += "\""
            case "x", "u", "U":
                let width = e == "x" ? 2 : (e == "u" ? 4 : 8)
                guard i + width <= body.count, let code = UInt32(String(body[i..<(i + width)]), radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
                out.unicodeScalars.append(scalar)
                i += width
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return out
    }

    /// `(2003, 12, 31, 10, 14, 55, 2, 365, 0)` -> `2003-12-31T10:14:55Z`.
    static func tupleDate(_ text: String) -> String? {
        let numbers = text.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count >= 6 else { return nil }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
    }
}
