import Foundation
import Testing
@testable import PipelineCore
import TestScratch

@Suite("Atomic files and line reading")
struct FileTests {
    static func temporaryDirectory() throws -> URL {
        try ScratchDirectory.make("files")
    }

    @Test("a committed file replaces the target; until then the old one stays whole")
    func commit() throws {
        let dir = try Self.temporaryDirectory()
        let target = dir.appendingPathComponent("feed.xml")
        try Data("old".utf8).write(to: target)
        let file = try AtomicFile(target: target)
        try file.write(Array("new".utf8))
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(file.temporary.deletingLastPathComponent() == target.deletingLastPathComponent())
        try file.commit()
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(!FileManager.default.fileExists(atPath: file.temporary.path))
    }

    @Test("a file's validator describes its bytes only once it was read to the end, and as they were read")
    func readingValidator() async throws {
        let dir = try Self.temporaryDirectory()
        let path = dir.appendingPathComponent("feed.jsonl")
        let bytes = (0..<70_001).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try Data(bytes).write(to: path)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: path.path)
        var stream = try FileByteStream(url: path, display: "feed.jsonl", chunkSize: 4096)
        let identity = try #require(stream.validator)
        let whole = try stream.content()
        #expect(whole.bytes == bytes.count)
        _ = try await stream.next()
        // Stopped early: the identity alone, as before content was kept.
        #expect(stream.reading.validator == identity)
        while try await stream.next() != nil {}
        let validator = try #require(stream.reading.validator)
        #expect(validator == ContentValidator.text(identity: identity, content: whole))
        let parsed = ContentValidator.parse(validator)
        #expect(parsed.identity == identity[...])
        #expect(parsed.content == whole)
        // A validator stored by an earlier release has no content.
        #expect(ContentValidator.parse(identity).content == nil)
        #expect(ContentValidator.parse(identity).identity == identity[...])
        // Another byte, anywhere, is another content.
        var changed = bytes
        changed[40_000] ^= 1
        try Data(changed).write(to: path)
        #expect(try FileByteStream(url: path, display: "feed.jsonl", chunkSize: 4096).content() != whole)
    }

    @Test("a body without validators is kept in a file without a name, and compared by its bytes")
    func downloadedBody() async throws {
        let dir = try Self.temporaryDirectory()
        let parts: [[UInt8]] = [Array("{\"a\":1}\n".utf8), Array(repeating: 0x20, count: 100_003), Array("{\"b\":2}\n".utf8)]
        let fetched = try await DownloadedBody.download(HTTPFetcher.Fetched(stream: Chunks(chunks: parts)), display: "https://example.com/feed", validators: nil, directory: dir)
        // Unlinked as soon as the stream had it open.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let validator = try #require(fetched.etag)
        #expect(ContentValidator.isContentOnly(validator))
        #expect(ContentValidator.parse(validator).content?.bytes == parts.joined().count)
        var stream = fetched.stream
        var read: [UInt8] = []
        while let chunk = try await stream.next() { read += chunk }
        #expect(read == Array(parts.joined()))

        // The same bytes, cut otherwise: not modified, and nothing left behind.
        let whole = [Array(parts.joined())]
        await #expect(throws: HTTPFetcher.NotModified.self) {
            _ = try await DownloadedBody.download(HTTPFetcher.Fetched(stream: Chunks(chunks: whole)), display: "feed", validators: SourceState(etag: validator), directory: dir)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // One byte more: another body. A server's own ETag is never taken for a content.
        let longer = try await DownloadedBody.download(HTTPFetcher.Fetched(stream: Chunks(chunks: whole + [[0x0A]])), display: "feed", validators: SourceState(etag: validator), directory: dir)
        #expect(longer.etag != validator)
        #expect(!ContentValidator.isContentOnly("\"v1\""))
        #expect(ContentValidator.parse("\"v1\"").content == nil)
        // A folder it cannot write to fails the source with what and where.
        let missing = dir.appendingPathComponent("missing")
        let failure = await #expect(throws: SourceError.self) {
            _ = try await DownloadedBody.download(HTTPFetcher.Fetched(stream: Chunks(chunks: whole)), display: "feed", validators: nil, directory: missing)
        }
        #expect(failure?.message.hasPrefix("feed: cannot keep the body in \(missing.path)") == true)
        #expect(failure?.message.hasSuffix("set TMPDIR to a writable folder") == true)
    }

    @Test("a discarded file leaves the target untouched and no temporary behind")
    func discard() throws {
        let dir = try Self.temporaryDirectory()
        let target = dir.appendingPathComponent("feed.xml")
        try Data("old".utf8).write(to: target)
        let file = try AtomicFile(target: target)
        try file.write(Array("half".utf8))
        file.discard()
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["feed.xml"])
    }

    struct Chunks: ByteStream {
        var chunks: [[UInt8]]
        mutating func next() async throws -> [UInt8]? { chunks.isEmpty ? nil : chunks.removeFirst() }
    }

    @Test("lines split across chunks, CRLF, a last line without newline, and over-long lines")
    func lines() async throws {
        var reader = LineReader(Chunks(chunks: [Array("ab\r\ncd".utf8), Array("ef\n\n".utf8), Array("0123456789".utf8), Array("X\nlast".utf8)]), maximumLength: 8)
        var got: [(Int, String, Bool)] = []
        while let line = try await reader.next() {
            got.append((line.number, String(decoding: line.bytes, as: UTF8.self), line.tooLong))
        }
        #expect(got.map(\.0) == [1, 2, 3, 4, 5])
        #expect(got.map(\.1) == ["ab", "cdef", "", "01234567", "last"])
        #expect(got.map(\.2) == [false, false, false, true, false])
    }

    #if os(Linux)
    /// How many of the file's pages are in the page cache (`mincore` over a mapping of it).
    static func residentPages(_ path: String, bytes: Int) -> Int? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard let map = mmap(nil, bytes, PROT_READ, MAP_SHARED, descriptor, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, bytes) }
        let pages = (bytes + 4095) / 4096
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(map, bytes, &vector) == 0 else { return nil }
        return vector.reduce(0) { $0 + Int($1 & 1) }
    }

    @Test("a file read to its end leaves none of its pages in the page cache")
    func dropsPagesBehind() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = 20 << 20
        var bytes = [UInt8](repeating: 0x61, count: size)
        bytes[size / 2] = 0x62
        let control = dir.appendingPathComponent("control.xml").path, feed = dir.appendingPathComponent("feed.xml").path
        for path in [control, feed] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            // Written back, so that its pages are clean and the kernel may drop them.
            let descriptor = open(path, O_RDONLY)
            fsync(descriptor)
            close(descriptor)
        }
        // Where the file system keeps no pages apart from memory (tmpfs), nothing is dropped:
        // the control, dropped by hand, says whether the check can be made here.
        let descriptor = open(control, O_RDONLY)
        _ = posix_fadvise(descriptor, 0, off_t(size), POSIX_FADV_DONTNEED)
        close(descriptor)
        guard Self.residentPages(control, bytes: size) == 0 else { return }

        #expect((Self.residentPages(feed, bytes: size) ?? 0) > 0)
        var stream = try FileByteStream(url: URL(fileURLWithPath: feed), display: "feed.xml", chunkSize: 256 * 1024)
        var read: [UInt8] = []
        while let chunk = try await stream.next() { read += chunk }
        #expect(read == bytes)
        #expect(Self.residentPages(feed, bytes: size) == 0)
    }
    #endif
}
