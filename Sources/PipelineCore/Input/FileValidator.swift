import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file's identity, size and modification time as one text (`file:dev-inode-size-mtime`):
/// the same text means the same file, unchanged. What a `path:` source's read is conditional on,
/// and how a run knows that a published feed is still the one it wrote.
public enum FileValidator {
    /// The validator of an open file; nil when it changed less than `settled` seconds ago (it
    /// may still be being written, within one tick of the file system's clock).
    public static func of(descriptor: Int32, settled: Int = 0) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return of(info, settled: settled)
    }

    /// The validator of the file at `path`, nil when there is none (or it changed less than
    /// `settled` seconds ago).
    public static func of(path: String, settled: Int = 0) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return of(info, settled: settled)
    }

    /// The validator of a set of files, such as a glob's matches: their paths and each one's
    /// validator, as one digest (`files:` and 32 hex digits), and their sizes added up. Nil when
    /// one of them has none: a file changed in the last `settled` seconds, or gone.
    public static func of(paths: [String], settled: Int) -> (validator: String, bytes: Int)? {
        var listing: [UInt8] = []
        var bytes = 0
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0, let validator = of(info, settled: settled) else { return nil }
            listing += Array(path.utf8) + [0] + Array(validator.utf8) + [0x0A]
            bytes += Int(info.st_size)
        }
        return ("files:\(paths.count):" + ContentHash(bytes: listing).hex, bytes)
    }

    /// The validator of a file whose `stat` is `info`; nil when it changed less than `settled`
    /// seconds ago.
    static func of(_ info: stat, settled: Int) -> String? {
        if settled > 0 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            guard Int(now.tv_sec) - Int(info.st_mtim.tv_sec) >= settled else { return nil }
        }
        return text(info)
    }

    private static func text(_ info: stat) -> String {
        "file:\(info.st_dev)-\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
