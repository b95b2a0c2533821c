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
        var lanes = Lanes(seed: UInt64(truncatingIfNeeded: bytes.count))
        bytes.withUnsafeBytes { raw in
            let words = lanes.absorbWords(raw)
            lanes.absorbTail(UnsafeRawBufferPointer(rebasing: raw[words...]))
        }
        self = lanes.hash
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The hash of bytes that arrive in parts (a file read in chunks), with the same lanes.
    /// Its values are not `init(bytes:)`'s for the same bytes (the length, unknown until the
    /// end, is absorbed last instead of seeding a lane); only compare it with its own kind.
    ///
    /// ```swift
    /// var stream = ContentHash.Stream()
    /// stream.add(chunk)
    /// let hash = stream.finish()
    /// ```
    public struct Stream: Sendable {
        private var lanes = Lanes(seed: 0)
        /// Up to seven bytes left over from the last part, completed by the next.
        private var pending: [UInt8] = []
        private var count: UInt64 = 0

        /// A stream with nothing added.
        public init() {}

        /// Adds the next part.
        public mutating func add(_ part: UnsafeRawBufferPointer) {
            count &+= UInt64(part.count)
            var rest = part[...]
            if !pending.isEmpty {
                let taken = min(8 - pending.count, rest.count)
                pending.append(contentsOf: rest.prefix(taken))
                rest = rest.dropFirst(taken)
                guard pending.count == 8 else { return }
                pending.withUnsafeBytes { _ = lanes.absorbWords($0) }
                pending.removeAll(keepingCapacity: true)
            }
            let whole = UnsafeRawBufferPointer(rebasing: rest)
            let words = lanes.absorbWords(whole)
            pending.append(contentsOf: whole[words...])
        }

        /// Adds the next part.
        public mutating func add(_ part: [UInt8]) {
            part.withUnsafeBytes { add($0) }
        }

        /// The hash of everything added.
        public func finish() -> ContentHash {
            var lanes = lanes
            pending.withUnsafeBytes { lanes.absorbTail($0) }
            lanes.absorb(count)
            return lanes.hash
        }
    }

    /// The two multiply-rotate lanes, shared by both forms.
    private struct Lanes: Sendable {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15
        var b: UInt64

        init(seed: UInt64) {
            b = 0xC2B2_AE3D_27D4_EB4F ^ seed
        }

        /// Absorbs the whole eight-byte words of `raw`; returns how many bytes that was.
        @inline(__always)
        mutating func absorbWords(_ raw: UnsafeRawBufferPointer) -> Int {
            let count = raw.count
            var offset = 0
            var a = self.a
            var b = self.b
            while offset + 8 <= count {
                Self.step(&a, &b, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                offset += 8
            }
            self.a = a
            self.b = b
            return offset
        }

        /// Absorbs one word.
        mutating func absorb(_ word: UInt64) {
            Self.step(&a, &b, word)
        }

        // Locals, not the stored lanes, in `absorbWords`'s loop: kept in registers.
        @inline(__always)
        private static func step(_ a: inout UInt64, _ b: inout UInt64, _ word: UInt64) {
            a = ((a ^ word) &* 0x8765_4321_0FED_CBA9).rotated(31)
            b = ((b ^ word) &* 0x9FB2_1C65_1E98_DF25).rotated(27) &+ a
        }

        /// Absorbs fewer than eight bytes (none too) as one last word.
        mutating func absorbTail(_ raw: UnsafeRawBufferPointer) {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            for byte in raw {
                tail |= UInt64(byte) << shift
                shift += 8
            }
            absorb(tail)
        }

        var hash: ContentHash {
            ContentHash(high: ContentHash.avalanche(a ^ (b >> 1)), low: ContentHash.avalanche(b &+ a))
        }
    }

    /// The 32 hexadecimal digits, as the PostgreSQL store and a file's validator keep them.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        for (i, byte) in bytes.enumerated() {
            out[2 * i] = digits[Int(byte >> 4)]
            out[2 * i + 1] = digits[Int(byte & 0xF)]
        }
        return String(decoding: out, as: UTF8.self)
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

    fileprivate static func avalanche(_ value: UInt64) -> UInt64 {
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
