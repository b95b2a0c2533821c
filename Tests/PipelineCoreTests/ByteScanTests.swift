@testable import PipelineCore
import Testing

@Suite("Scanning bytes eight and sixteen at a time")
struct ByteScanTests {
    /// What `ByteScan.first` must give, one byte at a time.
    private func expected(_ bytes: [UInt8], from start: Int, _ a: UInt8, _ b: UInt8, below limit: UInt8) -> Int {
        bytes.indices.dropFirst(start).first { bytes[$0] == a || bytes[$0] == b || bytes[$0] < limit } ?? bytes.count
    }

    /// What both scans give, when they agree; -1 when they do not.
    private func scan(_ bytes: [UInt8], from start: Int, _ a: UInt8, _ b: UInt8, below limit: UInt8) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            let word = ByteScan.first(in: buffer, from: start, equalTo: a, or: b, orBelow: limit)
            let long = ByteScan.firstInLongRun(in: buffer, from: start, equalTo: a, or: b, orBelow: limit)
            return word == long ? word : -1
        }
    }

    @Test("each byte of interest is found at every place in a word and across words, plain bytes around it")
    func everyPlace() {
        // Plain bytes just above and around the ones looked for (0x21, 0x23, 0x5B, 0x5D, 0x80,
        // 0xFF), so a borrow or a high byte that the bit tricks mishandle would show.
        let plain: [UInt8] = [0x21, 0x23, 0x5B, 0x5D, 0x80, 0xFF, 0x61, 0x20]
        // Long enough for the long-run scan to pass up to three vector blocks after the first word.
        for length in 0...60 {
            let filler = (0..<length).map { plain[$0 % plain.count] }
            #expect(scan(filler, from: 0, 0x22, 0x5C, below: 0x20) == length)
            for place in 0..<length {
                for needle: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A] {
                    var bytes = filler
                    bytes[place] = needle
                    for start in [0, min(place, 3), place] {
                        #expect(scan(bytes, from: start, 0x22, 0x5C, below: 0x20) == expected(bytes, from: start, 0x22, 0x5C, below: 0x20))
                    }
                    #expect(scan(bytes, from: place + 1, 0x22, 0x5C, below: 0x20) == length)
                }
            }
        }
    }

    @Test("agrees with a byte-by-byte search over random buffers, several hits in a word")
    func random() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...140, using: &generator)
            // Mostly plain bytes, now and then one looked for.
            let bytes = (0..<length).map { _ -> UInt8 in
                Int.random(in: 0..<12, using: &generator) == 0 ? [0x22, 0x5D, 0xEF, 0x05][Int.random(in: 0..<4, using: &generator)] : UInt8.random(in: 0x20...0xFF, using: &generator)
            }
            let start = length == 0 ? 0 : Int.random(in: 0...length, using: &generator)
            #expect(scan(bytes, from: start, 0x5D, 0xEF, below: 0x20) == expected(bytes, from: start, 0x5D, 0xEF, below: 0x20))
            #expect(scan(bytes, from: start, 0x22, 0x5C, below: 0x20) == expected(bytes, from: start, 0x22, 0x5C, below: 0x20))
        }
    }
}
