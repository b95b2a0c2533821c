/// A 64-bit SimHash of a text's word shingles: near-identical descriptions (a line added, a
/// word changed, tracking text appended) have hashes a few bits apart, different ones about 32.
///
/// Dedupe compares descriptions by Hamming distance of these, within blocks of postings that
/// already share company, title, seniority and place, so no text is compared with every other.
///
/// ```swift
/// let a = SimHash(text: description), b = SimHash(text: repost)
/// a.distance(to: b) <= 3   // near-identical
/// ```
public struct SimHash: Sendable, Hashable {
    /// The hash.
    public let value: UInt64

    /// Hashes the text's lower-cased words, three at a time (single words when it has fewer).
    ///
    /// Hashes are compared only within a run (dedupe's signatures live in the run's scratch
    /// store), so the function may change between versions.
    public init(text: String, shingle: Int = 3) {
        var text = text
        let words = text.withUTF8 { Self.wordHashes($0) }
        // Each bit's vote is counted eight bits at a time: a shingle hash's bytes index a table
        // that spreads a byte's bits into eight one-byte lanes, added to one accumulator per
        // byte, drained into wide counters before a lane can overflow. Eight additions a
        // shingle instead of sixty-four compares and branches (measured: the stage's cost per
        // posting fell by more than half). The lanes are locals, not an array: added to in
        // memory, each addition waited for the last one's store (a fifth of the function's
        // samples on one instruction; 28% less time over 20,000 descriptions without it).
        let size = min(shingle, max(words.count, 1))
        let shingles = words.count >= size ? words.count - size + 1 : 0
        var counts = [Int](repeating: 0, count: 64)
        var lanes = Lanes()
        if shingles > 0 {
            words.withUnsafeBufferPointer { words in
                Self.spread.withUnsafeBufferPointer { spread in
                    var pending = 0
                    for start in 0..<shingles {
                        // The shingle's words rotated apart (so their order counts), then one
                        // mix, where three chained ones (one a word) did three times the work.
                        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
                        if size == 3 {
                            h ^= words[start] ^ Self.rotated(words[start + 1], by: 21) ^ Self.rotated(words[start + 2], by: 42)
                        } else {
                            for k in 0..<size { h ^= Self.rotated(words[start + k], by: k * 21) }
                        }
                        lanes.add(Self.mix(h), spread)
                        pending += 1
                        if pending == 255 {
                            lanes.drain(into: &counts)
                            pending = 0
                        }
                    }
                }
            }
        }
        lanes.drain(into: &counts)
        var value: UInt64 = 0
        // A bit is set when more than half the shingles set it.
        for bit in 0..<64 where counts[bit] * 2 > shingles { value |= 1 << UInt64(bit) }
        self.value = value
    }

    /// The hashes of the text's lower-cased words (runs of ASCII letters and digits and the
    /// bytes of multi-byte characters), in order.
    static func wordHashes(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt64] {
        let count = utf8.count
        // A word ends before a byte that is no word's, so a text has at most (count + 1) / 2.
        return [UInt64](unsafeUninitializedCapacity: count / 2 + 2) { buffer, found in
            found = 0
            // Every byte goes through the same instructions: the word's hash so far is written
            // at the next slot whatever the byte, and counted only when the byte ends a word,
            // instead of a branch at each boundary (mispredicted at most of them). With the
            // rotation below, the function took 21% less time over 60,000 descriptions (85 MB);
            // without the rotation, 5%: the chain every byte waits on sets its pace.
            var hash: UInt64 = 0
            // 1 when the byte before was a word's, else 0.
            var previous = 0
            Self.wordBytes.withUnsafeBufferPointer { table in
                for i in 0..<count {
                    let entry = Int(table[Int(utf8[i])])
                    let word = entry >> 8 & 1
                    buffer[found] = hash
                    found &+= previous & ~word
                    // A rotation and an exclusive or a byte (one cycle each, where FNV-1a's
                    // multiplication took three); each word's hash is mixed once, below.
                    let kept = hash & UInt64(bitPattern: Int64(0 &- previous))
                    hash = (kept << 5 | kept >> 59) ^ UInt64(entry & 0xFF)
                    previous = word
                }
            }
            if previous == 1 {
                buffer[found] = hash
                found += 1
            }
            for k in 0..<found { buffer[k] = Self.mix(buffer[k]) }
        }
    }

    /// Eight one-byte counters in each of eight words: the votes of bits k, k + 8, … k + 56 of
    /// the shingles' hashes, in lane k.
    private struct Lanes {
        var l0: UInt64 = 0, l1: UInt64 = 0, l2: UInt64 = 0, l3: UInt64 = 0
        var l4: UInt64 = 0, l5: UInt64 = 0, l6: UInt64 = 0, l7: UInt64 = 0

        /// Counts one hash's bits.
        @inline(__always)
        mutating func add(_ h: UInt64, _ spread: UnsafeBufferPointer<UInt64>) {
            l0 &+= spread[Int(h & 0xFF)]
            l1 &+= spread[Int((h >> 8) & 0xFF)]
            l2 &+= spread[Int((h >> 16) & 0xFF)]
            l3 &+= spread[Int((h >> 24) & 0xFF)]
            l4 &+= spread[Int((h >> 32) & 0xFF)]
            l5 &+= spread[Int((h >> 40) & 0xFF)]
            l6 &+= spread[Int((h >> 48) & 0xFF)]
            l7 &+= spread[Int(h >> 56)]
        }

        /// Adds the counters to the wide ones and empties them (lane by lane: an array of the
        /// eight would be an allocation per description).
        mutating func drain(into counts: inout [Int]) {
            Self.spill(l0, lane: 0, into: &counts)
            Self.spill(l1, lane: 1, into: &counts)
            Self.spill(l2, lane: 2, into: &counts)
            Self.spill(l3, lane: 3, into: &counts)
            Self.spill(l4, lane: 4, into: &counts)
            Self.spill(l5, lane: 5, into: &counts)
            Self.spill(l6, lane: 6, into: &counts)
            Self.spill(l7, lane: 7, into: &counts)
            self = Lanes()
        }

        private static func spill(_ value: UInt64, lane: Int, into counts: inout [Int]) {
            for bit in 0..<8 { counts[lane * 8 + bit] += Int((value >> UInt64(bit * 8)) & 0xFF) }
        }
    }

    private static func rotated(_ x: UInt64, by bits: Int) -> UInt64 {
        let r = UInt64(bits & 63)
        return r == 0 ? x : (x << r) | (x >> (64 - r))
    }

    /// Bits that differ.
    public func distance(to other: SimHash) -> Int {
        (value ^ other.value).nonzeroBitCount
    }

    /// Byte value -> its lower-cased value, with 0x100 set for the bytes words are made of
    /// (ASCII letters and digits, and the bytes of multi-byte characters).
    private static let wordBytes: [UInt16] = (0..<256).map { value in
        let byte = UInt8(value)
        let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
        let word = (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) || lower >= 0x80
        return UInt16(lower) | (word ? 0x100 : 0)
    }

    /// Byte value -> its eight bits, one per byte lane (bit i at bit 8i).
    private static let spread: [UInt64] = (0..<256).map { byte in
        var lanes: UInt64 = 0
        for bit in 0..<8 where byte & (1 << bit) != 0 { lanes |= 1 << UInt64(bit * 8) }
        return lanes
    }

    /// SplitMix64's finalizer: every bit of the result depends on every bit of `x`.
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
