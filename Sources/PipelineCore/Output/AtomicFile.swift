import Foundation

/// A file written beside its target and renamed over it only when complete, so a reader sees
/// either the previous file or the new one, never half of one.
///
/// ```swift
/// let file = try AtomicFile(target: url)
/// try file.write(bytes)
/// try file.commit()      // flush, fsync, rename
/// ```
public final class AtomicFile {
    /// The file's final location.
    public let target: URL
    /// The temporary file beside it.
    public let temporary: URL
    /// Written in aligned blocks, with direct I/O where the file system allows, on a thread of
    /// its own that overlaps the encoding of what follows (see `DirectFile`).
    private let file: DirectFile
    private var closed = false
    /// Bytes written so far.
    public var bytesWritten: Int { file.length }

    /// Creates the temporary file (and the target's directory if needed). With `stagingDirectory`
    /// the temporary file is written there instead and the target's directory is not touched
    /// (a dry run writes every feed but publishes none).
    public init(target: URL, stagingDirectory: URL? = nil) throws {
        self.target = target
        let directory = stagingDirectory ?? target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SourceError("cannot create the directory \(directory.path): \(error.localizedDescription)")
        }
        let name = ".\(target.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        temporary = directory.appendingPathComponent(name)
        file = try DirectFile(creating: temporary.path)
    }

    /// Removes temporary files that runs killed mid-write left beside `target`. Called with the
    /// pipeline's lock held, so no live run of the pipeline is writing them.
    public static func removeStaleTemporaries(of target: URL) {
        let directory = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends bytes read in place (part of a larger buffer, a string's storage).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try file.append(bytes)
    }

    /// The written file's `FileValidator`, once every write has landed: what the target will be
    /// after `commit` (a rename keeps the file's identity, size and time).
    public func validator() throws -> String? {
        try file.drain()
        return FileValidator.of(descriptor: file.descriptor)
    }

    /// Flushes to disk and renames over the target.
    public func commit() throws {
        guard !closed else { return }
        do {
            try file.drain()
            try file.synchronize()
            try file.close()
        } catch {
            discard()
            throw error
        }
        closed = true
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SourceError("cannot rename \(temporary.path) to \(target.path): \(reason)")
        }
    }

    /// Removes the temporary file; the target stays as it was.
    public func discard() {
        if !closed {
            try? file.close()
            closed = true
        }
        try? FileManager.default.removeItem(at: temporary)
    }

    deinit {
        if !closed { discard() }
    }
}

/// The document a sink's writer writes into: buffered, then written atomically by the runner.
public final class FeedOutput {
    private let file: AtomicFile?
    private let directory: AtomicDirectory?
    private var buffer: [UInt8] = []
    private let flushThreshold = 256 * 1024
    private let gzip: GzipStream?

    /// The feed's own title and link (a sink's `title:` and `link:`), when given.
    public let metadata: FeedMetadata
    /// The newest `date_posted` of the active set: a feed's `lastBuildDate` or `updated`, which
    /// so changes only when the postings do.
    public let newest: Date?

    /// Creates an output over an atomic file, gzip-compressed when `gzip` is set.
    public init(file: AtomicFile, gzip: Bool = false, metadata: FeedMetadata = FeedMetadata(), newest: Date? = nil) throws {
        self.file = file
        self.directory = nil
        self.gzip = gzip ? try GzipStream() : nil
        self.metadata = metadata
        self.newest = newest
        if gzip { buffer.reserveCapacity(flushThreshold + 4096) }
    }

    /// Creates an output that is a folder of files, written with `writeFile`.
    public init(directory: AtomicDirectory, metadata: FeedMetadata = FeedMetadata(), newest: Date? = nil) {
        self.file = nil
        self.directory = directory
        self.gzip = nil
        self.metadata = metadata
        self.newest = newest
    }

    /// Writes one file of a folder output.
    public func writeFile(_ name: String, _ bytes: [UInt8]) throws {
        guard let directory else { throw SourceError("this sink writes one file; a file per posting needs a folder output") }
        try directory.write(name: name, bytes)
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try write(bytes[...])
    }

    /// Appends bytes that are part of a larger buffer.
    public func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends one byte (a line's end).
    public func write(byte: UInt8) throws {
        try withUnsafeBytes(of: byte) { try append($0) }
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    /// Where every write goes. A feed that is one file, not compressed, is written straight
    /// into the file's aligned blocks (`DirectFile` buffers them itself): gathered here first,
    /// every byte of a feed was copied twice on its way out (the second copy: 94 of a 250k
    /// first run's 11,700 samples, 6% of the sinks'). A gzipped feed is gathered for the
    /// compressor, a folder output's stray bytes for `flush` to refuse.
    private func append(_ bytes: UnsafeRawBufferPointer) throws {
        if gzip == nil, let file { return try file.write(bytes) }
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes what is buffered to the file (compressed, when the feed is gzipped).
    public func flush() throws {
        guard let file else {
            guard buffer.isEmpty else { throw SourceError("this sink writes a file per posting, not one document") }
            return
        }
        if let gzip {
            uncompressed += buffer.count
            try file.write(try gzip.compress(buffer))
        } else {
            try file.write(buffer)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the rest, and ends the gzip stream when there is one.
    public func finish() throws {
        try flush()
        if let gzip, let file { try file.write(try gzip.finish()) }
    }

    private var uncompressed = 0

    /// Bytes written so far, buffered ones included (before compression).
    public var bytesWritten: Int {
        if let directory { return directory.bytesWritten }
        return (gzip == nil ? file?.bytesWritten ?? 0 : uncompressed) + buffer.count
    }
}

/// A feed's own metadata, from its sink's `title:` and `link:`.
public struct FeedMetadata: Sendable, Hashable {
    /// The feed's title.
    public var title: String?
    /// The site the feed belongs to.
    public var link: String?

    /// Creates metadata.
    public init(title: String? = nil, link: String? = nil) {
        self.title = title
        self.link = link
    }
}
