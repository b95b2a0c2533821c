import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file written front to back in large aligned blocks, with direct I/O where the file system
/// takes it, on a thread of its own a few blocks behind the caller.
///
/// A feed is written once and not read back by the run, so the page cache gains nothing from
/// holding it, and filling new page-cache pages is what writing costs most: on the small VMs the
/// benchmarks run on, a buffered write into a new file goes at about 360 MB/s while the same
/// bytes written with `O_DIRECT` from an aligned buffer go at 1.1–1.5 GB/s (`dd`, 2 GB; see
/// `Benchmarks/RESULTS.md`). Direct I/O needs the buffer, the offset and the length aligned: the
/// bytes go into blocks of `blockSize` allocated at a page boundary, each written at its own
/// offset; the last, partial block is written padded to the alignment and the file cut back to
/// its length. Where the file system refuses direct I/O (tmpfs on older kernels, some network
/// file systems), the same blocks are written through the page cache, unpadded.
///
/// At most `depth` blocks are in use at a time, so memory stays a few megabytes whatever the
/// file's size, and the caller waits when the disk is slower than it. The first failed write is
/// kept and thrown by the next `append` or by `drain`, naming the file.
///
/// ```swift
/// let file = try DirectFile(creating: "out/.feed.xml.tmp")
/// try file.append(bytes)
/// try file.drain()        // every byte written, the file exactly as long as what was appended
/// try file.close()
/// ```
final class DirectFile: @unchecked Sendable {
    // @unchecked: the caller's side (the current block, the offsets) is used by one thread at a
    // time, as any file handle is; what the write queue shares with it is behind a mutex.

    /// Bytes per block by default: large enough that each write is one efficient request to
    /// the device.
    static let defaultBlockSize = 1 << 20
    /// The alignment direct I/O asks for: a page, which covers every common logical block size.
    static let alignment = 4096

    /// Bytes per block (a multiple of `alignment`, but for tests of the fallback).
    let blockSize: Int
    /// The open descriptor.
    let descriptor: Int32
    /// The file's path, for messages.
    let path: String
    /// Bytes appended so far.
    private(set) var length = 0

    private let queue = DispatchQueue(label: "syndicate.direct-file")
    private let shared: Shared
    /// The block being filled, and where in the file it goes.
    private var current: Block
    private var currentOffset = 0
    /// Whether bytes were appended since the last `drain`.
    private var pending = false
    private var closed = false

    /// What the queued writes share with the caller.
    private final class Shared: Sendable {
        let slots: DispatchSemaphore
        let state: Mutex<State>
        init(blocks: [Block], direct: Bool) {
            slots = DispatchSemaphore(value: blocks.count)
            state = Mutex(State(free: blocks, direct: direct))
        }
    }

    private struct State: Sendable {
        /// The blocks written and free to fill again.
        var free: [Block]
        /// Cleared when the file system refuses an aligned direct write: every later write goes
        /// through the page cache.
        var direct: Bool
        var failure: String?
    }

