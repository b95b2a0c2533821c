import PipelineCore
@testable import Plugins
import Testing

@Suite("Skills from titles and descriptions")
struct SkillMatcherTests {
    static let matcher = Result { try SkillMatcher() }

    @Test("aliases, punctuation in names, phrases, and each skill once in order of mention", arguments: [
        ("Senior Golang dev, Postgres and K8s; C# a plus", ["go", "postgresql", "kubernetes", "c#"]),
        ("We use C++, .NET and Node.js with JS on the front.", ["c++", ".net", "node.js", "javascript"]),
        ("Ruby on Rails, then Ruby again, and Rails", ["ruby on rails", "ruby"]),
        ("Python/Django on AWS; CI/CD with GitHub Actions", ["python", "django", "aws", "ci/cd", "github actions"]),
        ("Experience with SQL Server and PL/SQL.", ["sql server", "pl/sql"]),
        ("C#/.NET developer", ["c#", ".net"]),
        ("Python/Django/ and Go/", ["python", "django", "go"]),
        ("Go, Rust and C are welcome", ["go", "rust", "c"]),
        ("Logs in Kibana, models from Hugging Face, charts in D3.js, TCP/IP and Pub/Sub", ["kibana", "hugging face", "d3.js", "tcp/ip", "pub/sub"]),
        ("AWS Glue, Amazon Aurora and Terraform", ["glue", "amazon aurora", "terraform"]),
    ])
    func finds(text: String, expected: [String]) throws {
        #expect(try Self.matcher.get().skills(in: text) == expected)
    }

    @Test("words that only look like skills are not skills", arguments: [
        "Ready to go to the next level? Let's go ahead.",
        "Our R&D team in c/o building",
        "We react quickly, express ourselves clearly, and rest in the spring.",
        "A swift, agile team; the rest of the node is secure.",
        "Office in Aurora, ON, near Elm Street; meet us at the Career Expo. ADA accommodations offered.",
        "",
    ])
    func noFalseSkills(text: String) throws {
        #expect(try Self.matcher.get().skills(in: text) == [])
    }

    @Test("those words written as names are skills")
    func capitalizedNames() throws {
        #expect(try Self.matcher.get().skills(in: "React and Express on Spring Boot; Swift for iOS; a REST API") == ["react", "express", "spring boot", "swift", "ios", "rest api"])
    }

    @Test("the stage adds skills after the title's own, in canonical names, and takes more from skills:")
    func stage() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Back-End Developer (Python/Postgres)","description_text":"Kafka, k8s and Python. SFDC integrations."}
            """)
        _ = try await scratch.run("""
            version: 1
            name: t
            sources: { a: { type: jsonl, path: a.jsonl } }
            stages: [ { type: normalize }, { type: enrich, skills: { sfdc: salesforce } } ]
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.first?["skills"] == .array(["python", "postgresql", "kafka", "kubernetes", "salesforce"].map(JSONValue.string)))
    }
}
