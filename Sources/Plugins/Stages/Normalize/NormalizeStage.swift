import PipelineCore

/// Cleans postings: canonical URLs, and titles: the display title, `title_canonical`, seniority, role type
/// and occupation codes from the taxonomy, with noise found in the title moved where it belongs
/// (a place to `location.text`, remote to `location.remote`, pay to `salary.text`, an employment
/// type, technologies to `skills`) when those fields are empty.
///
/// ```yaml
/// - type: normalize
///   misspellings: { devloppeur: developer }
///   titles:
///     - { title: Salesforce Developer, role_type: software_engineer, synonyms: [salesforce developer, sfdc developer] }
/// ```
public struct NormalizeStage: PostingStage {
    public static let type = "normalize"
    public static let summary = "Cleans titles (misspellings, abbreviations, seniority, noise, casing) against the title taxonomy"

    /// Options of the `normalize` stage: extensions of the shipped tables.
    public struct Options: PluginOptions {
        /// More canonical titles.
        public var titles: [TitleEntry]?
        /// More misspellings: written form -> the word meant.
        public var misspellings: [String: String]?
        /// More abbreviations: token -> the words it stands for.
        public var abbreviations: [String: String]?

        public static let optionHelp = [
            "titles": "more canonical titles: each { title, role_type, synonyms: [...], noc, onet }",
            "misspellings": "more misspellings: written form -> the word meant",
            "abbreviations": "more abbreviations: token -> the words it stands for",
        ]

        /// The shipped tables alone.
        public init() {}
    }

    /// One canonical title a pipeline file adds.
    public struct TitleEntry: Codable, Sendable {
        public var title: String
        public var roleType: RoleType
        public var synonyms: [String]?
        public var noc: String?
        public var onet: String?

        enum CodingKeys: String, CodingKey {
            case title, synonyms, noc, onet
            case roleType = "role_type"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            title = try c.decode(String.self, forKey: .title)
            let role = try c.decode(String.self, forKey: .roleType)
            guard let roleType = RoleType(rawValue: role) else {
                let names = RoleType.allCases.map(\.rawValue)
                var message = "role_type '\(role)' is not one of \(names.joined(separator: ", "))"
                if let near = Suggestion.closest(to: role, among: names) { message += " (did you mean '\(near)'?)" }
                throw ConfigValueError(message)
            }
            self.roleType = roleType
            synonyms = try c.decodeIfPresent([String].self, forKey: .synonyms)
            noc = try c.decodeIfPresent(String.self, forKey: .noc)
            onet = try c.decodeIfPresent(String.self, forKey: .onet)
        }
    }

    private let normalizer: TitleNormalizer
    /// Places and salary lines repeat across a run's postings (a few dozen of each in a
    /// generated feed of 250,000): each is read once.
    private let places = MemoCache<Location>()
    private let salaries = MemoCache<Salary?>()
    /// Titles repeat too, if less: the generated million-posting feed has 19,099 distinct ones,
    /// and the first 8,192 seen account for 96% of its postings (2,048 for 79%). A title costs
    /// about 5 µs to normalize and a lookup well under one. A run's peak memory rose 10–20 MB
    /// with it (the entries are allocated from the stages' threads' heaps); the user time of a
    /// million-posting run fell 2–10 s (`Benchmarks/RESULTS.md`).
    private let titles = MemoCache<TitleNormalizer.Result>(capacity: 8192, maxKeyBytes: 160)

    public init(options: Options, context: StageContext) throws {
        let extra = (options.titles ?? []).map {
            TitleNormalizer.Canonical(title: $0.title, roleType: $0.roleType, noc: $0.noc, onet: $0.onet, synonyms: ($0.synonyms ?? []).map { $0.lowercased() })
        }
        if extra.isEmpty, options.misspellings == nil, options.abbreviations == nil {
            normalizer = TitleNormalizer.shared
        } else {
            normalizer = try TitleNormalizer(extraTitles: extra, extraMisspellings: options.misspellings ?? [:], extraAbbreviations: options.abbreviations ?? [:])
        }
    }

