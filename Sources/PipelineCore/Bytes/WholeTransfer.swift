#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes of a whole buffer with one file descriptor, retried where a signal
/// interrupted the call: the spool, the feed-order buckets, the background writer and the
/// `exec` plugins' pipes all need every byte or an error, never a short transfer.
///
/// Written by hand because FileHandle has no positional reads and writes (`pread`/`pwrite`),
/// which the spool's shelves and the feed-order buckets need, and no listed package offers them.
///
/// ```swift
/// if let stop = WholeTransfer.write(fd, bytes, at: offset) { throw Failure("cannot write: \(stop)") }
/// ```
public enum WholeTransfer {
    /// Why a transfer stopped before its end.
    public enum Stop: Error, Equatable, CustomStringConvertible {
        /// The system call failed with this errno.
        case system(Int32)
        /// A write that wrote nothing and reported no error (retrying would loop for ever).
        case nothingWritten
        /// A read that reached the end of the file first.
        case endOfFile

        /// The system's words for it, or what happened.
        public var description: String {
            switch self {
            case .system(let code): String(cString: strerror(code))
            case .nothingWritten: "the file system wrote nothing (is the disk full?)"
            case .endOfFile: "the file is shorter than expected"
            }
        }
    }

    /// Writes all of `bytes` — at `offset` (`pwrite`) when given, else at the file's position —
    /// or says why it could not.
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64? = nil) -> Stop? {
        guard let base = bytes.baseAddress else { return nil }
        return whole(bytes.count, short: .nothingWritten) { done in
            guard let offset else { return systemWrite(fd, base + done, bytes.count - done) }
            return pwrite(fd, base + done, bytes.count - done, off_t(offset + Int64(done)))
        }
    }

    /// Writes all of `bytes` (see the raw buffer's form).
    public static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int64? = nil) -> Stop? {
        bytes.withUnsafeBytes { write(fd, $0, at: offset) }
    }

    /// Fills all of `buffer` from `offset` (`pread`), or says why it could not.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Stop? {
        guard let base = buffer.baseAddress else { return nil }
        return whole(buffer.count, short: .endOfFile) { done in
            pread(fd, base + done, buffer.count - done, off_t(offset + Int64(done)))
        }
    }

    /// Calls `transfer` with the bytes done so far until all `count` are, retrying when a signal
    /// interrupted it; `short` when it transferred nothing.
    private static func whole(_ count: Int, short: Stop, _ transfer: (Int) -> Int) -> Stop? {
        var done = 0
        while done < count {
            let n = transfer(done)
            if n < 0 {
                if errno == EINTR { continue }
                return .system(errno)
            }
            if n == 0 { return short }
            done += n
        }
        return nil
    }

    /// write(2), under a name that does not clash with `write` here.
    private static func systemWrite(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, base, count)
        #else
        Darwin.write(fd, base, count)
        #endif
    }
}
