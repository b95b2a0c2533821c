import PipelineCore

/// Writes schema.org `JobPosting` objects for Google for Jobs: one JSON document holding them as
/// an array. Only a posted salary becomes `baseSalary`; an estimated band goes into
/// `estimatedSalary` when `estimated_salary: true`. A posting Google would reject — without a
/// title, description, date posted, hiring organization, or a place (a country for a remote
/// job) — is left out of this feed and listed in the run report.
///
/// With `per_posting: true`, `path:` names a folder that gets one `<id>.jsonld` file per
/// posting, each a single object (for pages that embed them); files of postings no longer
/// published are removed.
///
/// ```yaml
/// google:
///   type: jsonld
///   path: out/jobs.jsonld
///   direct_apply: true
///   estimated_salary: false
/// ```
public struct JSONLDSink: Sink {
    public static let type = "jsonld"
    public static let summary = "schema.org JobPosting objects for Google for Jobs, as one JSON array; postings Google would reject are left out and reported"

    /// Options of the `jsonld` sink.
    public struct Options: PluginOptions {
        /// Whether applying happens on the posting's own page (`directApply`).
        public var directApply: Bool?
        /// Whether estimated bands are published as `estimatedSalary`.
        public var estimatedSalary: Bool?
        /// Whether `path:` is a folder with a file per posting.
        public var perPosting: Bool?

        public static let optionHelp = [
            "direct_apply": "say directApply: true or false on every posting (default: not said)",
            "estimated_salary": "publish estimated salary bands as estimatedSalary (default false; posted salaries are always baseSalary)",
            "per_posting": "path: is a folder with one <id>.jsonld file per posting (default false: one array)",
        ]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case directApply = "direct_apply"
            case estimatedSalary = "estimated_salary"
            case perPosting = "per_posting"
        }
    }

    let options: Options

    public init(options: Options, context: SinkContext) throws {
        self.options = options
    }

    public func makeWriter() -> any FeedWriter { Writer(options: options) }

    public var filePerPosting: String? { options.perPosting == true ? "jsonld" : nil }

    struct Writer: FeedWriter {
        let options: Options
        var first = true
        var json = JSONWriter()

        var checksPostings: Bool { true }

        func problem(with p: JobPosting) -> String? {
            let remote = p.location?.remote == true
            let place = p.location.map { $0.city.hasText || $0.region.hasText || $0.postalCode.hasText } ?? false
            return FeedText.missing([
                ("title", p.title.hasText), ("description", FeedText.html(p) != nil), ("date_posted", p.datePosted != nil),
                ("company (hiringOrganization)", p.company.hasText),
                remote ? ("location.country (applicantLocationRequirements)", p.location?.country.hasText == true)
                    : ("location (jobLocation)", place),
            ])
        }

        var perPosting: Bool { options.perPosting == true }

        mutating func begin(_ out: FeedOutput) throws {
            if !perPosting { try out.write("[") }
        }

        mutating func write(_ p: JobPosting, to out: FeedOutput) throws {
            json.reset()
            if !perPosting {
                json.bytes.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
            }
            first = false
            let extra = p.extra ?? [:]
            json.beginObject()
            json.key(plain: "@context"); json.string("https://schema.org")
            json.key(plain: "@type"); json.string("JobPosting")
            json.key(plain: "title"); json.string(p.title ?? "")
            json.key(plain: "description"); json.string(FeedText.html(p) ?? "")
            if let date = p.datePosted { json.key(plain: "datePosted"); json.string(RFC3339.format(date)) }
            if let date = p.validThrough { json.key(plain: "validThrough"); json.string(RFC3339.format(date)) }
            if let type = p.employmentType { json.key(plain: "employmentType"); json.string(type.rawValue) }
            json.key(plain: "hiringOrganization")
            json.beginObject()
            json.key(plain: "@type"); json.string("Organization")
            json.key(plain: "name"); json.string(p.company ?? "")
            if let site = extra["company_url"] { json.key(plain: "sameAs"); json.string(site) }
            if let logo = extra["company_logo"] { json.key(plain: "logo"); json.string(logo) }
            json.endObject()
            if let location = p.location {
                if location.city.hasText || location.region.hasText || location.postalCode.hasText {
                    json.key(plain: "jobLocation")
                    json.beginObject()
                    json.key(plain: "@type"); json.string("Place")
                    json.key(plain: "address")
                    json.beginObject()
                    json.key(plain: "@type"); json.string("PostalAddress")
                    if let street = extra["street_address"] { json.key(plain: "streetAddress"); json.string(street) }
                    if let city = location.city { json.key(plain: "addressLocality"); json.string(city) }
                    if let region = location.region { json.key(plain: "addressRegion"); json.string(region) }
                    if let postal = location.postalCode { json.key(plain: "postalCode"); json.string(postal) }
                    if let country = location.country { json.key(plain: "addressCountry"); json.string(country) }
                    json.endObject()
                    json.endObject()
                }
                if location.remote == true {
                    json.key(plain: "jobLocationType"); json.string("TELECOMMUTE")
                    if let country = location.country {
                        json.key(plain: "applicantLocationRequirements")
                        json.beginObject()
                        json.key(plain: "@type"); json.string("Country")
                        json.key(plain: "name"); json.string(country)
                        json.endObject()
                    }
                }
            }
            if let salary = p.salary, salary.min != nil || salary.max != nil {
                json.key(plain: "baseSalary")
                Self.amount(min: salary.min, max: salary.max, currency: salary.currency, unit: salary.period?.rawValue, into: &json)
            }
            if options.estimatedSalary == true, let band = p.salaryBand, band.basis == .estimated {
                json.key(plain: "estimatedSalary")
                Self.amount(min: band.min, max: band.max, currency: band.currency, unit: "year", into: &json)
            }
            if let id = p.sourceID ?? p.id {
                json.key(plain: "identifier")
                json.beginObject()
                json.key(plain: "@type"); json.string("PropertyValue")
                json.key(plain: "name"); json.string(p.company ?? p.source ?? "")
                json.key(plain: "value"); json.string(id)
                json.endObject()
            }
            if let url = p.url { json.key(plain: "url"); json.string(url) }
            if let direct = options.directApply { json.key(plain: "directApply"); json.bool(direct) }
            json.endObject()
            if perPosting {
                json.bytes.append(0x0A)
                try out.writeFile("\(Self.fileName(p.id ?? p.sourceID ?? "posting")).jsonld", json.bytes)
            } else {
                try out.write(json.bytes)
            }
        }

        mutating func end(_ out: FeedOutput) throws {
            if !perPosting { try out.write(first ? "]\n" : "\n]\n") }
        }

        /// An id as a file name: letters, digits, `-` and `_` kept, anything else as `_`.
        static func fileName(_ id: String) -> String {
            String(id.unicodeScalars.map { scalar -> Character in
                scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
                    ? Character(scalar) : "_"
            })
        }

        /// A `MonetaryAmount` with its `QuantitativeValue`.
        static func amount(min: Double?, max: Double?, currency: String?, unit: String?, into json: inout JSONWriter) {
            json.beginObject()
            json.key(plain: "@type"); json.string("MonetaryAmount")
            if let currency { json.key(plain: "currency"); json.string(currency) }
            json.key(plain: "value")
            json.beginObject()
            json.key(plain: "@type"); json.string("QuantitativeValue")
            if let min { json.key(plain: "minValue"); json.number(min) }
            if let max { json.key(plain: "maxValue"); json.number(max) }
            if let unit { json.key(plain: "unitText"); json.string(unit.uppercased()) }
            json.endObject()
            json.endObject()
        }
    }
}