    public func process(_ posting: inout JobPosting, run: RunContext) -> Bool {
        normalize(&posting, run: run)
        return true
    }

    func normalize(_ p: inout JobPosting, run: RunContext? = nil) {
        if let url = p.url { p.url = URLCanonicalizer.canonical(url) ?? url }
        // Descriptions: HTML through the allow-list; the text derived from it when none was given.
        if let html = p.descriptionHTML {
            let clean = HTMLSanitizer.sanitize(html)
            p.descriptionHTML = clean.html.isEmpty ? nil : clean.html
            if p.descriptionText == nil, !clean.text.isEmpty { p.descriptionText = clean.text }
        }
        guard let raw = p.titleRaw ?? p.title else { return }
        let r = titles.value(for: raw, with: normalizer) { normalizer, raw in normalizer.normalize(raw) }
        p.titleRaw = raw
        p.title = r.title
        p.titleCanonical = r.canonical?.title
        p.seniority = p.seniority ?? r.seniority
        p.roleType = r.canonical?.roleType ?? p.roleType ?? .other
        if let canonical = r.canonical, canonical.noc != nil || canonical.onet != nil {
            p.occupation = Occupation(noc: canonical.noc, onet: canonical.onet)
        }
        if let place = r.place, p.location?.text == nil, p.location?.city == nil {
            var location = p.location ?? Location()
            location.text = place
            p.location = location
        }
        // A place given as text is read into its parts; fields already set are kept.
        if let text = p.location?.text, p.location?.city == nil || p.location?.country == nil {
            let parsed = places.value(for: text) { PlaceParser.shared.parse($0) }
            var location = p.location ?? Location()
            location.city = location.city ?? parsed.city
            location.region = location.region ?? parsed.region
            location.country = location.country ?? parsed.country
            location.remote = location.remote ?? parsed.remote
            p.location = location
        }
        if let remote = r.remote, p.location?.remote == nil {
            var location = p.location ?? Location()
            location.remote = remote
            p.location = location
        }
        if let pay = r.salary, p.salary == nil {
            p.salary = Salary(text: pay)
        }
        // Salary text is read into amounts, currency and period; structured amounts are checked.
        if let salary = p.salary {
            if salary.min == nil, salary.max == nil, let text = salary.text {
                let country = p.location?.country
                // The country decides the currency a bare "$" means: it is part of the key.
                if let parsed = salaries.value(for: "\(country ?? "")\u{0}\(text)", { _ in SalaryParser.parse(text, country: country) }) {
                    p.salary = Salary(min: parsed.min, max: parsed.max, currency: salary.currency ?? parsed.currency, period: salary.period ?? parsed.period, text: text)
                }
            } else {
                if let min = salary.min, let max = salary.max, min > max {
                    p.salary?.min = max
                    p.salary?.max = min
                }
                // Amounts a source gave are checked as parsed ones are: implausible for their
                // period, they are dropped with a warning (the text, if any, stays).
                if let period = salary.period, let range = SalaryParser.plausible[period],
                    ![salary.min, salary.max].compactMap({ $0 }).allSatisfy({ range.contains($0) })
                {
                    run?.warn(source: p.source ?? "", "\(p.sourceID ?? p.id ?? "a posting"): salary \(salary.min.map { "\($0)" } ?? "") per \(period.rawValue) is not plausible; dropped")
                    p.salary?.min = nil
                    p.salary?.max = nil
                }
            }
            if p.salary?.currency == nil, p.salary?.min != nil, let text = p.salary?.text {
                p.salary?.currency = SalaryParser.currency(text, country: p.location?.country)
            }
        }
        if let type = r.employmentType, p.employmentType == nil {
            p.employmentType = type
        }
        if !r.skills.isEmpty {
            var skills = p.skills ?? []
            for skill in r.skills where !skills.contains(skill) { skills.append(skill) }
            p.skills = skills
        }
    }
}
