/// A 128-bit hash of a record's bytes, for telling an unchanged posting from a changed one.
///
/// Every staged posting is hashed whole (about 2 KB), so this reads eight bytes per step where
/// `StableHash` reads one: two independent multiply-rotate lanes, finished with MurmurHash3's
/// avalanche. Not cryptographic; a collision between two versions of one posting (about 1e-29
/// per pair) would only keep an old version one run longer. Posting ids keep `StableHash`,
/// whose values must never change.
///
/// ```swift
/// let hash = ContentHash(bytes: writer.bytes)
/// hash == ContentHash(bytes: writer.bytes)   // true
/// ```
public struct ContentHash: Sendable, Hashable {
    /// The two lanes.
    public let high: UInt64
    public let low: UInt64

    /// Hashes `bytes`.
    public init(bytes: [UInt8]) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F ^ UInt64(truncatingIfNeeded: bytes.count)
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var offset = 0
            while offset + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                a = ((a ^ word) &* 0x8765_4321_0FED_CBA9).rotated(31)
                b = ((b ^ word) &* 0x9FB2_1C65_1E98_DF25).rotated(27) &+ a
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(raw[offset]) << shift
                shift += 8
                offset += 1
            }
            a = ((a ^ tail) &* 0x8765_4321_0FED_CBA9).rotated(31)
            b = ((b ^ tail) &* 0x9FB2_1C65_1E98_DF25).rotated(27) &+ a
        }
        high = Self.avalanche(a ^ (b >> 1))
        low = Self.avalanche(b &+ a)
    }

    /// The 16 bytes, as the state store keeps them.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out
    }

    private static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

extension UInt64 {
    fileprivate func rotated(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
