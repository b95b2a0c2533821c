import Foundation
import PipelineCore
import Synchronization

/// Turns a raw job title into a clean display title, the taxonomy's canonical title, the
/// seniority, the role type and the occupation codes; noise found in the title (a place, a pay
/// range, "(Contract)", "(Python/Django)") is handed back so the stage can put it where it
/// belongs.
///
/// ```swift
/// let result = TitleNormalizer.shared.normalize("Sr. back end developper!!! (m/f/d) - Toronto, ON")
/// result.title            // "Senior Back-End Developer"
/// result.canonical?.title // "Back-End Developer"
/// result.seniority        // .senior
/// result.place            // "Toronto, ON"
/// ```
public struct TitleNormalizer: Sendable {
    /// One canonical title of the taxonomy.
    public struct Canonical: Sendable, Hashable, Codable {
        /// Creates an entry.
        public init(title: String, roleType: RoleType, noc: String?, onet: String?, synonyms: [String]) {
            self.title = title
            self.roleType = roleType
            self.noc = noc
            self.onet = onet
            self.synonyms = synonyms
        }

        public let title: String
        public let roleType: RoleType
        public let noc: String?
        public let onet: String?
        public let synonyms: [String]

        enum CodingKeys: String, CodingKey {
            case title, noc, onet, synonyms
            case roleType = "role_type"
        }
    }

    /// What a title becomes.
    public struct Result: Sendable, Hashable {
        /// The cleaned display title.
        public var title: String
        /// The taxonomy entry, when the title names one.
        public var canonical: Canonical?
        /// The seniority the title states.
        public var seniority: Seniority?
        /// Technologies named in brackets or beside the role (`(Python/Django)`, `Java`).
        public var skills: [String] = []
        /// A place found after a separator (`- Toronto, ON`, `| Remote (Canada)`).
        public var place: String?
        /// Whether the title says the job is remote.
        public var remote: Bool?
        /// A pay range found in the title.
        public var salary: String?
        /// An employment type the title states (`(Contract)`).
        public var employmentType: EmploymentType?
        /// Bracketed words that name the job more precisely ("(Backend)"), kept for the title.
        var pendingWords: [String] = []
    }

    let canonicals: [Canonical]
    /// Synonym phrase (tokens) -> canonical, longest first.
    let phrases: [([String], Int)]
    /// The phrases by their first word, longest first: matching looks only at phrases that can
    /// start at a title's words.
    let phrasesByFirstWord: [String: [([String], Int)]]
    let misspellings: [String: String]
    let abbreviations: [String: [String]]
    /// Spacing variants: one word, and two words by their first then second word.
    /// Spellings that differ in spacing, by their first word: one lookup per token finds both
    /// the one-word form and the two-word forms it starts.
    let spacing: [String: Spacing]

    /// What a word may start: itself respelled, or a two-word spelling with the next word.
    struct Spacing: Sendable {
        var single: [String]?
        var pairs: [String: [String]] = [:]
    }
    let french: [String: String]
    /// French words, abbreviations and misspellings in one table (French first, then
    /// abbreviations, then misspellings): one lookup per word.
    let wordMap: [String: [String]]
    let frenchPhrases: [(String, String)]
    /// Every word the taxonomy and the tables use: a word in here is never "corrected".
    let vocabulary: Set<String>
    /// Fuzzy corrections already worked out: titles repeat their words, and the edit-distance
    /// search is the costly step (bounded, so a feed of random words cannot grow it).
    private let corrections = CorrectionCache()

    /// The normalizer with the shipped tables.
    public static let shared: TitleNormalizer = {
        do {
            return try TitleNormalizer(extraTitles: [], extraMisspellings: [:], extraAbbreviations: [:])
        } catch {
            // The shipped tables are part of the build; a broken one is a build defect, caught by
            // the tests, never input.
            preconditionFailure("the shipped title tables cannot be read: \(error)")
        }
    }()

