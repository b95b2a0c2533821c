/// A salary as posted: an amount or a range per period.
///
/// ```swift
/// let pay = Salary(min: 90_000, max: 110_000, currency: "CAD", period: .year)
/// ```
public struct Salary: Sendable, Hashable, Codable {
    /// Lower bound (or the single amount).
    public var min: Double?
    /// Upper bound.
    public var max: Double?
    /// ISO 4217 currency code.
    public var currency: String?
    /// What the amounts are paid per.
    public var period: PayPeriod?
    /// The salary as ingested.
    public var text: String?

    /// Creates a salary; every field not given is absent.
    public init(
        min: Double? = nil, max: Double? = nil, currency: String? = nil,
        period: PayPeriod? = nil, text: String? = nil
    ) {
        self.min = min
        self.max = max
        self.currency = currency
        self.period = period
        self.text = text
    }

    /// Whether no field is set.
    public var isEmpty: Bool { self == Salary() }
}

/// The period a salary amount is paid per.
public enum PayPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case hour, day, week, month, year
}

/// A yearly salary band, posted or estimated.
///
/// ```swift
/// let band = SalaryBand(label: .senior, min: 100_000, max: 150_000, currency: "CAD", basis: .estimated)
/// ```
public struct SalaryBand: Sendable, Hashable, Codable {
    /// The seniority the band is for.
    public var label: Seniority?
    /// Lower bound per year.
    public var min: Double?
    /// Upper bound per year; absent for open-ended bands.
    public var max: Double?
    /// ISO 4217 currency code.
    public var currency: String?
    /// Whether the band comes from the posting or from the band table.
    public var basis: BandBasis?

    /// Creates a band; every field not given is absent.
    public init(
        label: Seniority? = nil, min: Double? = nil, max: Double? = nil,
        currency: String? = nil, basis: BandBasis? = nil
    ) {
        self.label = label
        self.min = min
        self.max = max
        self.currency = currency
        self.basis = basis
    }

    /// Whether no field is set.
    public var isEmpty: Bool { self == SalaryBand() }
}

/// Where a salary band comes from.
public enum BandBasis: String, Sendable, Hashable, Codable, CaseIterable {
    case posted, estimated
}
