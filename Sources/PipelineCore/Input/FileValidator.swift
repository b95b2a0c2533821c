import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file's identity, size and modification time as one text (`file:dev-inode-size-mtime`):
/// the same text means the same file, unchanged. What a `path:` source's read is conditional on,
/// and how a run knows that a published feed is still the one it wrote.
public enum FileValidator {
    /// The validator of an open file.
    public static func of(descriptor: Int32) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return text(info)
    }

    /// The validator of the file at `path`, nil when there is none.
    public static func of(path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return text(info)
    }

    /// Whether the open file changed less than `seconds` ago (it may still be being written).
    static func changedRecently(descriptor: Int32, seconds: Int) -> Bool {
        var info = stat()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        guard fstat(descriptor, &info) == 0 else { return true }
        return Int(now.tv_sec) - Int(info.st_mtim.tv_sec) < seconds
    }

    private static func text(_ info: stat) -> String {
        "file:\(info.st_dev)-\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
