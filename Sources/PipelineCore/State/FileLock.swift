import Foundation

/// An exclusive `flock` on a file. The kernel releases it when the process ends, however it
/// ends, so a SIGKILL never leaves a stale lock; the holder's pid is written into the file for
/// the message a second run prints.
///
/// ```swift
/// let lock = try FileLock(url: stateURL.appendingPathExtension("lock"), pipeline: "jobs")
/// defer { lock.release() }
/// ```
public final class FileLock: RunLock {
    private let descriptor: Int32

    /// Takes the lock at once, or throws `StateStoreError.locked` naming the holder.
    public init(url: URL, pipeline: String) throws {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StateStoreError.unavailable("cannot open the lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let wouldBlock = errno == EWOULDBLOCK
            var holder: String?
            if wouldBlock, let text = try? String(contentsOf: url, encoding: .utf8) {
                let pid = text.trimmed
                if !pid.isEmpty { holder = "pid \(pid)" }
            }
            close(fd)
            if wouldBlock { throw StateStoreError.locked(pipeline: pipeline, holder: holder) }
            throw StateStoreError.unavailable("cannot lock \(url.path): \(String(cString: strerror(errno)))")
        }
        let pid = "\(ProcessInfo.processInfo.processIdentifier)\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    public func release() async {
        _ = flock(descriptor, LOCK_UN)
    }

    deinit {
        close(descriptor)
    }
}
