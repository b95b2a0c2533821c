import Foundation
import Testing
@testable import PipelineCore

@Suite("RFC 3339 dates")
struct RFC3339Tests {
    @Test("formats UTC with whole seconds and a Z")
    func formats() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_449_600.75)) == "2026-11-23T16:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -86_401)) == "1969-12-30T23:59:59Z")
    }

    @Test("parses zones, offsets, fractions and date-only forms into UTC")
    func parses() {
        #expect(RFC3339.parse("2026-11-25T10:00:00-05:00").map(RFC3339.format) == "2026-11-25T15:00:00Z")
        #expect(RFC3339.parse("2026-11-25T10:00:00+0130").map(RFC3339.format) == "2026-11-25T08:30:00Z")
        #expect(RFC3339.parse("2026-11-25 10:00:00Z").map(RFC3339.format) == "2026-11-25T10:00:00Z")
        #expect(RFC3339.parse("2026-11-25T10:00").map(RFC3339.format) == "2026-11-25T10:00:00Z")
        #expect(RFC3339.parse("2026-11-25").map(RFC3339.format) == "2026-11-25T00:00:00Z")
        #expect(RFC3339.parse("2026-11-25T10:00:00.5Z")?.timeIntervalSince1970 == 1_795_600_800.5)
        #expect(RFC3339.parse("  2026-11-25T10:00:00Z ").map(RFC3339.format) == "2026-11-25T10:00:00Z")
    }

    @Test("rejects what is not a date", arguments: ["", "yesterday", "2026-13-01", "2026-11-25T25:00:00Z", "2026-11-25T10:00:00 EST", "2026/11/25"])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("reads epoch seconds and milliseconds")
    func epochs() {
        #expect(DateReading.parse("1795449600").map(RFC3339.format) == "2026-11-23T16:00:00Z")
        #expect(DateReading.parse("1795449600000").map(RFC3339.format) == "2026-11-23T16:00:00Z")
        #expect(DateReading.epoch(-5) == nil)
    }
}
