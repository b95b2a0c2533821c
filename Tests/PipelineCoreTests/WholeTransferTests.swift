import Foundation
import Testing
import PipelineCore
#if canImport(Glibc)
import Glibc
import TestScratch
#endif

@Suite("Whole reads and writes of a file descriptor")
struct WholeTransferTests {
    /// A new empty file, open for reading and writing, and its path (removed by the caller).
    static func scratchFile() throws -> (Int32, String) {
        let path = ScratchDirectory.path("whole").path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        return (fd, path)
    }

    @Test("writes at offsets and at the file position, and reads back exactly what was written")
    func roundTrip() throws {
        let (fd, path) = try Self.scratchFile()
        defer { close(fd); unlink(path) }
        let head = Array("head-".utf8), tail = Array(repeating: UInt8(ascii: "t"), count: 200_000)
        #expect(WholeTransfer.write(fd, head) == nil)
        #expect(WholeTransfer.write(fd, tail, at: Int64(head.count)) == nil)
        var back = [UInt8](repeating: 0, count: head.count + tail.count)
        let stop = back.withUnsafeMutableBytes { WholeTransfer.read(fd, into: $0, at: 0) }
        #expect(stop == nil)
        #expect(back == head + tail)
    }

    @Test("a read past the end says so instead of returning part of the buffer, and a bad descriptor gives its errno")
    func shortAndFailed() throws {
        let (fd, path) = try Self.scratchFile()
        defer { close(fd); unlink(path) }
        #expect(WholeTransfer.write(fd, Array("abc".utf8)) == nil)
        var buffer = [UInt8](repeating: 0, count: 10)
        #expect(buffer.withUnsafeMutableBytes { WholeTransfer.read(fd, into: $0, at: 0) } == .endOfFile)
        #expect(WholeTransfer.write(-1, Array("x".utf8)) == .system(EBADF))
        #expect(WholeTransfer.Stop.system(EBADF).description.lowercased().contains("bad file"))
    }
}
