/// A posting as the state store holds it: its record's JSON, decoded only when something asks
/// for the posting. A `jsonl` sink copies the bytes as they are; a `where:` or another format
/// decodes once.
///
/// ```swift
/// try transaction.forEach(order: .default) { stored in
///     out.write(stored.json)          // no decoding
///     return true
/// }
/// ```
public final class StoredPosting {
    /// The record's JSON form, as `JobPosting.writeJSON` wrote it.
    public let json: ArraySlice<UInt8>
    private var decoded: JobPosting?

    /// Wraps stored JSON.
    public init(json: [UInt8]) {
        self.json = json[...]
    }

    /// Wraps stored JSON that is part of a larger buffer (a sink's feed-order bucket), without
    /// copying it out.
    public init(json: ArraySlice<UInt8>) {
        self.json = json
    }

    /// The posting, decoded on first use.
    public var posting: JobPosting {
        if let decoded { return decoded }
        let posting = (try? JobPosting(storedBytes: Array(json))) ?? JobPosting()
        decoded = posting
        return posting
    }
}

extension JobPosting {
    /// Reads the record's JSON form as `writeJSON` writes it, without the checks a source's
    /// input needs: what the store holds was checked on the way in.
    public init(storedJSON value: JSONValue) {
        self.init()
        guard case .object(let members) = value else { return }
        for (key, member) in members { takeStored(key, text: member.scalarText, member: member) }
    }

    /// Reads the record's JSON bytes the same way, building only the nested members' values.
    init(storedBytes bytes: [UInt8]) throws(JSONSyntaxError) {
        self.init()
        // Members are named in the order `writeJSON` writes them, so the next name is nearly
        // always the one after the last: one comparison a member instead of a `switch` over
        // two dozen strings (a fifth of decoding a record).
        let fields = Self.storedFields
        var next = 0
        try JSONParser.forEachMember(of: bytes) { (key: String, parser: inout JSONParser) throws(JSONSyntaxError) in
            let field: CodingKeys?
            if next < fields.count, fields[next].rawValue == key {
                field = fields[next]
                next += 1
            } else {
                field = CodingKeys(rawValue: key)
                if let field, let index = fields.firstIndex(of: field) { next = index + 1 }
            }
            guard let field else {
                _ = try parser.readValue()
                return
            }
            if field.isNested {
                let member = try parser.readValue()
                takeStored(field, text: member.scalarText, member: member)
            } else {
                takeStored(field, text: try parser.readScalarText(), member: .null)
            }
        }
    }

    /// The record's members in the order `writeJSON` writes them (the specification's).
    private static let storedFields = CodingKeys.allCases

    /// Sets the field a stored member names: `text` is its scalar text, `member` its value
    /// (only read for the nested members).
    private mutating func takeStored(_ key: String, text: String?, member: JSONValue) {
        guard let field = CodingKeys(rawValue: key) else { return }
        takeStored(field, text: text, member: member)
    }

    private mutating func takeStored(_ field: CodingKeys, text: String?, member: JSONValue) {
        switch field {
        case .id: id = text
        case .source: source = text
        case .sourceID: sourceID = text
        case .url: url = text
        case .title: title = text
        case .titleRaw: titleRaw = text
        case .titleCanonical: titleCanonical = text
        case .seniority: seniority = text.flatMap(Seniority.init(rawValue:))
        case .roleType: roleType = text.flatMap(RoleType.init(rawValue:))
        case .occupation: occupation = Occupation(noc: member["noc"]?.scalarText, onet: member["onet"]?.scalarText)
        case .company: company = text
        case .location:
            var remote: Bool?
            if case .bool(let b)? = member["remote"] { remote = b }
            location = Location(
                city: member["city"]?.scalarText, region: member["region"]?.scalarText, country: member["country"]?.scalarText,
                postalCode: member["postal_code"]?.scalarText, remote: remote, text: member["text"]?.scalarText)
        case .salary:
            salary = Salary(
                min: member["min"]?.scalarText.flatMap(Double.init), max: member["max"]?.scalarText.flatMap(Double.init),
                currency: member["currency"]?.scalarText, period: member["period"]?.scalarText.flatMap(PayPeriod.init(rawValue:)),
                text: member["text"]?.scalarText)
        case .salaryBand:
            salaryBand = SalaryBand(
                label: member["label"]?.scalarText.flatMap(Seniority.init(rawValue:)),
                min: member["min"]?.scalarText.flatMap(Double.init), max: member["max"]?.scalarText.flatMap(Double.init),
                currency: member["currency"]?.scalarText, basis: member["basis"]?.scalarText.flatMap(BandBasis.init(rawValue:)))
        case .employmentType: employmentType = text.flatMap(EmploymentType.init(rawValue:))
        case .datePosted: datePosted = text.flatMap(RFC3339.parse)
        case .validThrough: validThrough = text.flatMap(RFC3339.parse)
        case .descriptionHTML: descriptionHTML = text
        case .descriptionText: descriptionText = text
        case .skills:
            if case .array(let items) = member { skills = items.compactMap(\.scalarText) }
        case .duplicates:
            if case .array(let items) = member {
                duplicates = items.map { DuplicateReference(source: $0["source"]?.scalarText, sourceID: $0["source_id"]?.scalarText, url: $0["url"]?.scalarText) }
            }
        case .extra:
            if case .object(let pairs) = member {
                var extra: [String: String] = [:]
                for (k, v) in pairs { extra[k] = v.scalarText }
                self.extra = extra
            }
        }
    }
}

extension JobPosting.CodingKeys {
    /// The members `takeStored` reads as more than their text.
    fileprivate var isNested: Bool {
        switch self {
        case .occupation, .location, .salary, .salaryBand, .skills, .duplicates, .extra: true
        default: false
        }
    }
}
