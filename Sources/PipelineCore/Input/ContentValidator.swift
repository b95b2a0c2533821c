/// A validator that describes a document by its bytes: how many and their digest
/// (`ContentHash.Stream`), kept as text in the source's stored validator — after a file's identity
/// (`file:dev-inode-size-mtime content:bytes:digest`, see `FileReading`), or alone for a URL whose
/// server gives no ETag or Last-Modified (`content:bytes:digest`, see `DownloadedBody`).
///
/// ```swift
/// let text = ContentValidator.text(identity: nil, content: content)   // "content:1024:9f…"
/// ContentValidator.parse(text).content == content                     // true
/// ```
public enum ContentValidator {
    /// The bytes of a document as a validator describes them.
    public struct Content: Equatable, Sendable {
        /// How many there were.
        public var bytes: Int
        /// Their `ContentHash.Stream` digest, in hexadecimal.
        public var digest: String

        /// The content of `bytes` bytes whose digest is `digest`.
        public init(bytes: Int, digest: String) {
            self.bytes = bytes
            self.digest = digest
        }
    }

    private static let marker = "content:"

    /// A stored validator's parts: the identity before the content (empty for a URL's), and the
    /// content if the validator has one (a file read to its end, a downloaded body).
    public static func parse(_ text: String) -> (identity: Substring, content: Content?) {
        let identity: Substring
        let rest: Substring
        if text.hasPrefix(marker) {
            identity = text.prefix(0)
            rest = text.dropFirst(marker.count)
        } else if let found = text.range(of: " " + marker) {
            identity = text[..<found.lowerBound]
            rest = text[found.upperBound...]
        } else {
            return (text[...], nil)
        }
        let parts = rest.split(separator: ":")
        guard parts.count == 2, let bytes = Int(parts[0]) else { return (identity, nil) }
        return (identity, Content(bytes: bytes, digest: String(parts[1])))
    }

    /// The validator of a document whose bytes are `content`, after `identity` if there is one.
    public static func text(identity: String?, content: Content) -> String {
        let own = "\(marker)\(content.bytes):\(content.digest)"
        guard let identity else { return own }
        return "\(identity) \(own)"
    }

    /// Throws `HTTPFetcher.NotModified` when `stored` (the last success's validator) describes
    /// the document known now as `identity`, of `bytes` bytes: the same identity (the stored
    /// validator kept), or a rewritten document with the same bytes (its new identity kept with
    /// them). `content` hashes the document, and is called only when the byte counts match;
    /// `matched` runs before a match by bytes is thrown (to let go of what hashing read).
    ///
    /// What a file and a glob share: each decides here, from its own identity and content.
    static func skipIfUnchanged(
        _ stored: String?, identity: String?, bytes: Int, content: () throws -> Content, matched: () throws -> Void
    ) throws {
        guard let identity, let stored else { return }
        let last = parse(stored)
        if last.identity == identity {
            throw HTTPFetcher.NotModified(etag: stored, lastModified: nil)
        }
        guard let known = last.content, known.bytes == bytes, try content() == known else { return }
        try matched()
        throw HTTPFetcher.NotModified(etag: text(identity: identity, content: known), lastModified: nil)
    }

    /// Whether `text` describes a document by its bytes alone: it is no server's ETag, and must
    /// not be sent back as one.
    public static func isContentOnly(_ text: String) -> Bool {
        text.hasPrefix(marker)
    }
}
