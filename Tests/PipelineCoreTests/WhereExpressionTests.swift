import Testing
@testable import PipelineCore

@Suite("The where: expression language")
struct WhereExpressionTests {
    static let posting: JobPosting = {
        var p = JobPosting(id: "1", source: "acme", sourceID: "1", title: "Senior Back-End Developer", company: "Acme")
        p.roleType = .backendEngineer
        p.location = Location(city: "Toronto", region: "ON", country: "CA", remote: false)
        p.salary = Salary(min: 100_000, max: 150_000, currency: "CAD")
        p.skills = ["go", "postgresql"]
        p.datePosted = RFC3339.parse("2026-11-20T00:00:00Z")
        return p
    }()

    func holds(_ text: String) throws -> Bool {
        try WhereExpression(parsing: text).matches(Self.posting)
    }

    @Test("comparisons of text, numbers, booleans and dates")
    func comparisons() throws {
        #expect(try holds(#"role_type == "backend_engineer""#))
        #expect(try holds(#"company != 'Initech'"#))
        #expect(try holds("salary.min >= 100000 and salary.max < 200000"))
        #expect(try holds("salary.min > 99_999.5"))
        #expect(try holds("location.remote == false"))
        #expect(try holds(#"date_posted >= "2026-11-01""#))
        #expect(try !holds(#"date_posted > "2026-12-01""#))
    }

    @Test("in, not in and contains, case-insensitive for contains")
    func membership() throws {
        #expect(try holds(#"location.country in ["CA", "US"]"#))
        #expect(try holds(#"location.region not in ["QC"]"#))
        #expect(try holds(#"title contains "back-end""#))
        #expect(try holds(#"skills contains "Go""#))
        #expect(try !holds(#"skills contains "rust""#))
    }

    @Test("not binds tighter than and, and tighter than or; parentheses override")
    func precedence() throws {
        #expect(try holds(#"company == "X" or company == "Acme" and location.city == "Toronto""#))
        #expect(try !holds(#"(company == "X" or company == "Acme") and location.city == "Ottawa""#))
        #expect(try holds(#"not company == "X" and not location.remote"#))
        #expect(try !holds(#"not (company == "Acme" or false)"#))
    }

    @Test("absent fields are false, equal to null, and never ordered")
    func absent() throws {
        #expect(try holds("valid_through == null"))
        #expect(try holds("salary.currency != null"))
        #expect(try !holds("valid_through"))
        #expect(try !holds(#"valid_through < "2030-01-01""#))
        #expect(try !holds(#"description_text contains "go""#))
    }

    @Test("errors point at the column of the problem", arguments: [
        (#"title = "a""#, 6, "'=' is not an operator; compare with '=='"),
        (#"titel == "a""#, 0, "unknown record field 'titel' (did you mean 'title'?)"),
        (#"(title == "a""#, 13, "expected ')' to close the '(' at character 1 of the expression, found end of expression"),
        (#"title == "a" company == "b""#, 13, "unexpected 'company' after a complete condition; join conditions with 'and' or 'or'"),
        (#"country in "CA""#, 0, "unknown record field 'country' (did you mean 'location.country'?)"),
        (#"location.country in "CA""#, 20, "'in' needs a list such as [\"CA\", \"US\"]"),
        (#"title == "open"#, 9, "unterminated string; close it with \""),
        ("", 0, "empty expression; write a condition such as location.country == \"CA\""),
    ])
    func errors(text: String, offset: Int, message: String) {
        do {
            _ = try WhereExpression(parsing: text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.offset == offset)
            #expect(error.message == message)
        }
    }
}
