import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts records that arrive in storage order into feed order, holding about one bucket of them
/// in memory.
///
/// A feed's order (newest first, say) has nothing to do with the order records were stored in,
/// so reading them one by one in feed order costs a random read of the state file each: 2.5 s
/// of system time for 500,000 postings. Reading them in storage order is sequential; each record
/// goes to the temporary file of the bucket its feed position falls in, and the buckets are then
/// read back one at a time and put in order in memory. The files live a few seconds and are
/// deleted as they are read, so they rarely reach the disk.
///
/// ```swift
/// var reorder = try BucketReorder(count: positions.count)
/// for (position, record) in storageOrder { try reorder.add(position: position, record) }
/// try reorder.drain { record in print(record); return true }
/// ```
final class BucketReorder {
    /// Where its bucket files live; removed with it.
    let directory: URL
    private let perBucket: Int
    private var files: [Int32]
    private var buffers: [[UInt8]]
    /// A bucket's buffer is written out at this size: 64 KB, less when there are so many
    /// buckets that their buffers together would pass 4 MB (a million postings have 244), so
    /// that what is held does not grow with the feed.
    private let flushAt: Int
    /// The bucket files are written on a thread of their own, while the store is read.
    private let writer = BackgroundWriter()

    /// Prepares buckets for `count` positions of records of about `averageSize` bytes, each
    /// bucket holding about `bucketBytes`.
    init(count: Int, averageSize: Int = 2048, bucketBytes: Int = 8 << 20) throws {
        perBucket = max(1, bucketBytes / max(1, averageSize))
        let buckets = max(1, (count + perBucket - 1) / perBucket)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syndicate-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        files = Array(repeating: -1, count: buckets)
        buffers = Array(repeating: [], count: buckets)
        flushAt = min(64 << 10, max(8 << 10, (4 << 20) / buckets))
    }

    deinit {
        try? writer.drain()
        for fd in files where fd >= 0 { close(fd) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Adds the record that goes at `position` (0-based, each position once).
    func add(position: Int, _ record: UnsafeRawBufferPointer) throws {
        let bucket = position / perBucket
        guard bucket < buffers.count else { throw StateStoreError.unavailable("feed position \(position) out of range") }
        Self.append(UInt32(position - bucket * perBucket), to: &buffers[bucket])
        Self.append(UInt32(record.count), to: &buffers[bucket])
        buffers[bucket].append(contentsOf: record)
        if buffers[bucket].count >= flushAt { try flush(bucket) }
    }

    /// Visits the records in position order until `visit` returns false.
    func drain(_ visit: (ArraySlice<UInt8>) throws -> Bool) throws {
        for bucket in buffers.indices { try flush(bucket) }
        try writer.drain()
        for bucket in buffers.indices {
            guard files[bucket] >= 0 else { continue }
            let bytes = try readBack(bucket)
            // Positions within a bucket are dense: each record's place is known at once.
            var slots = [Range<Int>?](repeating: nil, count: perBucket)
            var offset = 0
            while offset + 8 <= bytes.count {
                let slot = Int(Self.read(bytes, at: offset)), length = Int(Self.read(bytes, at: offset + 4))
                let start = offset + 8
                guard slot < perBucket, start + length <= bytes.count else {
                    throw StateStoreError.unavailable("a temporary feed-order file was cut short")
                }
                slots[slot] = start..<(start + length)
                offset = start + length
            }
            // Each record is lent as a slice of its bucket: no copy per record.
            for case let range? in slots {
                guard try visit(bytes[range]) else { return }
            }
        }
    }

    private func flush(_ bucket: Int) throws {
        guard !buffers[bucket].isEmpty else { return }
        if files[bucket] < 0 {
            let path = directory.appendingPathComponent("\(bucket)").path
            files[bucket] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
            guard files[bucket] >= 0 else { throw Self.failure("cannot create", path) }
        }
        try writer.write(files[bucket], buffers[bucket], path: "the temporary feed-order file " + directory.appendingPathComponent("\(bucket)").path)
        buffers[bucket].removeAll(keepingCapacity: true)
    }

    private func readBack(_ bucket: Int) throws -> [UInt8] {
        let fd = files[bucket]
        defer {
            close(fd)
            files[bucket] = -1
            buffers[bucket] = []
            unlink(directory.appendingPathComponent("\(bucket)").path)
        }
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size >= 0 else { throw Self.failure("cannot read", directory.appendingPathComponent("\(bucket)").path) }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            failed = WholeTransfer.read(fd, into: UnsafeMutableRawBufferPointer(buffer), at: 0) != nil
            count = failed ? 0 : size
        }
        if failed { throw Self.failure("cannot read", directory.appendingPathComponent("\(bucket)").path) }
        return bytes
    }

    private static func append(_ value: UInt32, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    private static func failure(_ what: String, _ path: String) -> StateStoreError {
        .unavailable("\(what) the temporary feed-order file \(path): \(String(cString: strerror(errno)))")
    }
}
