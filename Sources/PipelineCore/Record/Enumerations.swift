/// Seniority of a posting.
public enum Seniority: String, Sendable, Hashable, Codable, CaseIterable {
    case intern, junior, mid, senior, lead
}

/// The kind of role a posting is for.
public enum RoleType: String, Sendable, Hashable, Codable, CaseIterable {
    case backendEngineer = "backend_engineer"
    case databaseAdministrator = "database_administrator"
    case solutionsArchitect = "solutions_architect"
    case frontendDeveloper = "frontend_developer"
    case fullstackDeveloper = "fullstack_developer"
    case softwareEngineer = "software_engineer"
    case devopsEngineer = "devops_engineer"
    case dataEngineer = "data_engineer"
    case dataScientist = "data_scientist"
    case qaEngineer = "qa_engineer"
    case mobileDeveloper = "mobile_developer"
    case securityEngineer = "security_engineer"
    case other
}

/// schema.org employment types.
public enum EmploymentType: String, Sendable, Hashable, Codable, CaseIterable {
    case fullTime = "FULL_TIME"
    case partTime = "PART_TIME"
    case contractor = "CONTRACTOR"
    case temporary = "TEMPORARY"
    case intern = "INTERN"
    case volunteer = "VOLUNTEER"
    case perDiem = "PER_DIEM"
    case other = "OTHER"
}

/// Occupation codes of a posting.
///
/// ```swift
/// let codes = Occupation(noc: "21232", onet: "15-1252.00")
/// ```
public struct Occupation: Sendable, Hashable, Codable {
    /// Canada's National Occupational Classification 2021 code.
    public var noc: String?
    /// The US O*NET-SOC code.
    public var onet: String?

    /// Creates occupation codes.
    public init(noc: String? = nil, onet: String? = nil) {
        self.noc = noc
        self.onet = onet
    }
}

/// A posting merged into another by dedupe.
public struct DuplicateReference: Sendable, Hashable, Codable {
    /// The merged posting's source.
    public var source: String?
    /// The merged posting's id in its source.
    public var sourceID: String?
    /// The merged posting's URL.
    public var url: String?

    /// Creates a reference.
    public init(source: String? = nil, sourceID: String? = nil, url: String? = nil) {
        self.source = source
        self.sourceID = sourceID
        self.url = url
    }

    /// The record's JSON names.
    public enum CodingKeys: String, CodingKey, Sendable {
        case source
        case sourceID = "source_id"
        case url
    }
}
