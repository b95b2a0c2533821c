import Foundation

/// The options every source takes.
///
/// ```yaml
/// acme: { type: rss, path: feeds/acme.xml, defaults: { company: Acme, location.country: CA } }
/// ```
public struct SourceSettings: PluginOptions {
    /// Values for fields the source's postings leave empty.
    public var defaults: FieldAssignments?
    /// Successful runs a posting may be missing from this source before it leaves the active set.
    public var expireAfterMissing: Int

    public static let optionHelp = [
        "defaults": "values for record fields the source leaves empty, e.g. { company: Acme, location.country: CA }",
        "expire_after_missing": "successful runs a posting may be missing from the source before it expires",
    ]

    enum CodingKeys: String, CodingKey {
        case defaults
        case expireAfterMissing = "expire_after_missing"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaults = try c.decodeIfPresent(FieldAssignments.self, forKey: .defaults)
        expireAfterMissing = try c.decodeIfPresent(Int.self, forKey: .expireAfterMissing) ?? 1
        if expireAfterMissing < 1 { throw ConfigValueError("expire_after_missing must be 1 or more") }
    }
}

/// Where a source that reads a document reads it from: exactly one of `path:` and `url:`.
public struct InputSettings: PluginOptions {
    /// A local file or glob, relative to the pipeline file.
    public var path: InputPath?
    /// A URL (`file://` or http(s)).
    public var url: String?
    /// How to fetch `url`.
    public var http: HTTPSettings

    public static let optionHelp = [
        "path": "the feed file, relative to the pipeline file (give path or url)",
        "url": "the feed's URL (give path or url)",
        "timeout": "seconds to wait for an answer, and at most between two parts of the body",
        "retries": "further attempts after a connection error, HTTP 429 or 5xx (timeouts are not retried)",
        "retry_delay": "seconds before the first retry; doubled each time, with jitter; Retry-After wins",
        "headers": "extra request headers, e.g. { Authorization: \"Bearer ${TOKEN}\" }; never logged",
        "max_bytes": "largest body accepted, after decompression",
        "max_redirects": "redirects followed before giving up",
    ]

    enum CodingKeys: String, CodingKey {
        case path, url, timeout, retries, headers
        case retryDelay = "retry_delay"
        case maxBytes = "max_bytes"
        case maxRedirects = "max_redirects"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decodeIfPresent(InputPath.self, forKey: .path)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        var http = HTTPSettings()
        http.timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? http.timeout
        http.retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? http.retries
        http.retryDelay = try c.decodeIfPresent(Double.self, forKey: .retryDelay) ?? http.retryDelay
        http.headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? http.headers
        http.maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? http.maxBytes
        http.maxRedirects = try c.decodeIfPresent(Int.self, forKey: .maxRedirects) ?? http.maxRedirects
        self.http = http
        if http.timeout <= 0 { throw ConfigValueError("timeout must be more than 0 seconds") }
        if http.retries < 0 || http.maxRedirects < 0 || http.retryDelay < 0 {
            throw ConfigValueError("retries, retry_delay and max_redirects must be 0 or more")
        }
        if http.maxBytes < 1 { throw ConfigValueError("max_bytes must be at least 1") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(path, forKey: .path)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encode(http.timeout, forKey: .timeout)
        try c.encode(http.retries, forKey: .retries)
        try c.encode(http.retryDelay, forKey: .retryDelay)
        try c.encode(http.maxBytes, forKey: .maxBytes)
        try c.encode(http.maxRedirects, forKey: .maxRedirects)
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
    public var sort: FeedOrder?
    /// At most this many.
    public var limit: Int?
    /// Query parameters appended to every posting's URL (`utm_source: board`), in key order.
    public var urlParams: [String: String]?
    /// The feed's own title and link, for the formats that have them.
    public var title: String?
    public var link: String?

    public static let optionHelp = [
        "path": "the output file, relative to the pipeline file; written atomically",
        "where": "publish only the postings for which this expression holds",
        "sort": "order of the postings; default -date_posted (newest first), ties by id",
        "limit": "publish at most this many postings (after where and sort)",
        "url_params": "query parameters appended to each posting's URL, e.g. { utm_source: example-board }",
        "title": "the feed's own title (RSS, Atom, JSON Feed); default the pipeline's name",
        "link": "the site the feed belongs to (RSS, Atom, JSON Feed, Indeed's publisherurl)",
    ]

    enum CodingKeys: String, CodingKey {
        case path, `where`, sort, limit, title, link
        case urlParams = "url_params"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(ConfigPath.self, forKey: .path)
        `where` = try c.decodeIfPresent(WhereExpression.self, forKey: .where)
        sort = try c.decodeIfPresent(FeedOrder.self, forKey: .sort)
        limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        if let limit, limit < 0 {
            throw ConfigValueError("limit must be 0 or more, not \(limit)")
        }
        urlParams = try c.decodeIfPresent([String: String].self, forKey: .urlParams)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        link = try c.decodeIfPresent(String.self, forKey: .link)
        if let link, !["http", "https"].contains(URL(string: link)?.scheme?.lowercased() ?? "") {
            throw ConfigValueError("link: '\(link)' is not an absolute http(s) URL")
        }
        if let urlParams, urlParams.keys.contains(where: \.isEmpty) {
            throw ConfigValueError("url_params: a parameter needs a name")
        }
    }
}
