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
}
