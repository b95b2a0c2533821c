import Foundation
import PipelineCore
import Plugins
import Testing

/// A feed whose pipeline and active set are as they were when it was written, and whose file is
/// untouched since, is left as it is: not written again.
@Suite("Feeds unchanged since the last run")
struct UnchangedFeedsTests {
    static let pipeline = """
        version: 1
        name: t
        sources:
          feed: { type: jsonl, path: feed.jsonl }
        sinks:
          out: { type: jsonl, path: out.jsonl }
          rss: { type: rss, path: out.rss, title: Jobs, link: "https://jobs.example" }
        """

    static func validator(_ scratch: Scratch, _ name: String) -> String? {
        FileValidator.of(path: scratch.url.appendingPathComponent(name).path)
    }

    @Test("nothing changed: the feeds are left as they were, and the report says so")
    func leftAsTheyWere() async throws {
        let scratch = try Scratch()
        try UnchangedSourcesTests.writeFeed(scratch, RunnerTests.feed)
        let first = try await scratch.run(Self.pipeline)
        #expect(first.sinks.map(\.unchanged) == [nil, nil])
        let before = (Self.validator(scratch, "out.jsonl"), Self.validator(scratch, "out.rss"))
        let text = try scratch.read("out.rss")

        let second = try await scratch.run(Self.pipeline)
        #expect(second.exitCode == ExitStatus.ok)
        #expect(second.sinks.map(\.unchanged) == [true, true])
        #expect(second.sinks.map(\.written) == first.sinks.map(\.written))
        #expect(second.sinks.map(\.bytes) == first.sinks.map(\.bytes))
        #expect(second.sinks.map(\.status) == ["ok", "ok"])
        #expect(Self.validator(scratch, "out.jsonl") == before.0)
        #expect(Self.validator(scratch, "out.rss") == before.1)
        #expect(try scratch.read("out.rss") == text)
    }

    @Test("a changed active set, a touched or missing feed, an edited pipeline, reread: written again")
    func writtenAgain() async throws {
        let scratch = try Scratch()
        try UnchangedSourcesTests.writeFeed(scratch, RunnerTests.feed)
        _ = try await scratch.run(Self.pipeline)

        // One posting fewer: both feeds change.
        let lines = RunnerTests.feed.split(separator: "\n").dropLast().joined(separator: "\n")
        try UnchangedSourcesTests.writeFeed(scratch, lines, age: 1800)
        let fewer = try await scratch.run(Self.pipeline)
        #expect(fewer.sinks.map(\.unchanged) == [nil, nil])
        #expect(try scratch.jsonLines("out.jsonl").count == 2)

        // Someone edited one feed, and removed the other: both are written again.
        try scratch.write("out.jsonl", "edited\n")
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("out.rss"))
        let touched = try await scratch.run(Self.pipeline)
        #expect(touched.sinks.map(\.unchanged) == [nil, nil])
        #expect(try scratch.jsonLines("out.jsonl").count == 2)
        #expect(scratch.exists("out.rss"))
        #expect(try await scratch.run(Self.pipeline).sinks.map(\.unchanged) == [true, true])

        // An edited sink: the pipeline is another.
        let edited = Self.pipeline.replacingOccurrences(of: "title: Jobs", with: "title: Openings")
        let report = try await scratch.run(edited)
        #expect(report.sinks.map(\.unchanged) == [nil, nil])
        #expect(try scratch.read("out.rss").contains("<title>Openings</title>"))

        // Asked to do everything again.
        var options = RunOptions()
        options.reread = true
        #expect(try await scratch.run(edited, options: options).sinks.map(\.unchanged) == [nil, nil])
        // A dry run writes every feed (beside, never published) and records nothing.
        options = RunOptions(dryRun: true)
        let dry = try await scratch.run(edited, options: options)
        #expect(dry.sinks.map(\.unchanged) == [nil, nil])
        #expect(dry.sinks.map(\.status) == ["dry-run", "dry-run"])
        #expect(try await scratch.run(edited).sinks.map(\.unchanged) == [true, true])
    }
}
