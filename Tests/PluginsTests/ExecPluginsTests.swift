import Foundation
import PipelineCore
@testable import Plugins
import Testing

@Suite("exec plugins")
struct ExecPluginsTests {
    /// The repository's examples/plugins folder.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/plugins").path

    static func run(_ scratch: Scratch, sources: String, stages: String = "") async throws -> RunReport {
        try await scratch.run("""
            version: 1
            name: t
            sources:
            \(sources.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            \(stages.isEmpty ? "" : "stages:\n" + stages.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            sinks: { out: { type: jsonl, path: out.jsonl, sort: source_id } }
            """)
    }

    @Test("a Python exec source, then a Python exec stage that drops and edits postings, end to end")
    func pythonSourceAndStage() async throws {
        let scratch = try Scratch()
        try scratch.write("extra.jsonl", #"{"source_id":"x1","title":"Data Engineer","url":"https://x.example/1"}"#)
        let report = try await Self.run(scratch, sources: """
            ats: { type: exec, command: [python3, \(Self.examples)/ats_source.py] }
            more: { type: jsonl, path: extra.jsonl }
            """, stages: """
            - type: normalize
            - type: exec
              command: [python3, \(Self.examples)/tag_stage.py]
            """)
        #expect(report.exitCode == 0, "\(report.failure ?? "") \(report.sources.map { $0.error ?? "" })")
        let out = try scratch.jsonLines("out.jsonl")
        // x1 has no company: the stage dropped it.
        #expect(out.map { $0["source_id"] } == [.string("ats-1"), .string("ats-2")])
        #expect(out[0]["title"] == .string("Senior Back-End Developer"))
        #expect(out.allSatisfy { $0["extra"]?["board"] == .string("tagged-by-python") })
        #expect(out.allSatisfy { $0["source"] == .string("ats") })
        #expect(report.stages.map(\.sent) == [3, 2])
    }

    @Test("shell plugins: a source that cats a folder and a stage that echoes")
    func shellPlugins() async throws {
        let scratch = try Scratch()
        try scratch.write("drops/a.jsonl", #"{"source_id":"1","title":"Dev","url":"https://a.example/1"}"# + "\n" + #"{"source_id":"2","title":"Ops","url":"https://a.example/2"}"#)
        let report = try await Self.run(scratch, sources: """
            files: { type: exec, command: [sh, \(Self.examples)/files_source.sh, drops] }
            """, stages: """
            - type: exec
              command: [\(Self.examples)/echo_stage.sh]
            """)
        #expect(report.exitCode == 0, "\(report.failure ?? "") \(report.sources.map { $0.error ?? "" })")
        #expect(try scratch.jsonLines("out.jsonl").map { $0["source_id"] } == [.string("1"), .string("2")])
    }

    @Test("a source's failures fail it alone: non-zero exit, timeout, no handshake; garbage lines are rejects")
    func sourceFailures() async throws {
        let scratch = try Scratch()
        try scratch.write("ok.jsonl", #"{"source_id":"1","title":"Dev","url":"https://a.example/1"}"#)
        let report = try await Self.run(scratch, sources: """
            ok: { type: jsonl, path: ok.jsonl }
            exits: { type: exec, command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; echo 'broken' >&2; exit 3"] }
            slow: { type: exec, command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; sleep 30"], timeout: 1 }
            rude: { type: exec, command: [sh, -c, "echo hello"] }
            garbage: { type: exec, command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; echo 'not json'; echo '{\\"title\\":\\"T\\",\\"url\\":\\"https://g.example/1\\"}'"] }
            """)
        #expect(report.exitCode == ExitStatus.partial)
        let byName = Dictionary(uniqueKeysWithValues: report.sources.map { ($0.name, $0) })
        #expect(byName["ok"]?.status == "ok")
        #expect(byName["exits"]?.error?.contains("exited with status 3: broken") == true, "\(byName["exits"]?.error ?? "")")
        #expect(byName["slow"]?.error?.contains("timeout") == true, "\(byName["slow"]?.error ?? "")")
        #expect(byName["rude"]?.error?.contains("handshake") == true, "\(byName["rude"]?.error ?? "")")
        #expect(byName["garbage"]?.status == "ok")
        #expect(byName["garbage"]?.rejected == 1)
        #expect(Set(try scratch.jsonLines("out.jsonl").compactMap { $0["source"]?.scalarText }) == ["garbage", "ok"])
    }

    @Test("a stage that dies mid-stream fails the run with its message; nothing is published")
    func stageDies() async throws {
        let scratch = try Scratch()
        let lines = (0..<5000).map { #"{"source_id":"\#($0)","title":"Dev \#($0)","url":"https://a.example/\#($0)","description_text":"\#(String(repeating: "x", count: 200))"}"# }
        try scratch.write("in.jsonl", lines.joined(separator: "\n"))
        let report = try await Self.run(scratch, sources: "in: { type: jsonl, path: in.jsonl }", stages: """
            - type: exec
              command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; head -n 3; echo 'out of memory, say' >&2; exit 9"]
            """)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.failure?.contains("a stage failed") == true, "\(report.failure ?? "")")
        #expect(report.failure?.contains("out of memory, say") == true || report.failure?.contains("stopped reading") == true, "\(report.failure ?? "")")
        #expect(!scratch.exists("out.jsonl"))
    }

    @Test("a shell exec sink gets every posting; its stdout is published at its path")
    func shellSink() async throws {
        let scratch = try Scratch()
        try scratch.write("in.jsonl", #"{"source_id":"1","title":"Dev","url":"https://a.example/1"}"# + "\n" + #"{"source_id":"2","title":"Ops","url":"https://a.example/2"}"#)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { in: { type: jsonl, path: in.jsonl } }
            sinks:
              push: { type: exec, command: [\(Self.examples)/count_sink.sh], path: out/receipt.txt, where: 'title != "Ops"' }
            """)
        #expect(report.exitCode == 0, "\(report.failure ?? "") \(report.sinks.map { $0.error ?? "" })")
        #expect(try scratch.read("out/receipt.txt") == "received 1 postings\n")
    }

    @Test("a failing exec sink fails alone: the other feeds are published and the run exits 3")
    func sinkFailsAlone() async throws {
        let scratch = try Scratch()
        try scratch.write("in.jsonl", #"{"source_id":"1","title":"Dev","url":"https://a.example/1"}"#)
        let report = try await scratch.run("""
            version: 1
            name: t
            sources: { in: { type: jsonl, path: in.jsonl } }
            sinks:
              feed: { type: jsonl, path: out/all.jsonl }
              push: { type: exec, command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; cat >/dev/null; echo 'partner API down' >&2; exit 2"], path: out/push.txt }
            """)
        #expect(report.exitCode == ExitStatus.partial)
        #expect(report.sinks.map(\.status) == ["ok", "failed"])
        #expect(report.sinks[1].error?.contains("exited with status 2: partner API down") == true, "\(report.sinks[1].error ?? "")")
        #expect(scratch.exists("out/all.jsonl"))
        #expect(!scratch.exists("out/push.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.appendingPathComponent("out").path) == ["all.jsonl"])
    }

    @Test("env: reaches the command, and workdir: is its directory, relative to the pipeline file")
    func environmentAndDirectory() async throws {
        let scratch = try Scratch()
        try scratch.write("sub/marker", "")
        let report = try await Self.run(scratch, sources: """
            here: { type: exec, command: [sh, -c, "read h; echo '{\\"syndicate\\": 1}'; printf '{\\"source_id\\":\\"%s\\",\\"title\\":\\"%s\\",\\"url\\":\\"https://e.example/1\\"}\\n' \\"$GREETING\\" \\"$(ls)\\""], env: { GREETING: hello }, workdir: sub }
            """)
        #expect(report.exitCode == 0, "\(report.sources.map { $0.error ?? "" })")
        let out = try scratch.jsonLines("out.jsonl")
        #expect(out.first?["source_id"] == .string("hello"))
        #expect(out.first?["title"] == .string("marker"))
    }

    @Test("an exec plugin without a command is a config error")
    func options() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: t
            sources: { a: { type: exec, command: [] } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(errors.contains { $0.contains("command") })
    }
}
