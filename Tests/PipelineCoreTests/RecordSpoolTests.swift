import Foundation
import Testing
@testable import PipelineCore

/// The run's record spool gives back exactly what was appended, wherever a record fell: in the
/// write buffer, on disk, across the buffer's edge, larger than the buffer, read in any order.
@Suite("The record spool")
struct RecordSpoolTests {
    /// Records of varied sizes, each filled with a pattern of its own so that a wrong offset or
    /// length cannot read as right.
    static func records(count: Int) -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { index in
            let size = index % 97 == 0 ? Int.random(in: 1 << 20...(1 << 20) + 5000, using: &generator) : Int.random(in: 0...9000, using: &generator)
            return (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }
    }

    @Test("reads in any order give back every record, before and after flushing")
    func roundTrip() throws {
        let spool = try RecordSpool()
        let records = Self.records(count: 600)
        var offsets: [Int64] = []
        for (index, record) in records.enumerated() {
            offsets.append(try spool.append(record))
            // The newest record reads back while it may still be in the buffer.
            #expect(try spool.read(at: offsets[index], count: record.count) == record)
        }
        for index in records.indices.shuffled() {
            #expect(try spool.read(at: offsets[index], count: records[index].count) == records[index], "record \(index)")
        }
    }

    @Test("a read past what was appended is an error, not garbage")
    func outOfRange() throws {
        let spool = try RecordSpool()
        let offset = try spool.append(Array(repeating: 7, count: 10))
        #expect(throws: StateStoreError.self) { try spool.read(at: offset, count: 11) }
        #expect(throws: StateStoreError.self) { try spool.read(at: -1, count: 1) }
    }
}
