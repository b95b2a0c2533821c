import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("Pipeline files")
struct PipelineFileTests {
    static let valid = """
        version: 1
        name: jobs
        sources:
          acme: { type: jsonl, path: feeds/acme.jsonl }
        stages:
          - type: filter
            where: location.country == "CA"
        sinks:
          out: { type: jsonl, path: out/jobs.jsonl }
        """

    @Test("a mistyped stage type is an error at its line and column with a suggestion")
    func unknownStageType() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: jobs
            sources:
              acme: { type: jsonl, path: a.jsonl }
            stages:
              - type: normalize_nothing
              - type: filter
                where: title contains "x"
              - type: filtr
                where: x
            sinks:
              out: { type: jsonl, path: out.jsonl }
            """)
        #expect(errors == [
            "x.yaml:6:11: error: unknown stage type 'normalize_nothing'; known stage types: dedupe, enrich, exec, failing-stage, filter, normalize, set",
            "x.yaml:9:11: error: unknown stage type 'filtr' (did you mean 'filter'?)",
        ])
    }

    @Test("every error of a file is reported, in file order")
    func collectsAll() throws {
        let errors = try Scratch().errors("""
            version: 2
            name: jobs
            sourcs: {}
            sources:
              acme:
                type: jsonl
                pth: a.jsonl
                defaults: { compnay: Acme, seniority: seniour }
            sinks:
              out:
                type: jsonl
                path: out.jsonl
                limit: ten
                sort: -date_postd
                where: title = "x"
            """)
        #expect(errors == [
            "x.yaml:1:10: error: unsupported version '2'; this syndicate reads version 1",
            "x.yaml:3:1: error: unknown key 'sourcs' (did you mean 'sources'?)",
            "x.yaml:6:5: error: source 'acme' needs 'path:' (a file) or 'url:' (an address) to read from",
            "x.yaml:7:5: error: unknown option 'pth' for jsonl source 'acme' (did you mean 'path'?)",
            "x.yaml:8:26: error: unknown record field 'compnay' (did you mean 'company'?)",
            "x.yaml:8:43: error: 'seniour' is not one of intern, junior, mid, senior, lead (did you mean 'senior'?)",
            "x.yaml:13:12: error: expected a whole number for 'limit', found 'ten'",
            "x.yaml:14:12: error: unknown record field 'date_postd' (did you mean 'date_posted'?)",
            "x.yaml:15:18: error: '=' is not an operator; compare with '=='",
        ])
    }

    @Test("an expression error inside a quoted value points into the quotes")
    func quotedExpression() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: jobs
            sources: { acme: { type: jsonl, path: a.jsonl } }
            stages:
              - type: filter
                where: 'title == "x" and (company == "y"'
            sinks: { out: { type: jsonl, path: o.jsonl } }
            """)
        #expect(errors == ["x.yaml:6:45: error: expected ')' to close the '(' at character 18 of the expression, found end of expression"])
    }

    @Test("missing sections, missing options and wrong shapes name what to write")
    func shapes() throws {
        let scratch = try Scratch()
        #expect(scratch.errors("version: 1\nname: x\nsinks: { o: { type: jsonl, path: o } }\n") == [
            "x.yaml:1:1: error: missing 'sources:'; a pipeline needs at least one source",
        ])
        #expect(scratch.errors("""
            version: 1
            name: x
            sources: { a: { type: jsonl, path: a } }
            stages:
              - type: filter
            sinks: { o: { type: jsonl } }
            """) == [
            "x.yaml:5:5: error: missing required option 'where'",
            "x.yaml:6:13: error: missing required option 'path'",
        ])
        #expect(scratch.errors("- just\n- a list\n") == [
            "x.yaml:1:1: error: a pipeline file is a mapping with version, name, sources, stages and sinks",
        ])
        #expect(scratch.errors("version: 1\nname: [x\n").first?.hasPrefix("x.yaml:3:1: error: invalid YAML:") == true)
    }

    @Test("${VAR} and ${VAR:-default} are expanded; an unset variable is an error")
    func interpolation() throws {
        let scratch = try Scratch()
        let text = """
            version: 1
            name: jobs-${REGION:-ca}
            sources:
              acme: { type: jsonl, path: "${FEEDS}/acme.jsonl" }
            sinks:
              out: { type: jsonl, path: out/jobs.jsonl }
            """
        let pipeline = try scratch.load(text, environment: ["FEEDS": "/srv/feeds"])
        #expect(pipeline.name == "jobs-ca")
        #expect(pipeline.sources.first?.input == .file(URL(fileURLWithPath: "/srv/feeds/acme.jsonl"), display: "/srv/feeds/acme.jsonl"))
        #expect(scratch.errors(text) == [
            "x.yaml:4:31: error: environment variable 'FEEDS' is not set; set it, or give a default with ${FEEDS:-value}",
        ])
    }

    @Test("paths are relative to the pipeline file, not the working directory")
    func relativePaths() throws {
        let scratch = try Scratch()
        let pipeline = try scratch.load(Self.valid)
        #expect(pipeline.sources.first?.input == .file(scratch.url.appendingPathComponent("feeds/acme.jsonl").standardizedFileURL, display: "feeds/acme.jsonl"))
        #expect(pipeline.sinks.first?.settings.path.url == scratch.url.appendingPathComponent("out/jobs.jsonl").standardizedFileURL)
        #expect(pipeline.defaultStateURL == scratch.url.appendingPathComponent(".syndicate/jobs.sqlite").standardizedFileURL)
    }

    @Test("validation checks that input files exist; loading for a run does not")
    func missingFiles() throws {
        let scratch = try Scratch()
        #expect(scratch.errors(Self.valid, checkFiles: true) == [
            "x.yaml:4:30: error: file not found: 'feeds/acme.jsonl' (looked for \(scratch.url.appendingPathComponent("feeds/acme.jsonl").standardizedFileURL.path)); fix the path, relative to the pipeline file",
        ])
        _ = try scratch.load(Self.valid)
    }

    @Test("two sinks may not write one file")
    func sameTarget() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: x
            sources: { a: { type: jsonl, path: a } }
            sinks:
              one: { type: jsonl, path: out/a.jsonl }
              two: { type: json, path: ./out/a.jsonl }
            """)
        #expect(errors == ["x.yaml:6:28: error: sinks 'one' and 'two' both write ./out/a.jsonl; give each its own path"])
    }

    @Test("the option schema lists each option with its type and default")
    func schema() throws {
        let jsonl = try #require(Plugins.builtIn.entry(.source, "jsonl"))
        let options = jsonl.schema().options
        #expect(options.map(\.name) == ["fields", "max_line_bytes"])
        #expect(options.last?.default == "16777216")
        #expect(options.last?.type == "integer")
        let set = try #require(Plugins.builtIn.entry(.stage, "set")).schema().options
        #expect(set.map(\.name) == ["values", "where", "only_if_empty"])
        #expect(set.first?.required == true)
        #expect(set.last?.default == "false")
        let sink = OptionSchema.of(SinkSettings.self).options
        #expect(sink.map(\.name) == ["path", "where", "sort", "limit", "url_params", "title", "link"])
    }
}
