import PipelineCore

/// Salary bands per year by seniority, per role type, with factors for large cities: what the
/// `enrich` stage estimates when a posting states no salary.
///
/// The defaults are the Canadian back-end developer figures (CAD): junior 60,000–75,000, mid
/// 80,000–100,000, senior 100,000–150,000, lead 150,000 and up, interns below junior; postings
/// in the United States use a USD table. A pipeline file overrides any number per role type,
/// seniority and city.
///
/// ```swift
/// let table = BandTable.defaults
/// table.estimate(role: .backendEngineer, seniority: .senior, city: "Toronto", country: "CA")
/// // 110,000–165,000 CAD, estimated
/// ```
public struct BandTable: Sendable {
    /// One band: a floor, and a ceiling unless open-ended.
    public struct Range: Sendable, Hashable {
        public var min: Double
        public var max: Double?

        public init(_ min: Double, _ max: Double?) {
            self.min = min
            self.max = max
        }
    }

    /// Bands by seniority, for postings outside the United States (CAD).
    public var canada: [RoleType?: [Seniority: Range]]
    /// Bands by seniority, for postings in the United States (USD).
    public var unitedStates: [RoleType?: [Seniority: Range]]
    /// Factors by lower-cased city name.
    public var cityFactors: [String: Double]

    /// The shipped tables. `nil` as the role type is the default for every role.
    public static let defaults = BandTable(
        canada: [nil: [
            .intern: Range(40_000, 55_000), .junior: Range(60_000, 75_000), .mid: Range(80_000, 100_000),
            .senior: Range(100_000, 150_000), .lead: Range(150_000, nil),
        ]],
        unitedStates: [nil: [
            .intern: Range(50_000, 70_000), .junior: Range(80_000, 100_000), .mid: Range(100_000, 130_000),
            .senior: Range(130_000, 180_000), .lead: Range(180_000, nil),
        ]],
        cityFactors: [
            "toronto": 1.10, "vancouver": 1.10, "calgary": 1.05, "ottawa": 1.05, "montréal": 1.03, "montreal": 1.03,
            "waterloo": 1.03, "mississauga": 1.05,
            "san francisco": 1.25, "san jose": 1.25, "new york": 1.20, "seattle": 1.15, "boston": 1.10,
            "los angeles": 1.10, "washington": 1.10, "austin": 1.05, "chicago": 1.05, "denver": 1.05,
        ])

    /// The band a posting with no stated salary is estimated at; an unknown seniority is read as
    /// mid (the caller says so).
    public func estimate(role: RoleType?, seniority: Seniority?, city: String?, country: String?) -> SalaryBand? {
        let us = country?.uppercased() == "US"
        let table = us ? unitedStates : canada
        let level = seniority ?? .mid
        guard let range = table[role]?[level] ?? table[nil]?[level] else { return nil }
        let factor = city.flatMap { cityFactors[$0.lowercased()] } ?? 1
        return SalaryBand(
            label: level, min: Self.round(range.min * factor), max: range.max.map { Self.round($0 * factor) },
            currency: us ? "USD" : "CAD", basis: .estimated)
    }

    /// A stated salary per year: hourly amounts times `hoursPerYear`, daily amounts times its
    /// working days (8 hours each), weekly ones times its weeks (40 hours each), monthly ones
    /// times 12. Nil when the salary has no amount.
    public static func annualize(_ salary: Salary, seniority: Seniority?, hoursPerYear: Double) -> SalaryBand? {
        guard salary.min != nil || salary.max != nil else { return nil }
        let factor: Double
        switch salary.period ?? .year {
        case .hour: factor = hoursPerYear
        case .day: factor = hoursPerYear / 8
        case .week: factor = hoursPerYear / 40
        case .month: factor = 12
        case .year: factor = 1
        }
        return SalaryBand(
            label: seniority, min: salary.min.map { ($0 * factor).rounded() }, max: salary.max.map { ($0 * factor).rounded() },
            currency: salary.currency, basis: .posted)
    }

    /// To the nearest thousand: an estimate claims no more precision than that.
    static func round(_ value: Double) -> Double {
        (value / 1_000).rounded() * 1_000
    }
}
