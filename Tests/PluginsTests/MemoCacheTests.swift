import Synchronization
import Testing
@testable import Plugins

/// The stages' memo of repeated texts computes each text once while it is kept, gives what the
/// function gives, and stays within its bounds.
@Suite("Memo of repeated texts")
struct MemoCacheTests {
    @Test("a repeated text is computed once; a long one, or one past a full memo, every time")
    func bounded() {
        let calls = Mutex(0)
        let cache = MemoCache<Int>(capacity: 3, maxKeyBytes: 8)
        func length(_ text: String) -> Int {
            calls.withLock { $0 += 1 }
            return text.count
        }
        #expect(cache.value(for: "abc", length) == 3)
        #expect(cache.value(for: "abc", length) == 3)
        #expect(calls.withLock { $0 } == 1)
        #expect(cache.value(for: "a long text", length) == 11)
        #expect(cache.value(for: "a long text", length) == 11)
        #expect(calls.withLock { $0 } == 3)
        // "abc", "d" and "e" fill it: "f" is computed each time, the kept ones never again.
        _ = cache.value(for: "d", length)
        _ = cache.value(for: "e", length)
        #expect(cache.value(for: "f", length) == 1)
        #expect(cache.value(for: "f", length) == 1)
        #expect(calls.withLock { $0 } == 7)
        #expect(cache.value(for: "abc", length) == 3)
        #expect(cache.value(for: "e", length) == 1)
        #expect(calls.withLock { $0 } == 7)
    }
}
