import Foundation
import Testing
@testable import PipelineCore

@Suite("Atomic files and line reading")
struct FileTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syndicate-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
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
}
