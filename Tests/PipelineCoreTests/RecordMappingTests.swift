import Testing
@testable import PipelineCore

@Suite("Mapping JSON objects onto the record")
struct RecordMappingTests {
    func object(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("fields: maps nested paths, indexes and first-non-empty lists; the rest goes to extra")
    func fields() throws {
        let mapping = try RecordMapping(fields: [
            ("title", ["position.name", "job_title"]), ("company", ["employer.name"]),
            ("location.city", ["locations[0].city"]), ("source_id", ["id"]), ("salary.min", ["pay.min"]),
        ])
        let result = mapping.map(try object(#"{"id": 7, "position": {"name": null}, "job_title": "Dev", "employer": {"name": "Acme"}, "locations": [{"city": "Ottawa"}], "pay": {"min": "85000"}, "team": "Core", "tags": ["a", "b"]}"#))
        #expect(result.rejection == nil)
        #expect(result.posting.title == "Dev")
        #expect(result.posting.sourceID == "7")
        #expect(result.posting.company == "Acme")
        #expect(result.posting.location?.city == "Ottawa")
        #expect(result.posting.salary?.min == 85_000)
        #expect(result.posting.extra == ["team": "Core", "tags": #"["a","b"]"#])
    }

    @Test("a string for location or salary becomes its text")
    func compositeText() throws {
        let result = RecordMapping.recordForm.map(try object(#"{"title": "Dev", "location": "Toronto, ON", "salary": "60k-75k"}"#))
        #expect(result.posting.location == Location(text: "Toronto, ON"))
        #expect(result.posting.salary == Salary(text: "60k-75k"))
    }

    @Test("values that do not fit reject the record with the field named")
    func rejects() throws {
        #expect(RecordMapping.recordForm.map(try object(#"{"title": "Dev", "salary": {"min": "lots"}}"#)).rejection == "salary.min: expected a number, found 'lots'")
        #expect(RecordMapping.recordForm.map(try object(#"{"title": {"a": 1}}"#)).rejection == "title: expected a value, found an object")
        #expect(RecordMapping.recordForm.map(try object(#"["not", "an", "object"]"#)).rejection == "expected a JSON object for a posting, found an array")
    }

    @Test("unreadable URLs and dates are dropped with warnings, the record kept")
    func warnings() throws {
        let result = RecordMapping.recordForm.map(try object(#"{"title": "Dev", "url": "/relative", "date_posted": "soon"}"#))
        #expect(result.rejection == nil)
        #expect(result.posting.url == nil)
        #expect(result.posting.datePosted == nil)
        #expect(result.warnings.count == 2)
    }

    @Test("an unknown target field is a mapping error with a suggestion")
    func unknownTarget() {
        do {
            _ = try RecordMapping(fields: [("tilte", ["a"])])
            Issue.record("accepted")
        } catch {
            #expect(error.message == "unknown record field 'tilte' (did you mean 'title'?)")
        }
    }
}
