import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a source reads its document from: a file (or a glob of files), or a URL.
///
/// ```swift
/// var stream = try input.open()
/// while let chunk = try await stream.next() { parser.feed(chunk) }
/// ```
public enum SourceInput: Sendable, Hashable {
    /// A local file, with the path as the user wrote it for messages.
    case file(URL, display: String)
    /// A remote document and how to fetch it.
    case remote(URL, HTTPSettings)

    /// The location as the operator wrote it, for messages (`feeds/a.xml`).
    public var display: String {
        switch self {
        case .file(_, let display): return display
        case .remote(let url, _): return url.absoluteString
        }
    }

    /// Opens the document as a stream of byte chunks: a file read in chunks, or an HTTP body as
    /// it arrives. `validators` make the request conditional; a 304 throws
    /// `HTTPFetcher.NotModified`. A file is conditional too: the same file with the same size
    /// and modification time as at the last success (`FileByteStream.validator`) is not read
    /// again, nor one rewritten with the same bytes (`FileReading`), and throws `NotModified`
    /// the same way; so does a body without validators that has the last one's bytes
    /// (`DownloadedBody`).
    public func open(validators: SourceState? = nil, chunkSize: Int = 256 * 1024) async throws -> HTTPFetcher.Fetched {
        switch self {
        case .file(let url, let display):
            return try Self.conditional(FileByteStream(url: url, display: display, chunkSize: chunkSize), validators)
        case .remote(let url, let settings):
            if url.isFileURL {
                return try Self.conditional(FileByteStream(url: url, display: url.path, chunkSize: chunkSize), validators)
            }
            let fetched = try await HTTPFetcher.fetch(url, settings: settings, validators: validators)
            // A server without validators sends the whole body every time: compared by its bytes.
            guard fetched.etag == nil, fetched.lastModified == nil else { return fetched }
            return try await DownloadedBody.download(fetched, display: url.absoluteString, validators: validators)
        }
    }
}

extension SourceInput {
    /// An opened file, unless it is the one the last success read, or has the same bytes.
    static func conditional(_ stream: FileByteStream, _ validators: SourceState?) throws -> HTTPFetcher.Fetched {
        // Rewritten since: hashed first if it may hold the same bytes (same size), and skipped
        // if it does, now known by its new identity.
        try ContentValidator.skipIfUnchanged(
            validators?.etag, identity: stream.validator, bytes: stream.size,
            content: { try stream.content() }, matched: { stream.giveBackPages() })
        var fetched = HTTPFetcher.Fetched(stream: stream, etag: stream.validator)
        fetched.reading = stream.reading
        return fetched
    }
}

/// A document read in chunks, so that no source holds a whole feed in memory.
public protocol ByteStream {
    /// The next chunk, or nil at the end of the document.
    mutating func next() async throws -> [UInt8]?
}

/// A file read in chunks.
public struct FileByteStream: ByteStream {
    private let handle: FileHandle
    private let chunkSize: Int
    private let display: String
    private var finished = false
    /// How far the file has been read, and up to where its pages have been given back.
    private var offset = 0
    private var dropped = 0
    /// What this stream learns of the file as it reads it, for the next run's validator.
    public let reading: FileReading
    /// The opened file's `FileValidator`, taken from the open descriptor so that it describes
    /// what is read even if the path is replaced meanwhile.
    public var validator: String? { reading.identity }
    /// The file's size when it was opened.
    public let size: Int
    /// How long ago a file must have last changed to be given a validator.
    static let settledSeconds = 2

