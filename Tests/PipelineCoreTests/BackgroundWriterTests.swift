import Foundation
import Testing
@testable import PipelineCore
import TestScratch

@Suite("Writing on a thread of its own")
struct BackgroundWriterTests {
    @Test("every buffer lands, in order")
    func inOrder() throws {
        let url = ScratchDirectory.path("bg")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let writer = BackgroundWriter(depth: 2)
        var expected: [UInt8] = []
        for i in 0..<200 {
            let chunk = [UInt8](repeating: UInt8(i % 256), count: 1000 + i)
            expected += chunk
            try writer.write(handle.fileDescriptor, chunk, path: url.path)
        }
        try writer.drain()
        try handle.close()
        #expect(try [UInt8](Data(contentsOf: url)) == expected)
    }

    @Test("a failed write is thrown by the next write or by drain, naming the file")
    func failure() throws {
        let url = ScratchDirectory.path("bg")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        // Opened for reading only: every write fails.
        let handle = try FileHandle(forReadingFrom: url)
        let writer = BackgroundWriter()
        try writer.write(handle.fileDescriptor, [1, 2, 3], path: "out/feed.xml")
        #expect(throws: SourceError.self) { try writer.drain() }
        do {
            try writer.write(handle.fileDescriptor, [4], path: "out/feed.xml")
            Issue.record("the second write did not throw")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("cannot write out/feed.xml: "))
        }
        try handle.close()
    }
}