    /// The shipped tables, extended by a pipeline file's `titles:`, `misspellings:` and
    /// `abbreviations:`.
    public init(extraTitles: [Canonical], extraMisspellings: [String: String], extraAbbreviations: [String: String]) throws {
        struct TitleFile: Decodable { let titles: [Canonical] }
        struct WordFile: Decodable {
            let misspellings: [String: String]
            let abbreviations: [String: String]
            let phrases: [String: String]
            let french: [String: String]
            let french_phrases: [String: String]
        }
        guard let titlesURL = Bundle.module.url(forResource: "titles", withExtension: "json", subdirectory: "Resources"),
            let wordsURL = Bundle.module.url(forResource: "words", withExtension: "json", subdirectory: "Resources")
        else { throw SourceError("the title tables are missing from the build") }
        let titles = try JSONDecoder().decode(TitleFile.self, from: Data(contentsOf: titlesURL)).titles + extraTitles
        let words = try JSONDecoder().decode(WordFile.self, from: Data(contentsOf: wordsURL))
        canonicals = titles
        var phrases: [([String], Int)] = []
        for (index, canonical) in titles.enumerated() {
            for synonym in canonical.synonyms + [canonical.title.lowercased()] {
                phrases.append((synonym.lowercased().split(separator: " ").map(String.init), index))
            }
        }
        // Longer phrases first; among equals, the earlier entry of the file.
        self.phrases = phrases.sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.1 < $1.1 }
        var byFirst: [String: [([String], Int)]] = [:]
        for entry in self.phrases { byFirst[entry.0[0], default: []].append(entry) }
        phrasesByFirstWord = byFirst
        misspellings = words.misspellings.merging(extraMisspellings.map { ($0.key.lowercased(), $0.value.lowercased()) }) { _, new in new }
        abbreviations = words.abbreviations.merging(extraAbbreviations.map { ($0.key.lowercased(), $0.value.lowercased()) }) { _, new in new }
            .mapValues { $0.split(separator: " ").map(String.init) }
        var spacing: [String: Spacing] = [:]
        for (written, meant) in words.phrases {
            let key = written.split(separator: " ").map(String.init), value = meant.split(separator: " ").map(String.init)
            if key.count == 1 { spacing[key[0], default: Spacing()].single = value } else if key.count == 2 { spacing[key[0], default: Spacing()].pairs[key[1]] = value }
        }
        self.spacing = spacing
        french = words.french
        var wordMap: [String: [String]] = [:]
        for (written, meant) in misspellings { wordMap[written] = [meant] }
        for (written, meant) in abbreviations { wordMap[written] = meant }
        for (written, meant) in words.french { wordMap[written] = [meant] }
        self.wordMap = wordMap
        frenchPhrases = words.french_phrases.sorted { $0.key.count > $1.key.count }.map { ($0.key, $0.value) }
        var vocabulary = Set<String>()
        for (tokens, _) in self.phrases { vocabulary.formUnion(tokens) }
        for value in abbreviations.values { vocabulary.formUnion(value) }
        vocabulary.formUnion(Self.seniorityWords.keys)
        vocabulary.formUnion(Self.realWords)
        vocabulary.formUnion(Self.technologies)
        self.vocabulary = vocabulary
    }

    // MARK: - Tables of the algorithm

    public static let seniorityWords: [String: Seniority] = [
        "intern": .intern, "internship": .intern, "co-op": .intern, "student": .intern, "apprentice": .intern, "stagiaire": .intern,
        "junior": .junior, "entry-level": .junior, "graduate": .junior, "grad": .junior, "associate": .junior, "trainee": .junior,
        "intermediate": .mid, "mid": .mid, "mid-level": .mid, "medior": .mid,
        "senior": .senior, "experienced": .senior,
        "lead": .lead, "staff": .lead, "principal": .lead, "head": .lead, "chief": .lead,
    ]

    /// Roman numerals after a title: II is mid, III senior, IV and V lead.
    static let levels: [String: Seniority] = ["i": .junior, "ii": .mid, "iii": .senior, "iv": .lead, "v": .lead, "1": .junior, "2": .mid, "3": .senior]

    /// How each seniority reads in a display title; lead keeps the word the title used.
    static let seniorityDisplay: [Seniority: String] = [.intern: "Intern", .junior: "Junior", .mid: "Intermediate", .senior: "Senior"]

    /// Real words a fuzzy match must never turn into others.
    static let realWords: Set<String> = [
        "engineering", "architecture", "administration", "advocate", "advocacy", "manager", "management", "director",
        "consultant", "specialist", "coordinator", "technician", "technologist", "designer", "design", "product", "owner",
        "scrum", "master", "support", "operations", "infrastructure", "network", "networks", "research", "researcher",
        "scientist", "science", "analytics", "business", "technical", "technology", "team", "tech", "the", "and", "of", "for",
        "with", "in", "to", "at", "on", "de", "des", "du", "la", "le", "et", "developers", "engineers", "develop", "development",
        "developing", "developed", "devices", "device", "devs", "deploy", "deployment", "enterprise", "applications", "application",
        "services", "service", "platform", "platforms", "systems", "system", "cloud", "data", "database", "databases", "web",
        "mobile", "game", "games", "embedded", "firmware", "hardware", "integration", "integrations", "solutions", "solution",
        "sales", "marketing", "customer", "success", "account", "remote", "hybrid", "contract", "permanent", "temporary",
        "full-time", "part-time", "freelance", "evangelist", "relations", "writer", "instructor", "teacher", "professor",
        "engineer", "developer", "administrator", "architect", "analyst", "programmer", "tester", "officer", "expert", "agent",
    ]

    /// Technologies that qualify a title (kept as skills).
    static let technologies: Set<String> = [
        "java", "python", "ruby", "rails", "django", "flask", "go", "golang", "rust", "scala", "kotlin", "swift", "php", "perl",
        "c", "c#", "c++", ".net", "asp.net", "node.js", "nodejs", "node", "javascript", "typescript", "react", "angular", "vue",
        "aws", "azure", "gcp", "sql", "postgresql", "postgres", "mysql", "oracle", "mongodb", "kubernetes", "docker", "terraform",
        "spring", "salesforce", "sap", "elixir", "erlang", "haskell", "clojure", "graphql", "linux", "unix", "spark", "hadoop",
        "snowflake", "airflow", "kafka", "ios", "android", "flutter", "unity", "pl/sql", "t-sql", "sql server", "wordpress", "drupal",
    ]

    /// How words print: acronyms and brand casings.
    static let casings: [String: String] = [
        "dba": "DBA", "qa": "QA", "ios": "iOS", ".net": ".NET", "asp.net": "ASP.NET", "aws": "AWS", "gcp": "GCP", "api": "API",
        "ui": "UI", "ux": "UX", "sql": "SQL", "etl": "ETL", "bi": "BI", "ai": "AI", "ml": "ML", "sdet": "SDET", "php": "PHP",
        "c#": "C#", "c++": "C++", "node.js": "Node.js", "javascript": "JavaScript", "typescript": "TypeScript", "devops": "DevOps",
        "mlops": "MLOps", "devsecops": "DevSecOps", "postgresql": "PostgreSQL", "mysql": "MySQL", "graphql": "GraphQL",
        "mongodb": "MongoDB", "pl/sql": "PL/SQL", "t-sql": "T-SQL", "sre": "SRE", "swe": "SWE", "soc": "SOC", "it": "IT",
        "sap": "SAP", "sysadmin": "Sysadmin", "wordpress": "WordPress", "co-op": "Co-op", "ii": "II", "iii": "III", "iv": "IV",
    ]

    static let smallWords: Set<String> = ["of", "and", "in", "for", "the", "de", "des", "du", "la", "le", "et", "to", "at", "on", "with"]

    /// Words that only make noise in a title.
    static let noise: Set<String> = [
        "urgent", "urgently", "hiring", "now", "immediate", "immediately", "asap", "apply", "today", "new", "job", "jobs",
        "opportunity", "opening", "position", "role", "wanted", "needed", "req", "requisition", "m/f/d", "m/w/d", "f/m/d",
        "h/f", "f/h", "m/f", "all", "genders", "w/m/d", "gn", "(m/f/d)",
    ]

    /// Bracketed or separated words that state an employment type.
    static let employmentWords: [String: EmploymentType] = [
        "contract": .contractor, "contractor": .contractor, "freelance": .contractor, "temporary": .temporary, "temp": .temporary,
        "full-time": .fullTime, "fulltime": .fullTime, "full time": .fullTime, "permanent": .fullTime, "part-time": .partTime,
        "part time": .partTime, "internship": .intern, "co-op": .intern,
    ]

    // MARK: - Normalizing

    /// Normalizes one title.
    public func normalize(_ raw: String) -> Result {
        var result = Result(title: "")
        var text = raw.utf8.contains(0x26) ? HTMLText.unescape(raw) : raw
        if text.has("\u{A0}") { text = text.replacingOccurrences(of: "\u{A0}", with: " ") }
        text = extractSalary(text, into: &result)
        text = extractBrackets(text, into: &result)
        text = extractSeparated(text, into: &result)
        let lowered = applyFrenchPhrases(text.lowercased())
        var tokens = tokenize(lowered)
        tokens = applySpacing(tokens)
        var mapped: [String] = []
        mapped.reserveCapacity(tokens.count + 2)
        for token in tokens {
            if let replacement = wordMap[token] { mapped.append(contentsOf: replacement) } else { mapped.append(token) }
        }
        tokens = mapped
        tokens = applySpacing(tokens)
        tokens = tokens.map(correct)
        tokens = tokens.filter { !Self.noise.contains($0) }
        // Employment words standing free in the title ("Contract Java Developer").
        tokens = tokens.filter { token in
            if let type = Self.employmentWords[token], !(type == .intern && tokens.count == 1) {
                if result.employmentType == nil { result.employmentType = type }
                return type == .intern && Self.seniorityWords[token] != nil
            }
            if token == "remote" {
                result.remote = true
                return false
            }
            if token == "hybrid" { return false }
            return true
        }
        var leadWord: String?
        let beforeSeniority = tokens
        tokens = extractSeniority(tokens, into: &result, leadWord: &leadWord)
        // The taxonomy: the longest phrase found among the tokens. A title naming another kind of
        // role ("Developer Advocate") matches only phrases of several words.
        let otherRole = tokens.contains { Self.otherRoles.contains($0) }
        result.canonical = longestPhrase(in: tokens, minimumWords: otherRole ? 2 : 1).map { canonicals[$0] }
        // Titles whose seniority word is part of the name ("Head of Engineering").
        if result.canonical == nil {
            result.canonical = longestPhrase(in: beforeSeniority, minimumWords: 2).map { canonicals[$0] }
        }
        for token in tokens where Self.technologies.contains(token) && !result.skills.contains(token) {
            result.skills.append(token)
        }
        var words = tokens
        if words.isEmpty, let canonical = result.canonical { words = canonical.title.lowercased().split(separator: " ").map(String.init) }
        var display = words.enumerated().map { index, word in Self.cased(word, first: index == 0) }
        if let seniority = result.seniority {
            if seniority == .lead, let leadWord {
                display.insert(leadWord == "head" ? "Head of" : Self.cased(leadWord, first: true), at: 0)
            } else if seniority == .intern {
                display.append("Intern")   // "Software Developer Intern" reads as English does.
            } else if let word = Self.seniorityDisplay[seniority] {
                display.insert(word, at: 0)
            }
        }
        result.title = display.joined(separator: " ")
        if result.title.isEmpty { result.title = raw.trimmed }
        return result
    }

    /// `(m/f/d)`, `(Contract)`, `(Remote)`, `(Python/Django)`, `[Toronto]`: each bracketed group
    /// is noise, an employment type, a place, or technologies.
    private func extractBrackets(_ text: String, into result: inout Result) -> String {
        guard text.utf8.contains(where: { $0 == 0x28 || $0 == 0x5B }) else { return text }
        var out = ""
        var depth = 0
        var group = ""
        for c in text {
            if c == "(" || c == "[" {
                if depth == 0 { group = "" } else { group.append(c) }
                depth += 1
            } else if (c == ")" || c == "]"), depth > 0 {
                depth -= 1
                if depth == 0 { classify(group, into: &result) } else { group.append(c) }
            } else if depth > 0 {
                group.append(c)
            } else {
                out.append(c)
            }
        }
        if depth > 0 { out += group }
        return out
    }

    private func classify(_ group: String, into result: inout Result) {
        let lower = group.lowercased().trimmed
        if lower.isEmpty || Self.noise.contains(lower) || Self.isGenderMarker(lower) { return }
        // "(DBA)", "(SRE)": an abbreviation restating the title.
        let words = lower.split(separator: " ").map(String.init)
        if !words.isEmpty, words.allSatisfy({ abbreviations[$0] != nil || Self.casings[$0] != nil }), !words.allSatisfy({ Self.technologies.contains($0) }) { return }
        if let type = Self.employmentWords[lower] {
            result.employmentType = result.employmentType ?? type
            return
        }
        if lower.hasPrefix("remote") || lower == "hybrid" || lower.has("remote") {
            if lower.has("remote") { result.remote = true }
            if result.place == nil, lower != "remote", lower != "hybrid" { result.place = group.trimmed }
            return
        }
        if lower.has("$") || lower.has("€") || lower.range(of: #"\d+k"#, options: .regularExpression) != nil {
            result.salary = result.salary ?? group.trimmed
            return
        }
        let parts = lower.split(whereSeparator: { $0 == "/" || $0 == "," || $0 == "&" || $0 == "+" }).map { String($0).trimmed }
        if !parts.isEmpty, parts.allSatisfy({ Self.technologies.contains($0) }) {
            for part in parts where !result.skills.contains(part) { result.skills.append(part) }
            return
        }
        if Places.looksLikePlace(group) {
            result.place = result.place ?? group.trimmed
            return
        }
        // Anything else in brackets names the job more precisely ("(Backend)"): keep its words.
        result.pendingWords.append(contentsOf: [group])
    }

    /// "(m/f/d)", "(h/f)", "(w/m/d)", "(all genders)".
    static func isGenderMarker(_ text: String) -> Bool {
        if text.has("gender") { return true }
        let letters = text.split(separator: "/").map { $0.trimmed }
        return letters.count >= 2 && letters.allSatisfy { $0.count == 1 && "mfwhdx".contains($0) }
    }

    /// Words that make a title something other than the generic role its other words name
    /// ("Developer Advocate" is not a software developer).
    static let otherRoles: Set<String> = [
        "advocate", "advocacy", "evangelist", "relations", "recruiter", "recruiting", "sales", "marketing", "writer",
        "support", "success", "instructor", "teacher", "trainer", "consultant", "manager", "director", "officer",
    ]

    /// `- Toronto, ON`, `| Remote (Canada)`, `, Vancouver`: a trailing part that is a place or
    /// remote goes to the place; a trailing part that is not stays in the title.
    private func extractSeparated(_ text: String, into result: inout Result) -> String {
        // Most titles have no separator at all.
        let bytes = Array(text.utf8)
        var spacedDash = false
        if bytes.count >= 3 {
            for i in 1..<(bytes.count - 1) where bytes[i] == 0x2D && bytes[i - 1] == 0x20 && bytes[i + 1] == 0x20 {
                spacedDash = true
                break
            }
        }
        guard spacedDash || bytes.contains(0x7C) || bytes.contains(0x2C) || bytes.contains(0x40) || bytes.contains(where: { $0 >= 0x80 }) || !result.pendingWords.isEmpty
        else { return text }
        // Separators found by their UTF-8 bytes (| @ • · and a dash with spaces around it):
        // walking Characters cost more than the rest of the title's normalizing.
        var parts: [String] = []
        let utf8 = Array(text.utf8)
        let count = utf8.count
        func space(_ j: Int) -> Bool { j >= 0 && j < count && utf8[j] == 0x20 }
        var start = 0, i = 0
        while i < count {
            let b = utf8[i]
            var width = 0
            if b == 0x7C || b == 0x40 {
                width = 1
            } else if b == 0xE2, i + 2 < count, utf8[i + 1] == 0x80, utf8[i + 2] == 0xA2 {
                width = 3   // •
            } else if b == 0xC2, i + 1 < count, utf8[i + 1] == 0xB7 {
                width = 2   // ·
            } else if b == 0x2D, space(i - 1), space(i + 1) {
                width = 1
            } else if b == 0xE2, i + 2 < count, utf8[i + 1] == 0x80, utf8[i + 2] == 0x93 || utf8[i + 2] == 0x94, space(i - 1), space(i + 3) {
                width = 3   // – or —
            } else if b == 0x2C, parts.isEmpty, Places.looksLikePlace(String(decoding: utf8[(i + 1)...], as: UTF8.self)) {
                width = 1
            }
            if width > 0 {
                parts.append(String(decoding: utf8[start..<i], as: UTF8.self))
                i += width
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: utf8[start...], as: UTF8.self))
        var kept: [String] = [parts[0]]
        for part in parts.dropFirst() {
            let trimmed = part.trimmed
            let lower = trimmed.lowercased()
            if trimmed.isEmpty { continue }
            if lower.has("remote") || lower == "hybrid" || lower == "on-site" || lower == "onsite" {
                if lower.has("remote") { result.remote = true }
                let place = trimmed.replacingOccurrences(of: "Remote", with: "").replacingOccurrences(of: "remote", with: "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: " -–,()"))
                if !place.isEmpty, result.place == nil { result.place = "Remote - " + place }
                continue
            }
            if Places.looksLikePlace(trimmed) {
                result.place = result.place ?? trimmed
                continue
            }
            if let type = Self.employmentWords[lower] {
                result.employmentType = result.employmentType ?? type
                continue
            }
            kept.append(trimmed)
        }
        return (kept + result.pendingWords).joined(separator: " ")
    }

    /// `$90k-$110k`, `90 000 $`, `€50.000 p.a.`: pay in a title goes to the salary.
    private func extractSalary(_ text: String, into result: inout Result) -> String {
        // Most titles have no pay: only text with a currency sign, or digits and a k, is searched.
        let bytes = text.utf8
        let hasCurrency = text.has("$") || text.has("€") || text.has("£")
        guard hasCurrency || (bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) && (bytes.contains(0x6B) || bytes.contains(0x4B))) else { return text }
        let pattern = #"[$€£]\s?\d[\d,\.\s]*k?(\s?(-|–|to)\s?[$€£]?\s?\d[\d,\.\s]*k?)?(\s?(/|per)\s?(hour|hr|year|yr|annum))?|\b\d{2,3}k\s?(-|–|to)\s?\d{2,3}k\b"#
        guard let range = text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { return text }
        result.salary = result.salary ?? String(text[range]).trimmed
        return text.replacingCharacters(in: range, with: " ")
    }

    private func applyFrenchPhrases(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) || text.has("developpeur") || text.has("ingenieur") || text.has("architecte") || text.has("administrat") else { return text }
        var out = text
        for (phrase, english) in frenchPhrases where out.has(phrase) {
            out = out.replacingOccurrences(of: phrase, with: english)
        }
        return out
    }

    /// Lower-case words; punctuation around them dropped; `c++`, `c#`, `.net`, `node.js`,
    /// `pl/sql` and hyphenated words kept whole.
    private func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        // Split on bytes: splitting Characters walks grapheme breaks for every byte.
        for raw in text.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) {
            var word = String(Substring(raw))
            // ".net" keeps its leading dot; "c++" and "c#" have nothing to trim.
            if word.utf8.first == 0x2E, Self.technologies.contains(word) {
                tokens.append(word)
                continue
            }
            word = Self.trimPunctuation(word)
            if word == "c++" || word == "c#" || word.hasPrefix(".") { tokens.append(word); continue }
            if word.isEmpty { continue }
            if word.has("/"), !Self.technologies.contains(word), !Self.noise.contains(word) {
                // "developer/engineer" or "python/django": both words.
                tokens.append(contentsOf: word.split(separator: "/").map(String.init).filter { !$0.isEmpty })
                continue
            }
            tokens.append(word)
        }
        return tokens
    }

    private static let punctuation: Set<Unicode.Scalar> = Set("!?*:;,\"'`~^=_|•·….()[]{}".unicodeScalars)

    /// The word without punctuation around it.
    static func trimPunctuation(_ word: String) -> String {
        // A letter or digit at both ends (most words) settles it without scalar sets.
        if let head = word.utf8.first, let tail = word.utf8.last, isASCIIAlphanumeric(head), isASCIIAlphanumeric(tail) {
            return word
        }
        let scalars = word.unicodeScalars
        guard let first = scalars.firstIndex(where: { !punctuation.contains($0) }),
            let last = scalars.lastIndex(where: { !punctuation.contains($0) })
        else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return word }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
    }

    /// Two-word and one-word spellings of the same thing made one ("back end" -> "back-end").
    private func applySpacing(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            guard let entry = spacing[tokens[i]] else {
                out.append(tokens[i])
                i += 1
                continue
            }
            if i + 1 < tokens.count, let joined = entry.pairs[tokens[i + 1]] {
                out.append(contentsOf: joined)
                i += 2
                continue
            }
            if let single = entry.single {
                out.append(contentsOf: single)
            } else {
                out.append(tokens[i])
            }
            i += 1
        }
        return out
    }

    /// A word nobody listed that is one or two edits away from exactly one vocabulary word is
    /// that word; known words, short words and numbers are left alone.
    private func correct(_ token: String) -> String {
        // utf8.count first: counting Characters walks grapheme breaks, and most tokens are short
        // or known.
        guard token.utf8.count >= 5, !vocabulary.contains(token), token.count >= 5, token.allSatisfy({ $0.isLetter }) else { return token }
        if let known = corrections.get(token) { return known }
        let corrected = search(token)
        corrections.set(token, corrected)
        return corrected
    }

    private func search(_ token: String) -> String {
        let allowed = token.count >= 8 ? 2 : 1
        var best: (String, Int)?
        var tie = false
        for word in vocabulary where abs(word.count - token.count) <= allowed && word.count >= 5 {
            let d = Suggestion.distance(token, word)
            guard d <= allowed else { continue }
            if best == nil || d < best!.1 {
                best = (word, d)
                tie = false
            } else if d == best!.1 {
                tie = true
            }
        }
        guard let (word, _) = best, !tie else { return token }
        return word
    }

    /// A bounded memo of corrections, shared by the tasks normalizing titles.
    final class CorrectionCache: Sendable {
        private let memo = Mutex<[String: String]>([:])
        static let limit = 50_000

        func get(_ word: String) -> String? { memo.withLock { $0[word] } }

        func set(_ word: String, _ corrected: String) {
            memo.withLock { memo in
                if memo.count >= Self.limit { memo.removeAll(keepingCapacity: true) }
                memo[word] = corrected
            }
        }
    }

    /// Takes seniority words out of the title; the first one wins.
    private func extractSeniority(_ tokens: [String], into result: inout Result, leadWord: inout String?) -> [String] {
        var out: [String] = []
        for (index, token) in tokens.enumerated() {
            if let seniority = Self.seniorityWords[token] {
                // "Head of Engineering": "of" goes with "head".
                if result.seniority == nil {
                    result.seniority = seniority
                    if seniority == .lead { leadWord = token }
                }
                continue
            }
            if let level = Self.levels[token], index > 0, index == tokens.count - 1 {
                if result.seniority == nil { result.seniority = level }
                continue
            }
            if token == "of", index > 0, tokens[index - 1] == "head" { continue }
            out.append(token)
        }
        return out
    }

    /// The canonical index of the longest taxonomy phrase found among the tokens (the earlier
    /// entry among phrases of one length).
    private func longestPhrase(in tokens: [String], minimumWords: Int) -> Int? {
        var best: (length: Int, index: Int)?
        for start in tokens.indices {
            guard let candidates = phrasesByFirstWord[tokens[start]] else { continue }
            for (phrase, index) in candidates where phrase.count >= minimumWords && start + phrase.count <= tokens.count {
                if let current = best, current.length > phrase.count || (current.length == phrase.count && current.index <= index) { continue }
                if tokens[start..<(start + phrase.count)].elementsEqual(phrase) {
                    best = (phrase.count, index)
                }
            }
        }
        return best?.index
    }

    static func cased(_ word: String, first: Bool) -> String {
        if let special = casings[word] { return special }
        if !first, smallWords.contains(word) { return word }
        // ASCII words capitalize by bytes; Character's uppercasing is for the rest.
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(word.utf8)
            var atStart = true
            for i in bytes.indices {
                if atStart, bytes[i] >= 0x61, bytes[i] <= 0x7A { bytes[i] -= 0x20 }
                atStart = bytes[i] == 0x2D
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        if !word.utf8.contains(0x2D) { return word.prefix(1).uppercased() + word.dropFirst() }
        return word.split(separator: "-", omittingEmptySubsequences: false)
            .map { part in part.prefix(1).uppercased() + part.dropFirst() }
            .joined(separator: "-")
    }
}
