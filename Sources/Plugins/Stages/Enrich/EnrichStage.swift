import PipelineCore

/// Adds what can be inferred about a posting: the role type of a title outside the taxonomy
/// from weighted keywords (`RoleRules`, extended by `role_rules:`), `skills` from the title and description (a shipped
/// dictionary with aliases, extended by `skills:`), the seniority a description's experience
/// requirement implies when the title names none (`extra.seniority_basis: description`), and
/// `salary_band`: a posted salary annualized (`basis: posted`), otherwise the band table's figure
/// for the role type, seniority and city (`basis: estimated`; `extra.salary_band_note` says when
/// the seniority was inferred, or unknown and read as mid).
///
/// ```yaml
/// - type: enrich
///   hours_per_year: 1950
///   bands:                                   # CAD per year; `default` or a role type
///     default: { lead: [160000, null] }
///     data_scientist: { senior: [110000, 160000] }
///   us_bands: { default: { senior: [140000, 190000] } }
///   city_factors: { toronto: 1.15, halifax: 1.0 }
/// ```
public struct EnrichStage: PostingStage {
    public static let type = "enrich"
    public static let summary = "Adds role types from keywords, skills, seniority from descriptions and salary bands: posted salaries annualized, otherwise estimated by role, seniority and city"

    /// Options of the `enrich` stage: overrides of the shipped band table.
    public struct Options: PluginOptions {
        /// Hours of a working year, for hourly salaries.
        public var hoursPerYear: Double?
        /// CAD bands: `default` or a role type -> seniority -> [min, max] (max null for none).
        public var bands: [String: [String: [Double?]]]?
        /// The same for postings in the United States (USD).
        public var usBands: [String: [String: [Double?]]]?
        /// Lower-cased city -> factor applied to its bands.
        public var cityFactors: [String: Double]?
        /// More skill names: alias -> canonical name.
        public var skills: [String: String]?
        /// Role-type keyword weights over the shipped ones: role type -> keyword -> weight.
        public var roleRules: [String: [String: Double]]?
        /// The least keyword score that names a role type.
        public var roleThreshold: Double?

        public static let optionHelp = [
            "hours_per_year": "hours of a working year, for hourly salaries (default 2080)",
            "bands": "CAD bands: default or a role type -> seniority -> [min, max], max null for none",
            "us_bands": "USD bands for postings in the United States, in the same form",
            "city_factors": "city -> factor its bands are multiplied by, e.g. { toronto: 1.1 }",
            "skills": "more skills: alias -> canonical name, e.g. { sfdc: salesforce, apex: apex }",
            "role_rules": "keyword weights for titles outside the taxonomy: role type -> keyword -> weight (0 removes one)",
            "role_threshold": "the least keyword score that names a role type (default 4)",
        ]

