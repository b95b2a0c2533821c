import PipelineCore
@testable import Plugins
import Testing

@Suite("Role types from keywords, for titles outside the taxonomy")
struct RoleRulesTests {
    @Test("the title weighs three times the description; too little or a tie is other", arguments: [
        ("Kubernetes Platform Specialist", "You will run our infrastructure with Terraform and CI/CD.", RoleType.devopsEngineer),
        ("Quality Specialist", "Manual and automated testing of our apps.", .qaEngineer),
        ("Applied Scientist", "Machine learning and statistics on large data.", .dataScientist),
        ("Team Member", "Help customers in the store.", .other),
        ("Specialist", "Mobile and security work.", .other),
    ])
    func scores(title: String, description: String, expected: RoleType) {
        #expect(RoleRules.defaults.roleType(title: title, description: description) == expected)
    }

    @Test("the stage uses them only where the taxonomy said nothing, and role_rules extends them")
    func stage() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Salesforce Consultant","description_text":"Apex and Lightning work."}
            {"source_id":"2","title":"Senior Back-End Developer","description_text":"Apex and Lightning work."}
            {"source_id":"3","title":"Kubernetes Platform Specialist","description_text":"Terraform and CI/CD."}
            """)
        _ = try await scratch.run("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages: [ { type: normalize }, { type: enrich, role_rules: { software_engineer: { salesforce: 4 } } } ]
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.map { $0["role_type"] } == [.string("software_engineer"), .string("backend_engineer"), .string("devops_engineer")])
    }

    @Test("a role_rules key that is no role type is a config error with a suggestion")
    func configError() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages: [ { type: enrich, role_rules: { devops_engneer: { k8s: 2 } } } ]
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("role_rules.devops_engneer: not a role type (did you mean 'devops_engineer'?)") == true, "\(errors)")
    }
}
