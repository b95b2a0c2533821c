import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("The normalize stage")
struct NormalizeStageTests {
    @Test("titles are cleaned and the noise moves into empty fields; filled fields are kept")
    func stage() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Sr. back end developper!!! (m/f/d) - Toronto, ON"}
            {"source_id":"2","title":"Data Engineer (Python/Django) $90k-$110k","location":{"city":"Ottawa"},"salary":{"min":100000}}
            {"source_id":"3","title":"Salesforce Devloper","employment_type":"FULL_TIME"}
            """)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages:
              - type: normalize
                titles:
                  - { title: Salesforce Developer, role_type: software_engineer, synonyms: [salesforce developer, sfdc developer] }
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        #expect(report.exitCode == 0)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out[0]["title"] == .string("Senior Back-End Developer"))
        #expect(out[0]["title_raw"] == .string("Sr. back end developper!!! (m/f/d) - Toronto, ON"))
        #expect(out[0]["title_canonical"] == .string("Back-End Developer"))
        #expect(out[0]["seniority"] == .string("senior"))
        #expect(out[0]["role_type"] == .string("backend_engineer"))
        #expect(out[0]["occupation"] == .object([("noc", .string("21232")), ("onet", .string("15-1252.00"))]))
        #expect(out[0]["location"] == .object([("city", .string("Toronto")), ("region", .string("ON")), ("country", .string("CA")), ("text", .string("Toronto, ON"))]))
        #expect(out[1]["skills"] == .array([.string("python"), .string("django")]))
        #expect(out[1]["location"] == .object([("city", .string("Ottawa"))]))
        #expect(out[1]["salary"] == .object([("min", .number("100000"))]))
        #expect(out[2]["title"] == .string("Salesforce Developer"))
        #expect(out[2]["title_canonical"] == .string("Salesforce Developer"))
    }

    @Test("structured salaries are checked: a reversed range is put right, an implausible one dropped with a warning")
    func structuredSalaries() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Dev","salary":{"min":120000,"max":100000,"period":"year","currency":"CAD"}}
            {"source_id":"2","title":"Dev","salary":{"min":95000,"period":"hour","text":"95000"}}
            """)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages: [ { type: normalize } ]
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out[0]["salary"] == .object([("min", .number("100000")), ("max", .number("120000")), ("currency", .string("CAD")), ("period", .string("year"))]))
        #expect(out[1]["salary"] == .object([("period", .string("hour")), ("text", .string("95000"))]))
        #expect(report.warnings == 1)
    }

    @Test("a title entry with a wrong role type is a config error with a suggestion")
    func badRole() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages:
              - type: normalize
                titles: [ { title: X, role_type: backend_enginer } ]
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("role_type 'backend_enginer' is not one of") == true)
        #expect(errors.first?.contains("(did you mean 'backend_engineer'?)") == true)
    }
}
