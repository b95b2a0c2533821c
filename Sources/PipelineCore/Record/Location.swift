/// Where a job is: the parsed place and the text it came from.
///
/// ```swift
/// let place = Location(city: "Toronto", region: "ON", country: "CA")
/// ```
public struct Location: Sendable, Hashable, Codable {
    /// City name.
    public var city: String?
    /// ISO 3166-2 subdivision code without the country, e.g. `ON`.
    public var region: String?
    /// ISO 3166-1 alpha-2 country code.
    public var country: String?
    /// Postal or ZIP code.
    public var postalCode: String?
    /// Whether the job can be done remotely.
    public var remote: Bool?
    /// The place as ingested.
    public var text: String?

    /// Creates a location; every field not given is absent.
    public init(
        city: String? = nil, region: String? = nil, country: String? = nil,
        postalCode: String? = nil, remote: Bool? = nil, text: String? = nil
    ) {
        self.city = city
        self.region = region
        self.country = country
        self.postalCode = postalCode
        self.remote = remote
        self.text = text
    }

    /// The record's JSON names.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case city, region, country
        case postalCode = "postal_code"
        case remote, text
    }

    /// Whether no field is set.
    public var isEmpty: Bool { self == Location() }
}
