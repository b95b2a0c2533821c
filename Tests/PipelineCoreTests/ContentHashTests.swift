import Testing
@testable import PipelineCore

@Suite("Content hashes")
struct ContentHashTests {
    @Test("equal bytes hash alike; any one changed byte, in the words or the tail, changes the hash")
    func sensitivity() {
        let base = Array("{\"id\":\"a-1\",\"title\":\"Senior Back-End Developer\",\"x\":1}".utf8)
        #expect(ContentHash(bytes: base) == ContentHash(bytes: Array(base)))
        var seen: Set<ContentHash> = [ContentHash(bytes: base)]
        for index in base.indices {
            var changed = base
            changed[index] ^= 0x01
            seen.insert(ContentHash(bytes: changed))
        }
        #expect(seen.count == base.count + 1)
        // Lengths are part of the hash: trailing zero bytes are not the same as none.
        #expect(ContentHash(bytes: base) != ContentHash(bytes: base + [0]))
        #expect(ContentHash(bytes: []) != ContentHash(bytes: [0]))
        #expect(ContentHash(bytes: base).bytes.count == 16)
    }

    @Test("a stream's hash depends on the bytes, not on how they were split into parts")
    func stream() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        func hash(_ sizes: [Int]) -> ContentHash {
            var stream = ContentHash.Stream()
            var start = 0
            var index = 0
            while start < bytes.count {
                let end = min(bytes.count, start + sizes[index % sizes.count])
                stream.add(Array(bytes[start..<end]))
                start = end
                index += 1
            }
            return stream.finish()
        }
        let whole = hash([bytes.count])
        // Parts shorter than a word, straddling words, empty, and of a word exactly.
        for sizes in [[1], [3], [7], [8], [13], [5, 0, 11], [999, 1], [256, 3, 9]] {
            #expect(hash(sizes) == whole, "parts of \(sizes)")
        }
        var changed = bytes
        changed[997] ^= 0x01
        var stream = ContentHash.Stream()
        stream.add(changed)
        #expect(stream.finish() != whole)
        // The length counts: a trailing zero byte, or none at all, is another content.
        var longer = ContentHash.Stream()
        longer.add(bytes + [0])
        #expect(longer.finish() != whole)
        #expect(ContentHash.Stream().finish() != { var s = ContentHash.Stream(); s.add([0]); return s.finish() }())
    }

    @Test("a record's hash is the one earlier releases stored (a change would count every posting as updated)")
    func stable() {
        #expect(ContentHash(bytes: Array("{\"id\":\"a-1\"}".utf8)).hex == "849a66565cf0acf9566ca1ae97a8a441")
        #expect(ContentHash(bytes: []).hex == "d92fdd722bb749e82531594f9cbc1578")
    }
}

