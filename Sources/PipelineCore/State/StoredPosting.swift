import NIOConcurrencyHelpers

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
public final class StoredPosting: Sendable {
    /// The record's JSON form, as `JobPosting.writeJSON` wrote it.
    public let json: ArraySlice<UInt8>
    /// Behind a lock: the sinks of one pass write on threads of their own (`SinkFanOut`), and
    /// the first to ask decodes for all of them.
    ///
    /// A pthread mutex (NIO's box), not the standard library's `Mutex`: two XML sinks walk the
    /// same postings side by side, so the second nearly always finds the first decoding, for
    /// about as long as decoding takes. `Mutex` spins through that wait on a core the copy into
    /// the state and the third sink need (1.2% of a 250k first run's samples, all here); the
    /// pthread mutex sleeps at once. Measured in that run: the sinks' samples 10% fewer, those
    /// decoding 25% fewer, waits in the kernel's futex 40% fewer.
    private let decoded = NIOLockedValueBox<Decoded?>(nil)

    /// The decoded posting, shared by reference: each sink reads it where it lies
    /// (`withPosting`) instead of taking a copy of it (a retain and a release of each of its
    /// strings, for every sink and posting).
    private final class Decoded: Sendable {
        let posting: JobPosting
        init(_ posting: JobPosting) { self.posting = posting }
    }

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
        shared.posting
    }

    /// Lends the posting, decoded on first use, to `body` without copying it.
    public func withPosting<T>(_ body: (borrowing JobPosting) throws -> T) rethrows -> T {
        let shared = shared
        return try body(shared.posting)
    }

    /// The decoded posting, decoding it if no one has yet.
    private var shared: Decoded {
        decoded.withLockedValue { decoded in
            if let decoded { return decoded }
            let made = Decoded(Self.decode(json))
            decoded = made
            return made
        }
    }

    /// A stored record's posting, for a caller that reads it once (the merge): without a
    /// `StoredPosting` to hold it, and its lock, and the copy taken out of that.
    static func decode(_ json: ArraySlice<UInt8>) -> JobPosting {
        (try? JobPosting(storedBytes: Array(json))) ?? JobPosting()
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

    /// Reads the record's JSON bytes the same way, without building a value or a string for
    /// anything but the fields: the sinks and the merge decode every record of a run.
    init(storedBytes bytes: [UInt8]) throws(JSONSyntaxError) {
        // Built in a variable of its own, handed to each member inout, then moved into `self`:
        // mutated through a closure's capture of `self`, the whole record was copied and
        // destroyed again (a retain and a release of each of its strings).
        var posting = JobPosting()
        // Members are named in the order `writeJSON` writes them, so the next name is nearly
        // always the one after the last: one comparison of bytes a member instead of a string
        // made of each name and a `switch` over two dozen (a fifth of decoding a record).
        let fields = Self.storedFields
        let names = Self.storedNames
        var next = 0
        try JSONParser.forEachMember(of: bytes, into: &posting) { (name: JSONParser.Name, parser: inout JSONParser, posting: inout JobPosting) throws(JSONSyntaxError) in
            var index: Int?
            if next < names.count, parser.name(name, is: names[next]) {
                index = next
            } else {
                index = names.firstIndex { parser.name(name, is: $0) }
            }
            guard let index else {
                _ = try parser.readValue()
                return
            }
            next = index + 1
            try posting.readStored(fields[index], &parser)
        }
        self = posting
    }

    /// The record's members in the order `writeJSON` writes them (the specification's).
    private static let storedFields = CodingKeys.allCases
    /// Their names' bytes.
    private static let storedNames = CodingKeys.allCases.map { Array($0.rawValue.utf8) }

    /// Reads the value of `field`'s member, as `takeStored` reads it from a built value.
    private mutating func readStored(_ field: CodingKeys, _ parser: inout JSONParser) throws(JSONSyntaxError) {
        switch field {
        case .occupation:
            var o = Occupation()
            _ = try parser.readObject(among: Nested.occupation) { (member: Int, parser: inout JSONParser) throws(JSONSyntaxError) in
                let text = try parser.readScalarText()
                if member == 0 { o.noc = text } else { o.onet = text }
            }
            occupation = o
        case .location:
            var l = Location()
            _ = try parser.readObject(among: Nested.location) { (member: Int, parser: inout JSONParser) throws(JSONSyntaxError) in
                switch member {
                case 0: l.city = try parser.readScalarText()
                case 1: l.region = try parser.readScalarText()
                case 2: l.country = try parser.readScalarText()
                case 3: l.postalCode = try parser.readScalarText()
                case 4: l.remote = try parser.readBool()
                default: l.text = try parser.readScalarText()
                }
            }
            location = l
        case .salary:
            var s = Salary()
            _ = try parser.readObject(among: Nested.salary) { (member: Int, parser: inout JSONParser) throws(JSONSyntaxError) in
                let text = try parser.readScalarText()
                switch member {
                case 0: s.min = text.flatMap(Double.init)
                case 1: s.max = text.flatMap(Double.init)
                case 2: s.currency = text
                case 3: s.period = text.flatMap(PayPeriod.init(rawValue:))
                default: s.text = text
                }
            }
            salary = s
        case .salaryBand:
            var b = SalaryBand()
            _ = try parser.readObject(among: Nested.salaryBand) { (member: Int, parser: inout JSONParser) throws(JSONSyntaxError) in
                let text = try parser.readScalarText()
                switch member {
                case 0: b.label = text.flatMap(Seniority.init(rawValue:))
                case 1: b.min = text.flatMap(Double.init)
                case 2: b.max = text.flatMap(Double.init)
                case 3: b.currency = text
                default: b.basis = text.flatMap(BandBasis.init(rawValue:))
                }
            }
            salaryBand = b
        case .skills:
            var items: [String] = []
            let isArray = try parser.readArray { (parser: inout JSONParser) throws(JSONSyntaxError) in
                if let text = try parser.readScalarText() { items.append(text) }
            }
            if isArray { skills = items }
        case .duplicates:
            var items: [DuplicateReference] = []
            let isArray = try parser.readArray { (parser: inout JSONParser) throws(JSONSyntaxError) in
                var d = DuplicateReference()
                _ = try parser.readObject(among: Nested.duplicate) { (member: Int, parser: inout JSONParser) throws(JSONSyntaxError) in
                    let text = try parser.readScalarText()
                    switch member {
                    case 0: d.source = text
                    case 1: d.sourceID = text
                    default: d.url = text
                    }
                }
                items.append(d)
            }
            if isArray { duplicates = items }
        case .extra:
            var pairs: [String: String] = [:]
            let isObject = try parser.readObject { (name: JSONParser.Name, parser: inout JSONParser) throws(JSONSyntaxError) in
                let key = parser.text(of: name)
                pairs[key] = try parser.readScalarText()
            }
            if isObject { extra = pairs }
        case .seniority:
            seniority = try parser.readScalarBytes(Self.seniorities.value(of:))
        case .roleType:
            roleType = try parser.readScalarBytes(Self.roleTypes.value(of:))
        case .employmentType:
            employmentType = try parser.readScalarBytes(Self.employmentTypes.value(of:))
        case .datePosted:
            datePosted = try parser.readScalarBytes(RFC3339.parse(utf8:))
        case .validThrough:
            validThrough = try parser.readScalarBytes(RFC3339.parse(utf8:))
        default:
            takeStored(field, text: try parser.readScalarText(), member: .null)
        }
    }

    /// The enumerations a stored record holds, looked up from their bytes (see `RawValueBytes`).
    private static let seniorities = RawValueBytes(Seniority.self)
    private static let roleTypes = RawValueBytes(RoleType.self)
    private static let employmentTypes = RawValueBytes(EmploymentType.self)

    /// The nested members' names, in the order `readStored` numbers them.
    private enum Nested {
        static let occupation = names("noc", "onet")
        static let location = names("city", "region", "country", "postal_code", "remote", "text")
        static let salary = names("min", "max", "currency", "period", "text")
        static let salaryBand = names("label", "min", "max", "currency", "basis")
        static let duplicate = names("source", "source_id", "url")

        private static func names(_ names: String...) -> [[UInt8]] {
            names.map { Array($0.utf8) }
        }
    }

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
