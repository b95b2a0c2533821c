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
        // The string's bytes where they lie (every posting's id and dedupe keys are hashed):
        // its UTF-8 view's iterator checked its storage at every byte.
        if text.utf8.withContiguousStorageIfAvailable({ add(bytes: $0) }) == nil {
            add(bytes: text.utf8)
        }
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01b3
    }

    /// The hash as 16 lower-case hex digits (a posting's id).
    public var hex: String { Self.hex(value) }

    /// A 64-bit value as 16 lower-case hex digits, leading zeros kept: how posting ids are
    /// written. Into the string's storage (one allocation; every posting's id is one).
    public static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for i in 0..<16 {
                let nibble = Int((value >> UInt64(60 - 4 * i)) & 0xF)
                buffer[i] = Self.hexDigits[nibble]
            }
            return 16
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
