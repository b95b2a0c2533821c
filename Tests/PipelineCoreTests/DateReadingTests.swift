import Foundation
import Testing
@testable import PipelineCore

@Suite("Reading feed dates")
struct DateReadingTests {
    @Test("RFC 822 and the variants feeds use", arguments: [
        ("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),
        ("Sat, 21 Nov 2026 06:14:16 -0500", "2026-11-21T11:14:16Z"),
        ("Sat, 21 Nov 2026 06:14:16 +0000", "2026-11-21T06:14:16Z"),
        ("21 Nov 2026 06:14 EST", "2026-11-21T11:14:00Z"),
        ("Sat, 21 Nov 26 06:14:16 PDT", "2026-11-21T13:14:16Z"),
        ("Saturday, 21 November 2026 06:14:16 GMT", "2026-11-21T06:14:16Z"),
        ("21 Nov 2026", "2026-11-21T00:00:00Z"),
        ("Nov 21, 2026 6:14 PM".replacingOccurrences(of: " PM", with: ""), "2026-11-21T06:14:00Z"),
        ("Thu, 01 Jan 04 19:48:21 +01:00", "2004-01-01T18:48:21Z"),
        ("Thu, 01 Jan 1999 19:48:21 Z", "1999-01-01T19:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 GMT+2", "2004-01-01T17:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 gmt-0500", "2004-01-02T00:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 +0130 (CET)", "2004-01-01T18:18:21Z"),
        ("thu 1 jan 2004 19:48:21 aedt", "2004-01-01T08:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 A", "2004-01-01T19:48:21Z"),
    ])
    func rfc822(text: String, expected: String) {
        #expect(DateReading.parse(text).map(RFC3339.format) == expected)
    }

    @Test("ISO 8601 and W3C-DTF forms", arguments: [
        ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55.123-08:00", "2003-12-31T18:14:55Z"),
        ("2003-12-31T10:14Z", "2003-12-31T10:14:00Z"),
        ("2003-12-31", "2003-12-31T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003", "2003-01-01T00:00:00Z"),
        ("20031231T101455Z", "2003-12-31T10:14:55Z"),
        ("20031231", "2003-12-31T00:00:00Z"),
    ])
    func iso(text: String, expected: String) {
        #expect(DateReading.parse(text).map(RFC3339.format) == expected)
    }

    @Test("what is not a date stays unread", arguments: ["", "soon", "Thu, 32 Jan 2004", "Foo, 01 Bar 2004 10:00:00", "2004-13-01", "12:00", "Thu, 01 Jan 2004 25:00:00 GMT",
                                                      "Thu, 01 Jan 2004 19:48:21 J", "Thu, 01 Jan 2004 19:48:21 ABCDE", "Thu, 01 Jan 2004 19:48:21 +12345",
                                                      "Thu, 01 Jan 2004 19:48:21:00 GMT", "Thu, 01 Jan 2004 19: GMT"])
    func rejects(text: String) {
        #expect(DateReading.parse(text) == nil)
    }
}

@Suite("Employment type words")
struct EmploymentTypeWordsTests {
    @Test("the words postings use", arguments: [
        ("Full-time", EmploymentType.fullTime), ("fulltime", .fullTime), ("Permanent", .fullTime), ("Full-time, Permanent", .fullTime),
        ("Contract", .contractor), ("Contract (6 months)", .contractor), ("Temp", .temporary), ("Part time", .partTime),
        ("Internship", .intern), ("Co-op", .intern), ("FULL_TIME", .fullTime), ("PER_DIEM", .perDiem), ("Temps plein", .fullTime),
    ])
    func words(text: String, type: EmploymentType) {
        #expect(EmploymentTypeWords.read(text) == type)
    }

    @Test("what names no type stays unread", arguments: ["Flexible", "", "Great team"])
    func unknown(text: String) {
        #expect(EmploymentTypeWords.read(text) == nil)
    }
}
