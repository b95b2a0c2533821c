import Foundation
import Testing
@testable import PipelineCore

@Suite("Interpolation, suggestions, sort orders")
struct ConfigPrimitivesTests {
    @Test("expands variables, defaults and $$")
    func interpolation() throws {
        let env = ["FEEDS": "/srv/feeds", "EMPTY": ""]
        #expect(try Interpolation.expand("${FEEDS}/a.xml", environment: env) == "/srv/feeds/a.xml")
        #expect(try Interpolation.expand("${MISSING:-fallback}", environment: env) == "fallback")
        #expect(try Interpolation.expand("${EMPTY:-used}", environment: env) == "used")
        #expect(try Interpolation.expand("cost: $$5 and $x", environment: env) == "cost: $5 and $x")
    }

    @Test("an unset variable without default is an error at its offset")
    func unset() {
        do {
            _ = try Interpolation.expand("a/${NOPE}/b", environment: [:])
            Issue.record("expanded")
        } catch {
            #expect(error.offset == 2)
            #expect(error.message.contains("'NOPE' is not set"))
        }
        #expect(throws: ConfigValueError.self) { try Interpolation.expand("${OPEN", environment: [:]) }
    }

    @Test("suggests close names only")
    func suggestions() {
        #expect(Suggestion.closest(to: "filtr", among: ["filter", "set"]) == "filter")
        #expect(Suggestion.closest(to: "normalise", among: ["normalize", "enrich"]) == "normalize")
        #expect(Suggestion.closest(to: "jsnol", among: ["jsonl", "json"]) == "jsonl")
        #expect(Suggestion.closest(to: "banana", among: ["filter", "set"]) == nil)
        #expect(Suggestion.distance("ab", "ba") == 1)
    }

    @Test("sort keys parse with '-' for descending and name unknown fields")
    func sortKeys() throws {
        let key = try FeedOrder.parseKey("-salary.min")
        #expect(key.path == FieldPath(.salaryMin))
        #expect(key.descending)
        #expect(try !FeedOrder.parseKey("+title").descending)
        #expect(throws: ConfigValueError.self) { try FeedOrder.parseKey("-salary.mn") }
    }
}
