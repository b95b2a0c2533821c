import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records a run stages, kept out of the state file until the run is applied: nameless
/// append-only files in the temporary directory (`TMPDIR`), each unlinked as soon as it is
/// created so that a killed run leaves nothing behind.
///
/// Why not the records table: about a third of a large first run's postings are merged away by
/// dedupe after they were staged. Written to the table and deleted again, their records
/// rewrote nearly every page of it a second time (a million-posting run wrote its 3.7 GB of
/// records about four times over, WAL and checkpoint included). Spooled, only the records that
/// survive the run reach the table, appended once, in order. And why not SQLite for the spool
/// itself: nothing here is looked up by key; a record is read back by the location its staged
/// row keeps, so plain files are all it needs.
///
/// Why several files ("shelves"): records appended under the same group share one, so that a
/// caller that reads the records back group by group can release each shelf as soon as the
/// last of its records has been read (`expectReads`, `take`). Its pages go back to the system
/// there and then, and are what the records table is written into next: on the virtual
/// machines this runs on, filling pages freed a moment ago costs a fraction of filling new ones
/// (a 3.4 GB file written while 4.5 GB of spool was kept: 9.3–9.6 s; while it was released
/// shelf by shelf: 3.5–5.0 s). The store groups records by the day of their `date_posted`, the
/// key of the order they are copied in.
///
/// Accessed only on the store's connection queue, which serialises every call.
final class RecordSpool: @unchecked Sendable {
    /// One file of the spool.
    private struct Shelf {
        let descriptor: Int32
        /// Appended records not yet written; a record is always wholly here or wholly on disk.
        var pending: [UInt8] = []
        /// How many bytes are on disk.
        var written: Int64 = 0
        /// How many reads through `take` remain before the shelf is released; nil: not counted.
        var readsLeft: Int?
    }

    /// The shelves by number; nil once released.
    private var shelves: [Shelf?] = []
    /// The shelf each group's records go to; groups that came after the last shelf was made
    /// are on that one.
    private var shelfOfGroup: [Int: Int] = [:]
    private let directory: String

    /// A location is the shelf's number above the offset's 40 bits (a terabyte per shelf).
    static let offsetBits: Int64 = 40
    private static let offsetMask: Int64 = (1 << offsetBits) - 1
    /// At most this many shelves: the groups past the last share it. A run's postings usually
    /// span a few weeks of days, and each shelf costs a descriptor and a write buffer.
    static let maximumShelves = 64
    /// Each shelf's write buffer: 64 shelves hold at most 8 MB between them.
    private static let bufferSize = 128 << 10

    /// Creates an empty spool in the temporary directory; its files are made as groups arrive.
    init() throws {
        directory = FileManager.default.temporaryDirectory.path
        // The first shelf now, so that an unwritable TMPDIR fails the run where it begins.
        _ = try shelf(forGroup: 0)
    }

    deinit {
        for case let shelf? in shelves { close(shelf.descriptor) }
    }

    /// The number of the shelf a location is on (see `offsetBits`).
    static func shelf(of location: Int64) -> Int {
        Int(location >> offsetBits)
    }

    /// How many shelves are open: made for a group and not yet released.
    var openShelves: Int {
        shelves.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }

    /// Appends `bytes` to the shelf of `group`, returning the location to read them back from.
    func append(_ bytes: [UInt8], group: Int = 0) throws -> Int64 {
        let number = try shelf(forGroup: group)
        guard var shelf = shelves[number] else {
            throw StateStoreError.unavailable("the run's record spool was released before everything was staged")
        }
        shelves[number] = nil
        defer { shelves[number] = shelf }
        if shelf.pending.count + bytes.count > Self.bufferSize { try flush(&shelf) }
        let offset = shelf.written + Int64(shelf.pending.count)
        guard offset + Int64(bytes.count) <= Self.offsetMask else {
            throw StateStoreError.unavailable("the run's record spool is past its size limit of a terabyte per day of postings")
        }
        if bytes.count >= Self.bufferSize {
            var written = shelf.written
            try bytes.withUnsafeBytes { try Self.write($0, to: shelf.descriptor, at: &written) }
            shelf.written = written
        } else {
            if shelf.pending.capacity == 0 { shelf.pending.reserveCapacity(Self.bufferSize) }
            shelf.pending.append(contentsOf: bytes)
        }
        return Int64(number) << Self.offsetBits | offset
    }

    /// The `count` bytes appended at `location`.
    func read(at location: Int64, count: Int) throws -> [UInt8] {
        let number = Self.shelf(of: location), offset = location & Self.offsetMask
        guard location >= 0, count >= 0, number < shelves.count, let shelf = shelves[number],
              offset + Int64(count) <= shelf.written + Int64(shelf.pending.count)
        else {
            throw StateStoreError.unavailable("the run's record spool has no record at \(location) (\(count) bytes)")
        }
        if offset >= shelf.written {
            let start = Int(offset - shelf.written)
            return Array(shelf.pending[start..<start + count])
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readFully(shelf.descriptor, into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = count
        }
    }

    /// Says how many more records will be read from each shelf with `take`; a shelf released
    /// when that many have been. Shelves not named are kept until the spool goes.
    func expectReads(_ counts: [Int: Int]) {
        for (number, count) in counts where number >= 0 && number < shelves.count && shelves[number] != nil {
            shelves[number]?.readsLeft = count
            if count <= 0 { release(number) }
        }
    }

    /// Reads the record at `location` as `read` does, counting it against its shelf's expected
    /// reads: the last one releases the shelf.
    func take(at location: Int64, count: Int) throws -> [UInt8] {
        let bytes = try read(at: location, count: count)
        let number = Self.shelf(of: location)
        if let left = shelves[number]?.readsLeft {
            shelves[number]?.readsLeft = left - 1
            if left <= 1 { release(number) }
        }
        return bytes
    }

    /// Closes a shelf: its file, unlinked since it was made, goes with its pages.
    private func release(_ number: Int) {
        guard let shelf = shelves[number] else { return }
        close(shelf.descriptor)
        shelves[number] = nil
    }

    /// The shelf of `group`, made when the group first comes.
    private func shelf(forGroup group: Int) throws -> Int {
        if let number = shelfOfGroup[group] { return number }
        if shelves.count >= Self.maximumShelves { return Self.maximumShelves - 1 }
        let number = shelves.count
        shelves.append(Shelf(descriptor: try makeFile()))
        shelfOfGroup[group] = number
        return number
    }

    private func makeFile() throws -> Int32 {
        var template = Array("\(directory)/syndicate-records-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw StateStoreError.unavailable(
                "cannot create the run's record spool in \(directory): \(String(cString: strerror(errno))); is the temporary directory (TMPDIR) writable?")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return descriptor
    }

    private func flush(_ shelf: inout Shelf) throws {
        guard !shelf.pending.isEmpty else { return }
        var written = shelf.written
        let descriptor = shelf.descriptor
        try shelf.pending.withUnsafeBytes { try Self.write($0, to: descriptor, at: &written) }
        shelf.written = written
        shelf.pending.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` at `offset`, advancing it.
    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: inout Int64) throws {
        if let stop = WholeTransfer.write(descriptor, bytes, at: offset) {
            throw StateStoreError.unavailable("cannot write the run's record spool in the temporary directory: \(stop); is TMPDIR full?")
        }
        offset += Int64(bytes.count)
    }

    private func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        if let stop = WholeTransfer.read(descriptor, into: buffer, at: offset) {
            throw StateStoreError.unavailable("cannot read the run's record spool: \(stop)")
        }
    }
}
