/// How a source fetches its `url:`: per-source options with their defaults.
public struct HTTPSettings: Sendable, Hashable {
    /// Seconds to wait for the response to start, and at most between two parts of its body.
    public var timeout: Double = 30
    /// Further attempts after a connection error, 429 or 5xx.
    public var retries: Int = 3
    /// First back-off delay in seconds; doubled each attempt, with ±50% jitter.
    public var retryDelay: Double = 1
    /// Extra request headers (values may use `${VAR}`; they are never logged).
    public var headers: [String: String] = [:]
    /// Largest body accepted, after decompression.
    public var maxBytes: Int = 1 << 30
    /// Redirects followed before giving up.
    public var maxRedirects: Int = 5

    /// Default settings.
    public init() {}
}

/// The version and User-Agent syndicate identifies itself with.
public enum SyndicateInfo {
    /// This build's version.
    public static let version = "0.1.0"
    /// Sent with every HTTP request.
    public static let userAgent = "syndicate/\(version) (job syndication pipeline)"
}