        /// The shipped tables alone.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case bands, skills
            case hoursPerYear = "hours_per_year"
            case usBands = "us_bands"
            case roleRules = "role_rules"
            case roleThreshold = "role_threshold"
            case cityFactors = "city_factors"
        }
    }

    let table: BandTable
    let hoursPerYear: Double
    let skills: SkillMatcher
    let roles: RoleRules

    public init(options: Options, context: StageContext) throws {
        var table = BandTable.defaults
        try Self.merge(options.bands, into: &table.canada, option: "bands")
        try Self.merge(options.usBands, into: &table.unitedStates, option: "us_bands")
        for (city, factor) in options.cityFactors ?? [:] {
            guard factor > 0, factor.isFinite else { throw ConfigValueError("city_factors.\(city): \(factor) is not a positive factor") }
            table.cityFactors[city.lowercased()] = factor
        }
        hoursPerYear = options.hoursPerYear ?? 2_080
        guard hoursPerYear > 0, hoursPerYear <= 8_784 else {
            throw ConfigValueError("hours_per_year: \(hoursPerYear) is not a number of hours in a year")
        }
        self.table = table
        skills = try SkillMatcher(extra: options.skills ?? [:])
        var roles = RoleRules.defaults
        for (name, keywords) in options.roleRules ?? [:] {
            guard let role = RoleType(rawValue: name), role != .other else {
                let names = RoleType.allCases.filter { $0 != .other }.map(\.rawValue)
                var message = "role_rules.\(name): not a role type"
                if let near = Suggestion.closest(to: name, among: names) { message += " (did you mean '\(near)'?)" }
                throw ConfigValueError(message)
            }
            for (keyword, weight) in keywords {
                roles.weights[role, default: [:]][keyword.lowercased()] = weight == 0 ? nil : weight
            }
        }
        if let threshold = options.roleThreshold {
            guard threshold > 0 else { throw ConfigValueError("role_threshold: give a positive score") }
            roles.threshold = threshold
        }
        self.roles = roles
    }

    /// Applies a pipeline file's bands over the shipped ones, entry by entry.
    static func merge(_ overrides: [String: [String: [Double?]]]?, into bands: inout [RoleType?: [Seniority: BandTable.Range]], option: String) throws {
        for (roleName, levels) in overrides ?? [:] {
            let role: RoleType?
            if roleName == "default" {
                role = nil
            } else if let known = RoleType(rawValue: roleName) {
                role = known
            } else {
                let names = ["default"] + RoleType.allCases.map(\.rawValue)
                var message = "\(option).\(roleName): not a role type"
                if let near = Suggestion.closest(to: roleName, among: names) { message += " (did you mean '\(near)'?)" }
                throw ConfigValueError(message + "; use default or one of \(RoleType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (levelName, numbers) in levels {
                guard let level = Seniority(rawValue: levelName) else {
                    throw ConfigValueError("\(option).\(roleName).\(levelName): not a seniority; use \(Seniority.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard numbers.count == 2, let min = numbers[0], min >= 0, numbers[1].map({ $0 >= min }) ?? true else {
                    throw ConfigValueError("\(option).\(roleName).\(levelName): give [min, max] with min <= max (max null for no ceiling)")
                }
                bands[role, default: [:]][level] = BandTable.Range(min, numbers[1])
            }
        }
    }

    public func process(_ posting: inout JobPosting, run: RunContext) -> Bool {
        enrich(&posting)
        return true
    }

    /// One posting with its band.
    func enrich(_ p: inout JobPosting) {
        var notes: [String: String] = [:]
        // A title outside the taxonomy: the keyword rules over title and description.
        if p.roleType == nil || p.roleType == .other {
            p.roleType = roles.roleType(title: p.title ?? "", description: p.descriptionText ?? p.descriptionHTML ?? "")
        }
        // Skills named in the title and the description, after those the title's brackets gave.
        var found: [String] = []
        for skill in (p.skills ?? []).map(skills.canonical) where !found.contains(skill) { found.append(skill) }
        for skill in skills.skills(in: p.title ?? "") + skills.skills(in: p.descriptionText ?? p.descriptionHTML ?? "") where !found.contains(skill) {
            found.append(skill)
        }
        if !found.isEmpty { p.skills = found }
        // A title that names no seniority: the description's experience requirement, flagged.
        if p.seniority == nil, let text = p.descriptionText ?? p.descriptionHTML, let inferred = ExperienceReader.seniority(in: text) {
            p.seniority = inferred
            notes["seniority_basis"] = "description"
        }
        if let salary = p.salary, let posted = BandTable.annualize(salary, seniority: p.seniority, hoursPerYear: hoursPerYear) {
            var band = posted
            if band.currency == nil { band.currency = p.location?.country?.uppercased() == "US" ? "USD" : "CAD" }
            p.salaryBand = band
        } else if let estimated = table.estimate(role: p.roleType, seniority: p.seniority, city: p.location?.city, country: p.location?.country) {
            p.salaryBand = estimated
            if p.seniority == nil {
                notes["salary_band_note"] = "seniority unknown; mid assumed"
            } else if notes["seniority_basis"] != nil {
                notes["salary_band_note"] = "seniority inferred from the description"
            }
        }
        if !notes.isEmpty { p.extra = (p.extra ?? [:]).merging(notes) { _, new in new } }
    }
}