    /// An aligned buffer of a block's size.
    private final class Block: @unchecked Sendable {
        // @unchecked: filled by the caller, then read by the writer only after being handed over.
        let base: UnsafeMutableRawPointer
        var count = 0
        init(size: Int) { base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: DirectFile.alignment) }
        deinit { base.deallocate() }
    }

    /// Creates the file at `path` (which must not exist) with `depth` blocks to fill and write.
    init(creating path: String, depth: Int = 4, blockSize: Int = DirectFile.defaultBlockSize) throws {
        self.path = path
        self.blockSize = blockSize
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        var fd = Self.directFlag.map { open(path, flags | $0, 0o666) } ?? -1
        var direct = fd >= 0
        if fd < 0 {
            fd = open(path, flags, 0o666)
            direct = false
        }
        guard fd >= 0 else {
            throw SourceError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        // Room for the padding of a last partial block, whatever the block size.
        let capacity = (blockSize + Self.alignment - 1) / Self.alignment * Self.alignment
        let blocks = (0..<max(depth, 2)).map { _ in Block(size: capacity) }
        shared = Shared(blocks: blocks, direct: direct)
        current = Self.take(shared)
    }

    deinit {
        // Blocks still queued are written to a descriptor closed next: wait for them.
        queue.sync {}
        if !closed { Glibc.close(descriptor) }
        // The block being filled holds a slot; a semaphore must be back at its first value
        // when it goes (libdispatch traps otherwise).
        shared.slots.signal()
    }

    /// Whether the file is written with direct I/O (false once the file system refused it).
    var isDirect: Bool {
        shared.state.withLock { $0.direct }
    }

    /// Appends bytes; throws an earlier write's failure.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try check()
        guard var source = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = min(remaining, blockSize - current.count)
            (current.base + current.count).copyMemory(from: source, byteCount: n)
            current.count += n
            source += n
            remaining -= n
            if current.count == blockSize {
                submit(current, at: currentOffset, recycle: true)
                current = Self.take(shared)
                currentOffset += blockSize
            }
        }
        length += bytes.count
        pending = true
    }

    /// Appends bytes.
    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Writes everything appended so far and waits for it; the file is then exactly `length`
    /// bytes long. Appending may go on after it (the partial block is written again, whole).
    /// Does nothing when nothing was appended since the last drain, so the file's time stays.
    func drain() throws {
        guard pending else { return try check() }
        if current.count > 0 { submit(current, at: currentOffset, recycle: false) }
        queue.sync {}
        try check()
        // Only a padded last block leaves the file longer than what was appended.
        if ftruncate(descriptor, off_t(length)) != 0 {
            throw SourceError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        pending = false
    }

    /// Flushes the file to the disk (`fsync`).
    func synchronize() throws {
        if fsync(descriptor) != 0 {
            throw SourceError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Closes the descriptor (after waiting for any queued write).
    func close() throws {
        guard !closed else { return }
        queue.sync {}
        closed = true
        if Glibc.close(descriptor) != 0 {
            throw SourceError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func check() throws {
        if let message = shared.state.withLock({ $0.failure }) { throw SourceError(message) }
    }

    private static func take(_ shared: Shared) -> Block {
        shared.slots.wait()
        let block = shared.state.withLock { $0.free.removeLast() }
        block.count = 0
        return block
    }

    /// Queues the write of `block`'s bytes at `offset`; a full block goes back to the free
    /// ones once written, the partial one the caller goes on filling does not.
    private func submit(_ block: Block, at offset: Int, recycle: Bool) {
        let count = block.count
        queue.async { [shared, descriptor, path] in
            defer {
                if recycle {
                    shared.state.withLock { $0.free.append(block) }
                    shared.slots.signal()
                }
            }
            guard shared.state.withLock({ $0.failure == nil }) else { return }
            if let problem = Self.write(block, count: count, at: offset, to: descriptor, shared) {
                shared.state.withLock { state in
                    if state.failure == nil { state.failure = "cannot write \(path): \(problem)" }
                }
            }
        }
    }

    /// Writes `count` bytes of `block` at `offset` — padded to the alignment when direct — and
    /// falls back to the page cache when the file system refuses the direct write.
    private static func write(_ block: Block, count: Int, at offset: Int, to fd: Int32, _ shared: Shared) -> String? {
        var direct = shared.state.withLock { $0.direct }
        var done = 0
        while true {
            let total = direct ? (count + alignment - 1) / alignment * alignment : count
            guard done < total else { return nil }
            let n = pwrite(fd, block.base + done, total - done, off_t(offset + done))
            if n > 0 {
                done += n
                continue
            }
            // Nothing written and no error would otherwise be asked again for ever.
            if n == 0 { return "the file system wrote nothing (is the disk full?)" }
            if errno == EINTR { continue }
            guard errno == EINVAL, direct else { return String(cString: strerror(errno)) }
            // The file system takes no direct I/O here (or not at this alignment): through the
            // page cache from now on, this block again from where it stopped.
            let flags = fcntl(fd, F_GETFL)
            if flags >= 0, let flag = directFlag { _ = fcntl(fd, F_SETFL, flags & ~flag) }
            direct = false
            shared.state.withLock { $0.direct = false }
        }
    }

    /// `O_DIRECT`, which Swift's Glibc module does not export (glibc defines it only under
    /// `_GNU_SOURCE`); its value differs between architectures. Nil where it is not known here:
    /// the file is then written through the page cache.
    static let directFlag: Int32? = {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
        return 0o200000
        #else
        return nil
        #endif
    }()
}
