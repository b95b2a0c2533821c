import Foundation
import Testing
@testable import PipelineCore

/// The run's record spool gives back exactly what was appended, wherever a record fell: in the
/// write buffer, on disk, across the buffer's edge, larger than the buffer, on any shelf, read
/// in any order; and a shelf goes only when its last expected record has been taken.
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

    @Test("records of many groups, past the number of shelves, read back wherever they went")
    func groups() throws {
        let spool = try RecordSpool()
        let records = Self.records(count: 900)
        let groupCount = RecordSpool.maximumShelves + 20
        var locations: [Int64] = []
        for (index, record) in records.enumerated() {
            // Interleaved, as a feed's days are.
            locations.append(try spool.append(record, group: (index * 11) % groupCount - 3))
        }
        #expect(spool.openShelves == RecordSpool.maximumShelves)
        #expect(Set(locations.map(RecordSpool.shelf(of:))).count == RecordSpool.maximumShelves)
        for index in records.indices.shuffled() {
            #expect(try spool.read(at: locations[index], count: records[index].count) == records[index], "record \(index)")
        }
    }

    @Test("a shelf is released when its expected reads are taken, not before, and others stay")
    func release() throws {
        let spool = try RecordSpool()
        let first = try (0..<3).map { try spool.append(Array(repeating: UInt8($0), count: 5000), group: 10) }
        let second = try spool.append(Array(repeating: 9, count: 5000), group: 11)
        let kept = try spool.append(Array(repeating: 8, count: 10), group: 12)
        let shelves = spool.openShelves
        spool.expectReads([RecordSpool.shelf(of: first[0]): 3, RecordSpool.shelf(of: second): 1])
        #expect(try spool.take(at: first[2], count: 5000) == Array(repeating: 2, count: 5000))
        #expect(try spool.take(at: first[0], count: 5000) == Array(repeating: 0, count: 5000))
        // Two of three taken: still there, and a plain read does not count.
        #expect(try spool.read(at: first[1], count: 5000) == Array(repeating: 1, count: 5000))
        #expect(spool.openShelves == shelves)
        #expect(try spool.take(at: first[1], count: 5000) == Array(repeating: 1, count: 5000))
        #expect(spool.openShelves == shelves - 1)
        #expect(throws: StateStoreError.self) { try spool.read(at: first[0], count: 5000) }
        #expect(try spool.take(at: second, count: 5000) == Array(repeating: 9, count: 5000))
        #expect(spool.openShelves == shelves - 2)
        // A shelf with no expected reads stays until the spool goes.
        #expect(try spool.take(at: kept, count: 10) == Array(repeating: 8, count: 10))
        #expect(try spool.read(at: kept, count: 10) == Array(repeating: 8, count: 10))
        #expect(spool.openShelves == shelves - 2)
    }
}
