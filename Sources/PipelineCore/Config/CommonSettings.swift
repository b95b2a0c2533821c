import Foundation

/// The options every source takes.
///
/// ```yaml
/// acme: { type: rss, path: feeds/acme.xml, defaults: { company: Acme, location.country: CA } }
/// ```
public struct SourceSettings: PluginOptions {
    /// Values for fields the source's postings leave empty.
    public var defaults: FieldAssignments?

    public static let optionHelp = [
        "defaults": "values for record fields the source leaves empty, e.g. { company: Acme, location.country: CA }",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaults = try c.decodeIfPresent(FieldAssignments.self, forKey: .defaults)
    }
}

/// Where a source that reads a document reads it from: exactly one of `path:` and `url:`.
public struct InputSettings: PluginOptions {
    /// A local file or glob, relative to the pipeline file.
    public var path: InputPath?
    /// A URL (`file://` or http(s)).
    public var url: String?

    public static let optionHelp = [
        "path": "the feed file, relative to the pipeline file (give path or url)",
        "url": "the feed's URL (give path or url)",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decodeIfPresent(InputPath.self, forKey: .path)
        url = try c.decodeIfPresent(String.self, forKey: .url)
    }
}

/// The options every sink takes; the runner applies them, so each sink only formats.
///
/// ```yaml
/// out: { type: jsonl, path: out/jobs.jsonl, where: 'location.country == "CA"', sort: -date_posted, limit: 500 }
/// ```
public struct SinkSettings: PluginOptions {
    /// The output file.
    public var path: ConfigPath
    /// Which postings to publish.
    public var `where`: WhereExpression?
    /// In what order (newest first when not given).
    public var sort: SortOrder?
    /// At most this many.
    public var limit: Int?

    public static let optionHelp = [
        "path": "the output file, relative to the pipeline file; written atomically",
        "where": "publish only the postings for which this expression holds",
        "sort": "order of the postings; default -date_posted (newest first), ties by id",
        "limit": "publish at most this many postings (after where and sort)",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(ConfigPath.self, forKey: .path)
        `where` = try c.decodeIfPresent(WhereExpression.self, forKey: .where)
        sort = try c.decodeIfPresent(SortOrder.self, forKey: .sort)
        limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        if let limit, limit < 0 {
            throw ConfigValueError("limit must be 0 or more, not \(limit)")
        }
    }
}
