import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("The enrich stage's salary bands")
struct EnrichStageTests {
    static let pipelineHead = """
        version: 1
        name: t
        sources: { a: { type: jsonl, path: a.jsonl } }
        """

    /// Runs the postings through normalize and enrich (with `options` on enrich); the bands by source id.
    static func bands(_ lines: String, options: String = "") async throws -> [String: JSONValue] {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", lines)
        let report = try await scratch.run("""
            \(pipelineHead)
            stages:
              - type: normalize
              - type: enrich
            \(options.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        #expect(report.exitCode == 0, "\(report.failure ?? "")")
        var out: [String: JSONValue] = [:]
        for line in try scratch.jsonLines("out.jsonl") {
            if case .string(let id)? = line["source_id"] { out[id] = line["salary_band"] ?? .null }
        }
        return out
    }

    static func band(_ label: String, _ min: String, _ max: String?, _ currency: String, _ basis: String) -> JSONValue {
        var members: [(String, JSONValue)] = [("label", .string(label)), ("min", .number(min))]
        if let max { members.append(("max", .number(max))) }
        members.append(("currency", .string(currency)))
        members.append(("basis", .string(basis)))
        return .object(members)
    }

    @Test("the Canadian back-end figures by seniority, more in Toronto, lead with no ceiling, interns below junior")
    func estimated() async throws {
        let bands = try await Self.bands("""
            {"source_id":"1","title":"Junior Back-End Developer","location":{"text":"Halifax, NS"}}
            {"source_id":"2","title":"Back-End Developer II","location":{"text":"Halifax, NS"}}
            {"source_id":"3","title":"Senior Back-End Developer","location":{"text":"Halifax, NS"}}
            {"source_id":"4","title":"Senior Back-End Developer","location":{"text":"Toronto, ON"}}
            {"source_id":"5","title":"Lead Back-End Developer","location":{"text":"Halifax, NS"}}
            {"source_id":"6","title":"Back-End Developer Intern","location":{"text":"Halifax, NS"}}
            """)
        #expect(bands["1"] == Self.band("junior", "60000", "75000", "CAD", "estimated"))
        #expect(bands["2"] == Self.band("mid", "80000", "100000", "CAD", "estimated"))
        #expect(bands["3"] == Self.band("senior", "100000", "150000", "CAD", "estimated"))
        #expect(bands["4"] == Self.band("senior", "110000", "165000", "CAD", "estimated"))
        #expect(bands["5"] == Self.band("lead", "150000", nil, "CAD", "estimated"))
        #expect(bands["6"] == Self.band("intern", "40000", "55000", "CAD", "estimated"))
    }

    @Test("a posted salary wins, annualized: hourly by hours_per_year, monthly by 12")
    func posted() async throws {
        let bands = try await Self.bands("""
            {"source_id":"1","title":"Senior Back-End Developer","salary":{"text":"$60/hour"},"location":{"text":"Ottawa, ON"}}
            {"source_id":"2","title":"Back-End Developer","salary":{"min":7000,"max":8000,"currency":"CAD","period":"month"}}
            {"source_id":"3","title":"Junior Back-End Developer","salary":{"text":"$110,000 - $135,000 a year"},"location":{"text":"Toronto, ON"}}
            """, options: "hours_per_year: 2000")
        #expect(bands["1"] == Self.band("senior", "120000", nil, "CAD", "posted"))
        #expect(bands["2"] == .object([("min", .number("84000")), ("max", .number("96000")), ("currency", .string("CAD")), ("basis", .string("posted"))]))
        #expect(bands["3"] == Self.band("junior", "110000", "135000", "CAD", "posted"))
    }

    @Test("US postings use the USD table and US city factors; unknown seniority is read as mid and says so")
    func unitedStatesAndUnknown() async throws {
        let scratch = try Scratch()
        try scratch.write("a.jsonl", """
            {"source_id":"1","title":"Senior Back-End Developer","location":{"text":"Seattle, WA, USA"}}
            {"source_id":"2","title":"Back-End Developer","location":{"text":"Halifax, NS"}}
            """)
        _ = try await scratch.run("""
            \(Self.pipelineHead)
            stages: [ { type: normalize }, { type: enrich } ]
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out[0]["salary_band"] == Self.band("senior", "150000", "207000", "USD", "estimated"))
        #expect(out[1]["salary_band"] == Self.band("mid", "80000", "100000", "CAD", "estimated"))
        #expect(out[1]["extra"] == .object([("salary_band_note", .string("seniority unknown; mid assumed"))]))
        #expect(out[0]["extra"] == nil)
    }

    @Test("a pipeline file overrides bands per role type and seniority, and city factors")
    func overrides() async throws {
        let bands = try await Self.bands("""
            {"source_id":"1","title":"Senior Data Scientist","location":{"text":"Halifax, NS"}}
            {"source_id":"2","title":"Senior Back-End Developer","location":{"text":"Halifax, NS"}}
            {"source_id":"3","title":"Lead Back-End Developer","location":{"text":"Toronto, ON"}}
            """, options: """
            bands:
              data_scientist: { senior: [110000, 160000] }
              default: { lead: [160000, null] }
            city_factors: { toronto: 1.5 }
            """)
        #expect(bands["1"] == Self.band("senior", "110000", "160000", "CAD", "estimated"))
        #expect(bands["2"] == Self.band("senior", "100000", "150000", "CAD", "estimated"))
        #expect(bands["3"] == Self.band("lead", "240000", nil, "CAD", "estimated"))
    }

    @Test("a wrong role type, seniority or range is a config error that says what to write", arguments: [
        ("{ backend_enginer: { senior: [1, 2] } }", "bands.backend_enginer: not a role type (did you mean 'backend_engineer'?)"),
        ("{ default: { seniorr: [1, 2] } }", "bands.default.seniorr: not a seniority"),
        ("{ default: { senior: [150000, 100000] } }", "give [min, max] with min <= max"),
    ])
    func configErrors(bands: String, message: String) throws {
        let errors = try Scratch().errors("""
            \(Self.pipelineHead)
            stages:
              - type: enrich
                bands: \(bands)
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("x.yaml:5:5: error: stage 1: ") == true, "\(errors)")
        #expect(errors.first?.contains(message) == true, "\(errors)")
    }
}
