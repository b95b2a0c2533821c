import Foundation
import Testing
@testable import PipelineCore
import TestScratch

@Suite("Writing a file in aligned blocks")
struct DirectFileTests {
    static func path() -> String {
        ScratchDirectory.path("direct").path
    }

    /// Appends of every size — within a block, across several, after a drain — and what lands.
    static func appendAll(_ file: DirectFile) throws -> [UInt8] {
        var expected: [UInt8] = []
        for (i, size) in [1, 4095, 4097, 70_000, 3, 200_000, 12].enumerated() {
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            expected += chunk
            try file.append(chunk)
            if i == 2 {
                // A drain mid-file: the partial block is written (padded, then cut back) and
                // filled on by the appends after it.
                try file.drain()
                #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)).count == expected.count)
            }
        }
        try file.drain()
        return expected
    }

    @Test("every byte lands in order, and the file is exactly as long as what was appended")
    func content() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try DirectFile(creating: path, depth: 2, blockSize: 64 * 1024)
        let expected = try Self.appendAll(file)
        try file.synchronize()
        try file.close()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
    }

    @Test("blocks the file system refuses to write directly go through the page cache")
    func fallback() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A block size off the alignment puts the second block at an offset direct I/O refuses
        // (EINVAL): the writes must go on through the page cache, nothing lost. (Where the
        // temporary directory takes no direct I/O at all, the file is buffered from the start,
        // and the same must hold.)
        let file = try DirectFile(creating: path, depth: 3, blockSize: 4096 + 100)
        let expected = try Self.appendAll(file)
        try file.close()
        #expect(!file.isDirect)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
    }

    @Test("a drain with nothing new appended leaves the file's time as it was")
    func idleDrain() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try DirectFile(creating: path)
        try file.append(Array("<feed/>".utf8))
        try file.drain()
        let before = FileValidator.of(descriptor: file.descriptor)
        Thread.sleep(forTimeInterval: 0.02)
        try file.drain()
        #expect(FileValidator.of(descriptor: file.descriptor) == before)
        try file.close()
    }

    @Test("a file that cannot be created says where")
    func cannotCreate() throws {
        let path = Self.path() + "/missing/feed.xml"
        do {
            _ = try DirectFile(creating: path)
            Issue.record("created a file in a missing folder")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("cannot create \(path): "))
        }
    }
}
