import PipelineCore

/// Reads schema.org `JobPosting` nodes from JSON-LD documents, or from the
/// `<script type="application/ld+json">` blocks of HTML pages (career pages). Nodes are found in
/// arrays and `@graph`; nodes of other types are skipped; the rest of a page is not read as JSON.
///
/// ```yaml
/// careers: { type: jsonld, url: https://acme.example/careers/backend-developer }
/// ```
public struct JSONLDSource: Source {
    public static let type = "jsonld"
    public static let summary = "schema.org JobPosting in JSON-LD, or embedded in HTML <script type=\"application/ld+json\"> blocks"

    /// Options of the `jsonld` source.
    public struct Options: PluginOptions {
        /// Larger documents fail the source.
        public var maxDocumentBytes: Int

        public static let optionHelp = ["max_document_bytes": "largest page or JSON-LD document accepted (each is read whole)"]

        enum CodingKeys: String, CodingKey {
            case maxDocumentBytes = "max_document_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxDocumentBytes = try c.decodeIfPresent(Int.self, forKey: .maxDocumentBytes) ?? 64 << 20
            if maxDocumentBytes < 1 { throw ConfigValueError("max_document_bytes must be at least 1") }
        }
    }

    private let options: Options

    public init(options: Options, context: SourceContext) throws {
        self.options = options
    }