    /// Opens a file, or throws a source error naming it. A file read as `validated: false` (a
    /// copy of its own, such as a downloaded body) is given no validator and is not hashed.
    public init(url: URL, display: String, chunkSize: Int, validated: Bool = true) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SourceError("\(display): file not found")
        }
        guard !isDirectory.boolValue else { throw SourceError("\(display): is a directory, not a file") }
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw SourceError("\(display): cannot open: \(error.localizedDescription)")
        }
        self.chunkSize = chunkSize
        self.display = display
        // A file modified in the last seconds may still be being written, within one tick of
        // the file system's clock and at the same size: like git's "racily clean" entries, it
        // gets no validator, and the next run reads it in full.
        var info = stat()
        let opened = fstat(handle.fileDescriptor, &info) == 0
        size = opened ? Int(info.st_size) : -1
        reading = FileReading(identity: opened && validated ? FileValidator.of(info, settled: Self.settledSeconds) : nil)
    }

    public mutating func next() async throws -> [UInt8]? {
        guard !finished else { return nil }
        // read(2) straight into the chunk: FileHandle.read(upToCount:) reads 4 KB per system
        // call on Linux and copies through Data (220,000 calls for a 900 MB feed).
        let descriptor = handle.fileDescriptor
        let size = chunkSize
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = read(descriptor, buffer.baseAddress.map { $0 + count }, size - count)
                if n > 0 {
                    count += n
                } else if n == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        if failure != 0 {
            throw SourceError("\(display): read failed: \(String(cString: strerror(failure)))")
        }
        offset += chunk.count
        dropBehind(final: chunk.isEmpty)
        guard !chunk.isEmpty else {
            finished = true
            reading.end()
            try? handle.close()
            return nil
        }
        reading.add(chunk)
        return chunk
    }

    /// The whole file's bytes as a validator describes them, read with `pread` so that the
    /// stream still starts at the beginning. Its pages stay in memory: if the bytes differ, the
    /// file is parsed next, from them.
    func content() throws -> ContentValidator.Content {
        let descriptor = handle.fileDescriptor
        var digest = ContentHash.Stream()
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(count)) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceError("\(display): read failed: \(String(cString: strerror(errno)))")
            }
            buffer.withUnsafeBytes { digest.add(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            count += n
        }
        return ContentValidator.Content(bytes: count, digest: digest.finish().hex)
    }

    /// Tells the kernel that none of the file's pages will be read again (see `dropBehind`).
    func giveBackPages() {
        #if os(Linux)
        _ = posix_fadvise(handle.fileDescriptor, 0, 0, POSIX_FADV_DONTNEED)
        #endif
    }

    /// Tells the kernel the pages already read will not be read again, so that it frees them
    /// now rather than when memory runs short.
    ///
    /// Why: a run reads each file once, and then writes as much again into new pages of its
    /// own (the spool of staged records, the state). On a virtual machine that hands free
    /// memory back to its host (free page reporting, as on the Firecracker machines this is
    /// measured on), a page the kernel has not used for a while is the host's again, and
    /// filling it costs about ten times filling one freed a moment ago (`dd` of a new 1 GB
    /// file here: 300 MB/s; right after 1 GB of another file's pages were dropped: 3.1 GB/s).
    /// Dropped behind the reader, the feed's pages are where the spool is written next;
    /// elsewhere the call costs a system call per 8 MB and saves nothing. The file stays on
    /// disk, and a later run that reads it again reads it from there; dirty pages (a file
    /// still being written) are left alone by the kernel.
    private mutating func dropBehind(final: Bool) {
        #if os(Linux)
        // In steps of 8 MB: a call per chunk would be a system call per 256 KB for nothing.
        let step = 8 << 20
        guard final || offset - dropped >= step else { return }
        _ = posix_fadvise(handle.fileDescriptor, off_t(dropped), off_t(offset - dropped), POSIX_FADV_DONTNEED)
        dropped = offset
        #endif
    }
}

/// Splits a byte stream into lines (LF or CRLF), numbering them from 1.
///
/// ```swift
/// var lines = LineReader(stream, maximumLength: 1 << 20)
/// while let (number, line) = try await lines.next() { … }
/// ```
public struct LineReader {
    private var stream: any ByteStream
    private var buffer: [UInt8] = []
    private var start = 0
    private var done = false
    private var number = 0
    private let maximumLength: Int

    /// A line longer than this is returned cut, flagged as too long.
    public init(_ stream: any ByteStream, maximumLength: Int) {
        self.stream = stream
        self.maximumLength = maximumLength
    }

    /// One line: its number, its bytes without the line break, and whether it was cut.
    public struct Line {
        public let number: Int
        public let bytes: ArraySlice<UInt8>
        public let tooLong: Bool
    }

    /// The next line, or nil at the end.
    public mutating func next() async throws -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                number += 1
                if line.count > maximumLength {
                    return Line(number: number, bytes: line.prefix(maximumLength), tooLong: true)
                }
                return Line(number: number, bytes: line, tooLong: false)
            }
            if done {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                if line.last == 0x0D { line = line.dropLast() }
                start = buffer.count
                number += 1
                return Line(number: number, bytes: line, tooLong: line.count > maximumLength)
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            if buffer.count > maximumLength {
                // Skip the rest of an over-long line without holding it.
                number += 1
                let cut = Array(buffer.prefix(maximumLength))
                buffer.removeAll(keepingCapacity: true)
                while let chunk = try await stream.next() {
                    if let nl = chunk.firstIndex(of: 0x0A) {
                        buffer.append(contentsOf: chunk[(nl + 1)...])
                        return Line(number: number, bytes: cut[...], tooLong: true)
                    }
                }
                done = true
                return Line(number: number, bytes: cut[...], tooLong: true)
            }
            if let chunk = try await stream.next() {
                buffer.append(contentsOf: chunk)
            } else {
                done = true
            }
        }
    }
}

extension ByteStream {
    /// The rest of the document in memory, for formats that need it whole; more than `limit`
    /// bytes fails with the limit named.
    ///
    /// ```swift
    /// let bytes = try await stream.readAll(limit: 64 << 20, display: input.display, option: "max_document_bytes")
    /// ```
    public mutating func readAll(limit: Int, display: String, option: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try await next() {
            bytes.append(contentsOf: chunk)
            if bytes.count > limit {
                throw SourceError("\(display): larger than \(option) (\(limit))")
            }
        }
        return bytes
    }
}
