import Foundation
import Testing
@testable import PipelineCore

@Suite("Field paths")
struct FieldPathTests {
    @Test("every path a user can write parses and reads back what was set")
    func setAndGet() throws {
        var p = JobPosting()
        try FieldPath(parsing: "location.city").set(.string("Toronto"), on: &p)
        try FieldPath(parsing: "salary.min").set(.string("90,000"), on: &p)
        try FieldPath(parsing: "location.remote").set(.string("yes"), on: &p)
        try FieldPath(parsing: "seniority").set(.string("Senior"), on: &p)
        try FieldPath(parsing: "role_type").set(.string("backend-engineer"), on: &p)
        try FieldPath(parsing: "extra.board").set(.string("main"), on: &p)
        try FieldPath(parsing: "skills").set(.string("go, sql"), on: &p)
        try FieldPath(parsing: "date_posted").set(.number(1_795_449_600), on: &p)
        #expect(p.location == Location(city: "Toronto", remote: true))
        #expect(p.salary?.min == 90_000)
        #expect(p.seniority == .senior)
        #expect(p.roleType == .backendEngineer)
        #expect(p.extra == ["board": "main"])
        #expect(p.skills == ["go", "sql"])
        #expect(FieldPath("date_posted")?.get(p) == .string("2026-11-23T16:00:00Z"))
    }

    @Test("an unknown field suggests the nearest")
    func unknown() {
        #expect(throws: FieldError.self) { try FieldPath(parsing: "location.cty") }
        do {
            _ = try FieldPath(parsing: "location.cty")
        } catch {
            #expect(error.message == "unknown record field 'location.cty' (did you mean 'location.city'?)")
        }
    }

    @Test("values a field cannot hold are rejected; bad URLs and dates only drop the field")
    func severities() {
        var p = JobPosting()
        do {
            try FieldPath(.salaryMin).set(.string("lots"), on: &p)
            Issue.record("accepted")
        } catch { #expect(error.severity == .reject) }
        do {
            try FieldPath(.url).set(.string("javascript:alert(1)"), on: &p)
            Issue.record("accepted")
        } catch { #expect(error.severity == .dropField) }
        do {
            try FieldPath(.datePosted).set(.string("next tuesday"), on: &p)
            Issue.record("accepted")
        } catch { #expect(error.severity == .dropField) }
        do {
            try FieldPath(.seniority).set(.string("seniour"), on: &p)
            Issue.record("accepted")
        } catch { #expect(error.message.contains("did you mean 'senior'")) }
    }

    @Test("setting null clears a field and an emptied object")
    func clears() throws {
        var p = JobPosting()
        try FieldPath(.locationCity).set(.string("Ottawa"), on: &p)
        try FieldPath(.locationCity).set(.null, on: &p)
        #expect(p.location == nil)
    }

    @Test("the quick URL check accepts only what Foundation's parser accepts as an absolute http(s) URL", arguments: [
        "https://jobs.example.com/1", "HTTP://Example.com", "https://example.com:8443/a?b=c#d", "http://a.b/%20x",
        "https://example.com/a b", "https:/example.com", "https://", "ftp://example.com", "https://user@example.com/",
        "https://[::1]/", "https://exa<mple.com", "https://example.com/é", "javascript:alert(1)", "https://x.com/?q={a}",
        "mailto:a@b.c", "https://example.com?q=1", "//example.com/x",
    ])
    func quickURLCheck(text: String) {
        let viaFoundation: Bool = {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else { return false }
            return (scheme == "http" || scheme == "https") && !(components.host ?? "").isEmpty
        }()
        if FieldPath.plainHTTPURL(text) {
            #expect(viaFoundation, "\(text) passes the quick check but not Foundation's")
        }
        #expect((try? FieldPath.url(.string(text), field: "url")) != nil ? viaFoundation : !viaFoundation)
    }
}
