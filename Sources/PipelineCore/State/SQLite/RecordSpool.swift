import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records a run stages, kept out of the state file until the run is applied: a nameless
/// append-only file in the temporary directory (`TMPDIR`), unlinked as soon as it is created so
/// that a killed run leaves nothing behind.
///
/// Why not the records table: about a third of a large first run's postings are merged away by
/// dedupe after they were staged. Written to the table and deleted again, their records
/// rewrote nearly every page of it a second time (a million-posting run wrote its 3.7 GB of
/// records about four times over, WAL and checkpoint included). Spooled, only the records that
/// survive the run reach the table, appended once, in order. And why not SQLite for the spool
/// itself: nothing here is looked up by key; a record is read back by the offset and size its
/// staged row keeps, so a plain file is all it needs.
///
/// Accessed only on the store's connection queue, which serialises every call.
final class RecordSpool: @unchecked Sendable {
    private let descriptor: Int32
    /// Appended records not yet written; a record is always wholly here or wholly on disk.
    private var pending: [UInt8] = []
    /// How many bytes are on disk.
    private var written: Int64 = 0
    private static let bufferSize = 1 << 20

    /// Creates an empty spool in the temporary directory.
    init() throws {
        let directory = FileManager.default.temporaryDirectory.path
        var template = Array("\(directory)/syndicate-records-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw StateStoreError.unavailable(
                "cannot create the run's record spool in \(directory): \(String(cString: strerror(errno))); is the temporary directory (TMPDIR) writable?")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
        pending.reserveCapacity(Self.bufferSize)
    }

    deinit {
        close(descriptor)
    }

    /// Appends `bytes`, returning the offset to read them back from.
    func append(_ bytes: [UInt8]) throws -> Int64 {
        if pending.count + bytes.count > Self.bufferSize { try flush() }
        let offset = written + Int64(pending.count)
        if bytes.count >= Self.bufferSize {
            try bytes.withUnsafeBytes { try write($0) }
        } else {
            pending.append(contentsOf: bytes)
        }
        return offset
    }

    /// The `count` bytes appended at `offset`.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= written + Int64(pending.count) else {
            throw StateStoreError.unavailable("the run's record spool has no record at \(offset) (\(count) bytes)")
        }
        if offset >= written {
            let start = Int(offset - written)
            return Array(pending[start..<start + count])
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readFully(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = count
        }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try write($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(written))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw StateStoreError.unavailable("cannot write the run's record spool in the temporary directory: \(String(cString: strerror(errno))); is TMPDIR full?")
            }
            done += n
            written += Int64(n)
        }
    }

    private func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw StateStoreError.unavailable("cannot read the run's record spool: \(n < 0 ? String(cString: strerror(errno)) : "it is shorter than expected")")
            }
            done += n
        }
    }
}
