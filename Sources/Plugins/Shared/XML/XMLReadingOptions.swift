import PipelineCore

/// The options every XML source takes: what to do at a well-formedness error, and the limits.
public struct XMLReadingOptions: PluginOptions, Hashable {
    /// Keep the records read before a well-formedness error (as a warning) instead of failing.
    public var recover: Bool
    /// The parser's limits.
    public var limits: XMLLimits

    public static let optionHelp = [
        "recover": "at a well-formedness error, keep the postings read before it and warn, instead of failing the source",
        "max_depth": "deepest element nesting accepted",
        "max_text_bytes": "largest text of one element, in bytes",
        "max_record_bytes": "largest posting element, in bytes",
    ]

    enum CodingKeys: String, CodingKey {
        case recover
        case maxDepth = "max_depth"
        case maxTextBytes = "max_text_bytes"
        case maxRecordBytes = "max_record_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        recover = try c.decodeIfPresent(Bool.self, forKey: .recover) ?? false
        var limits = XMLLimits()
        limits.maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth) ?? limits.maxDepth
        limits.maxTextBytes = try c.decodeIfPresent(Int.self, forKey: .maxTextBytes) ?? limits.maxTextBytes
        limits.maxRecordBytes = try c.decodeIfPresent(Int.self, forKey: .maxRecordBytes) ?? limits.maxRecordBytes
        self.limits = limits
        if limits.maxDepth < 2 || limits.maxTextBytes < 1 || limits.maxRecordBytes < 1 {
            throw ConfigValueError("max_depth must be at least 2, max_text_bytes and max_record_bytes at least 1")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recover, forKey: .recover)
        try c.encode(limits.maxDepth, forKey: .maxDepth)
        try c.encode(limits.maxTextBytes, forKey: .maxTextBytes)
        try c.encode(limits.maxRecordBytes, forKey: .maxRecordBytes)
    }
}
