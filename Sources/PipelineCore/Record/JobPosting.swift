import Foundation

/// One job posting: the record every source produces, every stage transforms and every sink
/// publishes.
///
/// Its JSON form uses exactly the field names of the specification's record table; absent values
/// are omitted.
///
/// ```swift
/// var posting = JobPosting(title: "Sr. back end developper", sourceID: "42")
/// posting.company = "Acme"
/// ```
public struct JobPosting: Sendable, Hashable {
    /// Stable id, the same on every run for the same posting.
    public var id: String?
    /// The source's name in the pipeline file.
    public var source: String?
    /// The posting's id in its source (guid, referencenumber, id).
    public var sourceID: String?
    /// Canonical posting URL.
    public var url: String?
    /// Cleaned display title.
    public var title: String?
    /// The title as ingested.
    public var titleRaw: String?
    /// The taxonomy's title without seniority, e.g. `Back-End Developer`.
    public var titleCanonical: String?
    /// Seniority level.
    public var seniority: Seniority?
    /// Role type from the taxonomy.
    public var roleType: RoleType?
    /// Occupation codes (NOC 2021, O*NET-SOC).
    public var occupation: Occupation?
    /// Hiring organization.
    public var company: String?
    /// Where the job is.
    public var location: Location?
    /// The salary as posted.
    public var salary: Salary?
    /// The posted or estimated yearly band.
    public var salaryBand: SalaryBand?
    /// schema.org employment type.
    public var employmentType: EmploymentType?
    /// When the posting was published.
    public var datePosted: Date?
    /// When the posting expires.
    public var validThrough: Date?
    /// Sanitized HTML description.
    public var descriptionHTML: String?
    /// Plain-text description.
    public var descriptionText: String?
    /// Lower-case skill names.
    public var skills: [String]?
    /// Postings merged into this one.
    public var duplicates: [DuplicateReference]?
    /// Source fields that map to nothing above, kept as strings.
    public var extra: [String: String]?

    /// Creates a posting; every field not given is absent.
    public init(
        id: String? = nil, source: String? = nil, sourceID: String? = nil, url: String? = nil,
        title: String? = nil, company: String? = nil
    ) {
        self.id = id
        self.source = source
        self.sourceID = sourceID
        self.url = url
        self.title = title
        self.company = company
    }
}

extension JobPosting: Codable {
    /// The record's JSON field names, in the specification's order.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case id, source
        case sourceID = "source_id"
        case url, title
        case titleRaw = "title_raw"
        case titleCanonical = "title_canonical"
        case seniority
        case roleType = "role_type"
        case occupation, company, location, salary
        case salaryBand = "salary_band"
        case employmentType = "employment_type"
        case datePosted = "date_posted"
        case validThrough = "valid_through"
        case descriptionHTML = "description_html"
        case descriptionText = "description_text"
        case skills, duplicates, extra
    }

    /// Decodes the record's JSON form; dates are RFC 3339 strings.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        sourceID = try c.decodeIfPresent(String.self, forKey: .sourceID)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        titleRaw = try c.decodeIfPresent(String.self, forKey: .titleRaw)
        titleCanonical = try c.decodeIfPresent(String.self, forKey: .titleCanonical)
        seniority = try c.decodeIfPresent(Seniority.self, forKey: .seniority)
        roleType = try c.decodeIfPresent(RoleType.self, forKey: .roleType)
        occupation = try c.decodeIfPresent(Occupation.self, forKey: .occupation)
        company = try c.decodeIfPresent(String.self, forKey: .company)
        location = try c.decodeIfPresent(Location.self, forKey: .location)
        salary = try c.decodeIfPresent(Salary.self, forKey: .salary)
        salaryBand = try c.decodeIfPresent(SalaryBand.self, forKey: .salaryBand)
        employmentType = try c.decodeIfPresent(EmploymentType.self, forKey: .employmentType)
        datePosted = try Self.decodeDate(c, .datePosted)
        validThrough = try Self.decodeDate(c, .validThrough)
        descriptionHTML = try c.decodeIfPresent(String.self, forKey: .descriptionHTML)
        descriptionText = try c.decodeIfPresent(String.self, forKey: .descriptionText)
        skills = try c.decodeIfPresent([String].self, forKey: .skills)
        duplicates = try c.decodeIfPresent([DuplicateReference].self, forKey: .duplicates)
        extra = try c.decodeIfPresent([String: String].self, forKey: .extra)
    }

    /// Encodes the record's JSON form, omitting absent values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(sourceID, forKey: .sourceID)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(titleRaw, forKey: .titleRaw)
        try c.encodeIfPresent(titleCanonical, forKey: .titleCanonical)
        try c.encodeIfPresent(seniority, forKey: .seniority)
        try c.encodeIfPresent(roleType, forKey: .roleType)
        try c.encodeIfPresent(occupation, forKey: .occupation)
        try c.encodeIfPresent(company, forKey: .company)
        try c.encodeIfPresent(location, forKey: .location)
        try c.encodeIfPresent(salary, forKey: .salary)
        try c.encodeIfPresent(salaryBand, forKey: .salaryBand)
        try c.encodeIfPresent(employmentType, forKey: .employmentType)
        try c.encodeIfPresent(datePosted.map(RFC3339.format), forKey: .datePosted)
        try c.encodeIfPresent(validThrough.map(RFC3339.format), forKey: .validThrough)
        try c.encodeIfPresent(descriptionHTML, forKey: .descriptionHTML)
        try c.encodeIfPresent(descriptionText, forKey: .descriptionText)
        try c.encodeIfPresent(skills, forKey: .skills)
        try c.encodeIfPresent(duplicates, forKey: .duplicates)
        try c.encodeIfPresent(extra, forKey: .extra)
    }

    private static func decodeDate(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> Date? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "'\(text)' is not an RFC 3339 date")
        }
        return date
    }
}
