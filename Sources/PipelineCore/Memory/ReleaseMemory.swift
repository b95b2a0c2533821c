#if canImport(Glibc)
import Glibc
#endif

/// Hands the allocator's free pages back to the system. glibc keeps freed memory in its heaps
/// for reuse, so a phase that builds large arrays and drops them (dedupe's union-find over a
/// run's postings) leaves the process that much larger for the rest of the run; a phase that
/// knows it has just freed a lot calls this. A no-op where the allocator has no such call.
///
/// ```swift
/// let found = try finder.find(store)   // its working arrays freed on return
/// ReleaseMemory.freePages()
/// ```
public enum ReleaseMemory {
    /// Returns free heap pages to the system (glibc's `malloc_trim`).
    public static func freePages() {
        _ = trim?(0)
    }

    /// `malloc_trim`, looked up at run time: `malloc.h` is not part of the Glibc module, and a
    /// C library without it (musl) simply has nothing to release.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
