/// FNV-1a 64-bit hashing, for posting ids (records' content is hashed by `ContentHash`).
///
/// Not cryptographic: ids need stability across runs and machines, and
/// spread, not secrecy; this costs a multiply per byte. (A million postings have about a 3e-8
/// chance of any collision.)
///
/// ```swift
/// var h = StableHash()
/// h.add("acme"); h.add("42")
/// h.hex   // 16 hex digits
/// ```
public struct StableHash: Sendable {
    /// The hash so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A fresh hash.
    public init() {}

    /// Adds bytes.
    public mutating func add<C: Collection>(bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Adds a string followed by a separator, so that ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ text: String) {
        add(bytes: text.utf8)
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01b3
    }

    /// The hash as 16 lower-case hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