    public func read(into output: SourceOutput) async throws {
        try await output.forEachDocument { input, stream in
            var stream = stream
            let bytes = try await stream.readAll(limit: options.maxDocumentBytes, display: input.display, option: "max_document_bytes")
            let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
            var blocks: [(value: JSONValue, place: String)] = []
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                switch Self.parse(bytes) {
                case .success(let value): blocks.append((value, input.display))
                case .failure(let error): throw SourceError("\(input.display):\(error.line):\(error.column): \(error.message)")
                }
            } else {
                for block in Self.scriptBlocks(bytes) {
                    switch Self.parse(block.bytes) {
                    case .success(let value): blocks.append((value, "\(input.display):\(block.line)"))
                    case .failure(let error):
                        // One broken block does not hide the page's others.
                        output.warn("a JSON-LD block is not valid JSON: \(error.line):\(error.column): \(error.message)", position: "\(input.display):\(block.line)")
                    }
                }
            }
            var count = 0
            for (value, place) in blocks {
                for node in Self.jobPostings(in: value) {
                    let position = "\(place) JobPosting \(count + 1)"
                    count += 1
                    let mapped = Self.map(node, documentBase: input.documentBase)
                    if let reason = mapped.rejection {
                        output.reject(position: position, reason: reason, raw: node.jsonText)
                        continue
                    }
                    for warning in mapped.warnings { output.warn(warning, position: position) }
                    try await output.emit(mapped.posting, position: position, raw: node.jsonText)
                }
            }
        }
    }

    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        do {
            return .success(try JSONParser.parse(bytes))
        } catch {
            return .failure(error)
        }
    }

    /// Where `needle` first occurs in `hay` from `start`.
    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        var j = start
        while j + needle.count <= hay.count {
            if hay[j] == needle[0], hay[j..<(j + needle.count)].elementsEqual(needle) { return j }
            j += 1
        }
        return nil
    }

    /// The contents of `<script type="application/ld+json">` blocks, with their lines.
    static func scriptBlocks(_ page: [UInt8]) -> [(bytes: [UInt8], line: Int)] {
        let lower = page.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let open = Array("<script".utf8), close = Array("</script".utf8), type = Array("application/ld+json".utf8)
        var blocks: [(bytes: [UInt8], line: Int)] = []
        var i = 0
        while let start = find(open, in: lower, from: i), let tagEnd = lower[start...].firstIndex(of: UInt8(ascii: ">")) {
            let tag = Array(lower[start..<tagEnd])
            let contentStart = tagEnd + 1
            guard let end = find(close, in: lower, from: contentStart) else { break }
            if find(type, in: tag, from: 0) != nil {
                let line = page[..<contentStart].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                blocks.append((Array(page[contentStart..<end]), line))
            }
            i = end + close.count
        }
        return blocks
    }

    /// Every JobPosting node in a JSON-LD value: in arrays, `@graph`, or the value itself.
    static func jobPostings(in value: JSONValue) -> [JSONValue] {
        switch value {
        case .array(let items):
            return items.flatMap(jobPostings(in:))
        case .object:
            if isJobPosting(value) { return [value] }
            if let graph = value["@graph"] { return jobPostings(in: graph) }
            return []
        default:
            return []
        }
    }

    static func isJobPosting(_ node: JSONValue) -> Bool {
        func named(_ text: String) -> Bool {
            text == "JobPosting" || text.hasSuffix("/JobPosting") || text.hasSuffix(":JobPosting")
        }
        switch node["@type"] {
        case .string(let t)?: return named(t)
        case .array(let types)?: return types.contains { $0.scalarText.map(named) ?? false }
        default: return false
        }
    }

    /// Maps a JobPosting node onto the record.
    static func map(_ node: JSONValue, documentBase: String?) -> PostingBuilder {
        var b = PostingBuilder()
        func text(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let s)?: return s
            case .number(let n)?: return n
            case .object?: return value?["name"]?.scalarText ?? value?["@value"]?.scalarText ?? value?["value"]?.scalarText
            case .array(let items)?: return items.first.flatMap { text($0) }
            default: return nil
            }
        }
        b.set(.title, text(node["title"]) ?? text(node["name"]))
        b.set(.descriptionHTML, text(node["description"]))
        b.set(.url, XMLStreamParser.resolve(text(node["url"]), against: documentBase))
        b.set(.datePosted, text(node["datePosted"]))
        b.set(.validThrough, text(node["validThrough"]))
        // identifier: a PropertyValue, a string or a number.
        if let identifier = node["identifier"] {
            b.set(.sourceID, identifier["value"]?.scalarText ?? identifier.scalarText)
            b.extra("identifier_name", identifier["name"]?.scalarText)
        }
        // employmentType: a string or a list; the first readable one, the rest in extra.
        var types: [String] = []
        switch node["employmentType"] {
        case .string(let t)?: types = [t]
        case .array(let list)?: types = list.compactMap(\.scalarText)
        default: break
        }
        if let readable = types.first(where: { EmploymentTypeWords.read($0) != nil }) {
            b.set(.employmentType, readable)
        }
        if types.count > 1 { b.extra("employment_types", types.joined(separator: ", ")) }
        // hiringOrganization: an Organization or a name.
        if let organization = node["hiringOrganization"] {
            b.set(.company, text(organization))
            b.extra("company_url", text(organization["sameAs"]) ?? organization["url"]?.scalarText)
            b.extra("company_logo", text(organization["logo"]))
        }
        // jobLocation: one Place or several; the first fills location, the others go to extra.
        var places: [JSONValue] = []
        switch node["jobLocation"] {
        case .array(let list)?: places = list
        case let one?: places = [one]
        case nil: break
        }
        for (index, place) in places.enumerated() {
            let address = place["address"] ?? place
            if index == 0 {
                if case .string(let s) = address {
                    b.set(.locationText, s)
                } else {
                    b.set(.locationCity, text(address["addressLocality"]))
                    b.set(.locationRegion, text(address["addressRegion"]))
                    b.set(.locationCountry, text(address["addressCountry"]))
                    b.set(.locationPostalCode, text(address["postalCode"]))
                    b.extra("street_address", text(address["streetAddress"]))
                }
            } else {
                let parts = [text(address["addressLocality"]), text(address["addressRegion"]), text(address["addressCountry"])].compactMap { $0 }
                b.extra("other_locations", parts.isEmpty ? text(address) : parts.joined(separator: ", "))
            }
        }
        if text(node["jobLocationType"])?.uppercased() == "TELECOMMUTE" {
            b.set(FieldPath(.locationRemote), .bool(true))
        }
        if let requirements = node["applicantLocationRequirements"] {
            let names: [String]
            if case .array(let list) = requirements { names = list.compactMap { text($0) } } else { names = [text(requirements)].compactMap { $0 } }
            b.extra("applicant_location", names.joined(separator: ", "))
            if places.isEmpty, names.count == 1 { b.fill(.locationCountry, names[0]) }
        }
        // baseSalary: a MonetaryAmount whose value is a QuantitativeValue or a number.
        if let salary = node["baseSalary"] {
            let value = salary["value"] ?? salary
            if case .number = value {
                b.set(FieldPath(.salaryMin), .string(value.scalarText ?? ""))
            } else {
                b.set(.salaryMin, value["minValue"]?.scalarText ?? value["value"]?.scalarText)
                b.set(.salaryMax, value["maxValue"]?.scalarText)
                b.set(.salaryPeriod, value["unitText"]?.scalarText?.lowercased())
            }
            b.set(.salaryCurrency, salary["currency"]?.scalarText ?? value["currency"]?.scalarText)
        }
        if let estimated = node["estimatedSalary"] {
            b.extra("estimated_salary", estimated.jsonText)
        }
        if case .bool(let direct)? = node["directApply"] { b.extra("direct_apply", direct ? "true" : "false") }
        for key in ["industry", "occupationalCategory", "educationRequirements", "experienceRequirements", "skills", "qualifications", "responsibilities", "workHours"] {
            if let value = node[key] { b.extra(key, value.scalarText ?? text(value) ?? value.jsonText) }
        }
        return b
    }
}
