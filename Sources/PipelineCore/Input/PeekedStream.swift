/// A byte stream that can look at its first bytes before handing them on, to detect a format.
///
/// ```swift
/// var peeked = PeekedStream(stream)
/// if try await peeked.firstSignificantByte() == UInt8(ascii: "{") { … }
/// ```
public struct PeekedStream: ByteStream {
    private var base: any ByteStream
    private var buffered: [[UInt8]] = []

    /// Wraps a stream.
    public init(_ base: any ByteStream) {
        self.base = base
    }

    /// The first byte that is not white space or a byte order mark, reading as far as needed;
    /// nil for an empty document. Nothing read is lost.
    public mutating func firstSignificantByte() async throws -> UInt8? {
        var index = 0
        while true {
            while index < buffered.count {
                for b in buffered[index] where !(b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0xEF || b == 0xBB || b == 0xBF) {
                    return b
                }
                index += 1
            }
            guard let chunk = try await base.next() else { return nil }
            buffered.append(chunk)
        }
    }

    public mutating func next() async throws -> [UInt8]? {
        if !buffered.isEmpty { return buffered.removeFirst() }
        return try await base.next()
    }
}
