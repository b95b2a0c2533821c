import Foundation

/// A record field named by its dotted JSON path (`title`, `location.city`, `extra.department`).
///
/// Parsed once, at configuration time, so that filters, `set`, `sort` and source mappings cost a
/// switch per record rather than string handling.
///
/// ```swift
/// let city = try FieldPath(parsing: "location.city")
/// var posting = JobPosting(title: "Dev")
/// try city.set(.string("Toronto"), on: &posting)
/// ```
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The fields a path can name.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case id, source
        case sourceID = "source_id"
        case url, title
        case titleRaw = "title_raw"
        case titleCanonical = "title_canonical"
        case seniority
        case roleType = "role_type"
        case occupationNOC = "occupation.noc"
        case occupationONET = "occupation.onet"
        case company
        case locationCity = "location.city"
        case locationRegion = "location.region"
        case locationCountry = "location.country"
        case locationPostalCode = "location.postal_code"
        case locationRemote = "location.remote"
        case locationText = "location.text"
        case salaryMin = "salary.min"
        case salaryMax = "salary.max"
        case salaryCurrency = "salary.currency"
        case salaryPeriod = "salary.period"
        case salaryText = "salary.text"
        case bandLabel = "salary_band.label"
        case bandMin = "salary_band.min"
        case bandMax = "salary_band.max"
        case bandCurrency = "salary_band.currency"
        case bandBasis = "salary_band.basis"
        case employmentType = "employment_type"
        case datePosted = "date_posted"
        case validThrough = "valid_through"
        case descriptionHTML = "description_html"
        case descriptionText = "description_text"
        case skills
        /// `extra.<key>`.
        case extra
    }

    /// The field.
    public let field: Field
    /// The key under `extra`, for `.extra`.
    public let extraKey: String?

    /// Every path a user can write, for suggestions and documentation (`extra.<key>` stands for
    /// any key).
    public static let allNames: [String] = Field.allCases.map { $0 == .extra ? "extra.<key>" : $0.rawValue }

    /// Names of the whole objects a source mapping may target (`location: where` maps a string to
    /// `location.text` or an object member by member).
    public static let compositeNames = ["location", "salary", "salary_band", "occupation"]

    /// Creates a path to a field.
    public init(_ field: Field, extraKey: String? = nil) {
        self.field = field
        self.extraKey = field == .extra ? extraKey : nil
    }

    /// Parses a dotted path; nil when it names no field.
    public init?(_ name: String) {
        if name.hasPrefix("extra.") {
            let key = String(name.dropFirst(6))
            guard !key.isEmpty else { return nil }
            self.init(.extra, extraKey: key)
        } else if let field = Field(rawValue: name), field != .extra {
            self.init(field)
        } else {
            return nil
        }
    }

    /// Parses a dotted path, or throws an error that suggests the closest field name.
    public init(parsing name: String) throws(FieldError) {
        guard let path = FieldPath(name) else {
            var message = "unknown record field '\(name)'"
            if let near = Self.suggestion(for: name) {
                message += " (did you mean '\(near)'?)"
            } else {
                message += "; fields are \(Self.allNames.joined(separator: ", "))"
            }
            throw FieldError(field: name, message: message)
        }
        self = path
    }

    /// The field a mistyped name most likely meant: by the whole name, or by its last part
    /// (`country` means `location.country`).
    static func suggestion(for name: String) -> String? {
        if let near = Suggestion.closest(to: name, among: allNames) { return near }
        let lastParts = allNames.filter { $0.contains(".") && !$0.hasPrefix("extra.") }
        let tail = name.split(separator: ".").last.map(String.init) ?? name
        guard let part = Suggestion.closest(to: tail, among: lastParts.map { String($0.split(separator: ".").last ?? "") }) else {
            return nil
        }
        return lastParts.first { $0.hasSuffix(".\(part)") }
    }

    /// The dotted name.
    public var description: String {
        field == .extra ? "extra.\(extraKey ?? "")" : field.rawValue
    }

    /// Reads the field; absent values read as `.null`.
    public func get(_ p: JobPosting) -> FieldValue {
        func s(_ v: String?) -> FieldValue { v.map(FieldValue.string) ?? .null }
        func n(_ v: Double?) -> FieldValue { v.map(FieldValue.number) ?? .null }
        switch field {
        case .id: return s(p.id)
        case .source: return s(p.source)
        case .sourceID: return s(p.sourceID)
        case .url: return s(p.url)
        case .title: return s(p.title)
        case .titleRaw: return s(p.titleRaw)
        case .titleCanonical: return s(p.titleCanonical)
        case .seniority: return s(p.seniority?.rawValue)
        case .roleType: return s(p.roleType?.rawValue)
        case .occupationNOC: return s(p.occupation?.noc)
        case .occupationONET: return s(p.occupation?.onet)
        case .company: return s(p.company)
        case .locationCity: return s(p.location?.city)
        case .locationRegion: return s(p.location?.region)
        case .locationCountry: return s(p.location?.country)
        case .locationPostalCode: return s(p.location?.postalCode)
        case .locationRemote: return p.location?.remote.map(FieldValue.bool) ?? .null
        case .locationText: return s(p.location?.text)
        case .salaryMin: return n(p.salary?.min)
        case .salaryMax: return n(p.salary?.max)
        case .salaryCurrency: return s(p.salary?.currency)
        case .salaryPeriod: return s(p.salary?.period?.rawValue)
        case .salaryText: return s(p.salary?.text)
        case .bandLabel: return s(p.salaryBand?.label?.rawValue)
        case .bandMin: return n(p.salaryBand?.min)
        case .bandMax: return n(p.salaryBand?.max)
        case .bandCurrency: return s(p.salaryBand?.currency)
        case .bandBasis: return s(p.salaryBand?.basis?.rawValue)
        case .employmentType: return s(p.employmentType?.rawValue)
        case .datePosted: return s(p.datePosted.map(RFC3339.format))
        case .validThrough: return s(p.validThrough.map(RFC3339.format))
        case .descriptionHTML: return s(p.descriptionHTML)
        case .descriptionText: return s(p.descriptionText)
        case .skills: return p.skills.map(FieldValue.list) ?? .null
        case .extra: return s(extraKey.flatMap { p.extra?[$0] })
        }
    }

    /// Stores a value, converting it to the field's type (numbers from numeric strings, dates
    /// from RFC 3339 text or epoch seconds or milliseconds, enums by name). `.null` clears it.
    public func set(_ value: FieldValue, on p: inout JobPosting) throws(FieldError) {
        switch field {
        case .id: p.id = try text(value)
        case .source: p.source = try text(value)
        case .sourceID: p.sourceID = try text(value)
        case .url: p.url = try Self.url(value, field: description)
        case .title: p.title = try text(value)
        case .titleRaw: p.titleRaw = try text(value)
        case .titleCanonical: p.titleCanonical = try text(value)
        case .seniority: p.seniority = try enumeration(value, Seniority.self)
        case .roleType: p.roleType = try enumeration(value, RoleType.self)
        case .occupationNOC: let v = try text(value); edit(&p.occupation, Occupation()) { $0.noc = v }
        case .occupationONET: let v = try text(value); edit(&p.occupation, Occupation()) { $0.onet = v }
        case .company: p.company = try text(value)
        case .locationCity: let v = try text(value); edit(&p.location, Location()) { $0.city = v }
        case .locationRegion: let v = try text(value); edit(&p.location, Location()) { $0.region = v }
        case .locationCountry: let v = try text(value); edit(&p.location, Location()) { $0.country = v }
        case .locationPostalCode: let v = try text(value); edit(&p.location, Location()) { $0.postalCode = v }
        case .locationRemote: let v = try boolean(value); edit(&p.location, Location()) { $0.remote = v }
        case .locationText: let v = try text(value); edit(&p.location, Location()) { $0.text = v }
        case .salaryMin: let v = try number(value); edit(&p.salary, Salary()) { $0.min = v }
        case .salaryMax: let v = try number(value); edit(&p.salary, Salary()) { $0.max = v }
        case .salaryCurrency: let v = try text(value)?.uppercased(); edit(&p.salary, Salary()) { $0.currency = v }
        case .salaryPeriod: let v = try enumeration(value, PayPeriod.self); edit(&p.salary, Salary()) { $0.period = v }
        case .salaryText: let v = try text(value); edit(&p.salary, Salary()) { $0.text = v }
        case .bandLabel: let v = try enumeration(value, Seniority.self); edit(&p.salaryBand, SalaryBand()) { $0.label = v }
        case .bandMin: let v = try number(value); edit(&p.salaryBand, SalaryBand()) { $0.min = v }
        case .bandMax: let v = try number(value); edit(&p.salaryBand, SalaryBand()) { $0.max = v }
        case .bandCurrency: let v = try text(value)?.uppercased(); edit(&p.salaryBand, SalaryBand()) { $0.currency = v }
        case .bandBasis: let v = try enumeration(value, BandBasis.self); edit(&p.salaryBand, SalaryBand()) { $0.basis = v }
        case .employmentType:
            guard let text = try text(value) else {
                p.employmentType = nil
                return
            }
            guard let type = EmploymentTypeWords.read(text) else {
                throw FieldError(field: description, message: "'\(text)' names no employment type; dropped", severity: .dropField)
            }
            p.employmentType = type
        case .datePosted: p.datePosted = try Self.date(value, field: description)
        case .validThrough: p.validThrough = try Self.date(value, field: description)
        case .descriptionHTML: p.descriptionHTML = try text(value)
        case .descriptionText: p.descriptionText = try text(value)
        case .skills: p.skills = try list(value)
        case .extra:
            guard let key = extraKey else { return }
            // Taken out of the posting while it changes, so that the dictionary is not copied.
            var extra = p.extra.take() ?? [:]
            extra[key] = try text(value)
            p.extra = extra.isEmpty ? nil : extra
        }
    }

    private func fail(_ message: String) -> FieldError {
        FieldError(field: description, message: message)
    }

    private func text(_ v: FieldValue) throws(FieldError) -> String? {
        switch v {
        case .null: return nil
        case .string(let s): return s.isEmpty ? nil : s
        case .number, .bool: return v.description
        case .list: throw fail("expected text, found a list")
        }
    }

    private func number(_ v: FieldValue) throws(FieldError) -> Double? {
        switch v {
        case .null: return nil
        case .number(let n): return n
        case .string(let s):
            let cleaned = s.trimmed.replacingOccurrences(of: ",", with: "")
            if cleaned.isEmpty { return nil }
            guard let n = Double(cleaned), n.isFinite else { throw fail("expected a number, found '\(s)'") }
            return n
        default: throw fail("expected a number, found \(v.kindDescription)")
        }
    }

    private func boolean(_ v: FieldValue) throws(FieldError) -> Bool? {
        switch v {
        case .null: return nil
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s):
            switch s.lowercased() {
            case "true", "yes", "1", "y": return true
            case "false", "no", "0", "n": return false
            case "": return nil
            default: throw fail("expected true or false, found '\(s)'")
            }
        case .list: throw fail("expected true or false, found a list")
        }
    }

    private func list(_ v: FieldValue) throws(FieldError) -> [String]? {
        switch v {
        case .null: return nil
        case .list(let l): return l
        case .string(let s):
            let items = s.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        default: return [v.description]
        }
    }

    private func enumeration<E: RawRepresentable & CaseIterable>(
        _ v: FieldValue, _ type: E.Type
    ) throws(FieldError) -> E? where E.RawValue == String {
        guard let s = try text(v) else { return nil }
        if let e = E(rawValue: s) { return e }
        let folded = s.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        for e in E.allCases where e.rawValue.lowercased() == folded { return e }
        let names = E.allCases.map(\.rawValue)
        var message = "'\(s)' is not one of \(names.joined(separator: ", "))"
        if let near = Suggestion.closest(to: s, among: names) { message += " (did you mean '\(near)'?)" }
        throw fail(message)
    }

    private func edit<T: Equatable>(_ slot: inout T?, _ empty: T, _ change: (inout T) -> Void) {
        var value = slot ?? empty
        change(&value)
        slot = value == empty ? nil : value
    }

    /// An absolute http(s) URL, or a field error that drops the field with a warning.
    static func url(_ v: FieldValue, field: @autoclosure () -> String) throws(FieldError) -> String? {
        guard case .string(let raw) = v else {
            if case .null = v { return nil }
            throw FieldError(field: field(), message: "expected a URL, found \(v.kindDescription)", severity: .dropField)
        }
        let s = raw.trimmed
        if s.isEmpty { return nil }
        if plainHTTPURL(s) { return s }
        guard let components = URLComponents(string: s),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw FieldError(field: field(), message: "'\(s)' is not an absolute http(s) URL; dropped", severity: .dropField)
        }
        return s
    }

    /// Whether `s` is plainly an absolute http(s) URL: the scheme, `://`, a host, and only
    /// characters a URL may carry as they are. Every posting has a URL and Foundation's parser
    /// was 4% of reading a feed; anything less plain goes to it.
    static func plainHTTPURL(_ s: String) -> Bool {
        var utf8 = s.utf8.makeIterator()
        // The scheme's letters, lower-cased, packed into an integer: no array per URL.
        var scheme: UInt64 = 0, schemeLength = 0
        while let byte = utf8.next(), byte != UInt8(ascii: ":") {
            scheme = scheme << 8 | UInt64(byte | 0x20)
            schemeLength += 1
            if schemeLength > 5 { return false }
        }
        guard scheme == Self.http || scheme == Self.https,
              utf8.next() == UInt8(ascii: "/"), utf8.next() == UInt8(ascii: "/") else { return false }
        var hostLength = 0
        var inHost = true
        while let byte = utf8.next() {
            guard byte > 0x20, byte < 0x7F, !Self.isUnsafeURLByte(byte) else { return false }
            if inHost {
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                    inHost = false
                } else if byte == UInt8(ascii: "@") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "%") {
                    return false   // user info, IPv6 literals and escapes: Foundation decides
                } else {
                    hostLength += 1
                }
            }
        }
        return hostLength > 0
    }

    private static let http = "http".utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    private static let https = "https".utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }

    /// The printable ASCII bytes a URL may not carry as they are: `"<>\^`{|}`.
    private static func isUnsafeURLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: true
        default: false
        }
    }

    /// A date from RFC 3339 text or epoch seconds or milliseconds, or a field error that drops
    /// the field with a warning.
    static func date(_ v: FieldValue, field: @autoclosure () -> String) throws(FieldError) -> Date? {
        switch v {
        case .null: return nil
        case .number(let n): return DateReading.epoch(n)
        case .string(let s):
            if s.trimmed.isEmpty { return nil }
            if let d = DateReading.parse(s) { return d }
            throw FieldError(field: field(), message: "cannot read the date '\(s)'; dropped", severity: .dropField)
        default:
            throw FieldError(field: field(), message: "expected a date, found \(v.kindDescription); dropped", severity: .dropField)
        }
    }
}
