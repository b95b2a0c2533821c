/// Bounds on what one document may make the parser hold, each with a clear error naming it.
public struct XMLLimits: Sendable, Hashable {
    /// Deepest element nesting.
    public var maxDepth = 256
    /// Largest text of one element, in bytes.
    public var maxTextBytes = 8 << 20
    /// Largest record (one item, entry or job), in bytes of its names and text.
    public var maxRecordBytes = 16 << 20

    /// The defaults.
    public init() {}
}

/// A document that cannot be read, with its place: `feeds/b.xml:1:32: unexpected end of document`.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    public let display: String
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "\(display):\(line):\(column): \(message)" }
}
