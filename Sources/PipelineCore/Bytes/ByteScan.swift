/// Finds the first byte of interest in a buffer eight bytes at a time: the scans over a
/// record's long texts (a JSON string's end, a CDATA section's troublesome bytes) look for two
/// or three byte values among thousands of plain ones.
///
/// A word of eight bytes is tested at once with the usual bit tricks ("has a zero byte",
/// "has a byte below n"), then the byte is found by the lowest flag; a flag above a true hit
/// can be false (a borrow), but the lowest one never is. Where runs are long (a JSON string's
/// end, a CDATA section's text, an HTML paragraph's next tag), `firstInLongRun` passes over
/// sixteen bytes at a time with vector comparisons. No library searches for several bytes at
/// once (`memchr` finds one), hence written here.
///
/// ```swift
/// // the end of a JSON string's plain run: a quote, a backslash or a control character
/// let end = ByteScan.first(in: buffer, from: i, equalTo: 0x22, or: 0x5C, orBelow: 0x20)
/// ```
public enum ByteScan {
    /// The index of the first byte at or after `start` that is `a` or `b` or less than `limit`
    /// (`limit` at most 0x80), or `buffer.count` when there is none.
    @inlinable
    public static func first(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, equalTo a: UInt8, or b: UInt8, orBelow limit: UInt8) -> Int {
        var i = start
        let count = buffer.count
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            let splatA = UInt64(a) &* 0x0101_0101_0101_0101
            let splatB = UInt64(b) &* 0x0101_0101_0101_0101
            let splatLimit = UInt64(limit) &* 0x0101_0101_0101_0101
            while i + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let flags = zeroBytes(word ^ splatA) | zeroBytes(word ^ splatB) | ((word &- splatLimit) & ~word & 0x8080_8080_8080_8080)
                if flags != 0 { return i + flags.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < count {
            let byte = buffer[i]
            if byte == a || byte == b || byte < limit { return i }
            i += 1
        }
        return count
    }

    /// The same as `first` (`limit` at most 0x80 too), for runs usually longer than a few words (a
    /// record's strings, a paragraph's text): blocks of sixteen bytes are tested with vector
    /// comparisons, and `first` finds the byte in the first block that has one. A run of 1,700
    /// plain bytes (a description) is scanned about twice as fast as a word at a time (a
    /// stand-alone loop over such texts); in a 250k run, the scans and the loops around them
    /// (decoding records, quoting JSON, CDATA, HTML text) went from 3.9% of the samples to 3.1%.
    /// Short runs (a word's end in text) stay with `first`, inlined.
    public static func firstInLongRun(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, equalTo a: UInt8, or b: UInt8, orBelow limit: UInt8) -> Int {
        var i = start
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            let vectorA = SIMD16<UInt8>(repeating: a), vectorB = SIMD16<UInt8>(repeating: b)
            let vectorLimit = SIMD16<UInt8>(repeating: limit)
            while i + 16 <= buffer.count {
                let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                if any((block .== vectorA) .| (block .== vectorB) .| (block .< vectorLimit)) { break }
                i += 16
            }
        }
        // The block with the byte, or the last fifteen bytes at most.
        return first(in: buffer, from: i, equalTo: a, or: b, orBelow: limit)
    }

    /// A flag (the byte's high bit) for each zero byte of `word`, exact up to the lowest one.
    @inlinable
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }
}
