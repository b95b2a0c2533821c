import Foundation
import PipelineCore
import Plugins
import Testing

/// A file source unchanged since its last success is not read again (as an HTTP source answered
/// 304): same file, same size, same modification time, and the pipeline file as it was; nor is
/// it parsed again when it was rewritten with the same bytes.
@Suite("Sources unchanged since the last run")
struct UnchangedSourcesTests {
    static let pipeline = """
        version: 1
        name: t
        sources:
          feed: { type: jsonl, path: feed.jsonl }
        stages:
          - type: normalize
        sinks:
          out: { type: jsonl, path: out.jsonl }
        """

    /// Writes the feed dated an hour back (a file changed in the last seconds gets no validator).
    static func writeFeed(_ scratch: Scratch, _ text: String, age: TimeInterval = 3600) throws {
        let url = try scratch.write("feed.jsonl", text)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
    }

    @Test("the same file is skipped: its postings and the feed stay as they were")
    func skipped() async throws {
        let scratch = try Scratch()
        try Self.writeFeed(scratch, RunnerTests.feed)
        let first = try await scratch.run(Self.pipeline)
        #expect(first.sources.map(\.status) == ["ok"])
        #expect(first.sources.first?.new == 3)
        let published = try scratch.read("out.jsonl")

        let second = try await scratch.run(Self.pipeline)
        #expect(second.exitCode == ExitStatus.ok)
        #expect(second.sources.map(\.status) == ["not-modified"])
        #expect(second.sources.first?.sent == 0)
        #expect(second.sources.first?.expired == 0)
        #expect(second.active == 3)
        #expect(try scratch.read("out.jsonl") == published)
    }

    /// The validator the store kept for the source `feed` after the last run.
    static func storedValidator(_ scratch: Scratch, _ pipeline: String = pipeline) async throws -> String? {
        let store = try await StateLocation(pipeline: scratch.load(pipeline), override: nil).open(dryRun: true)
        return try await store.sourceStates(pipeline: "t")["feed"]?.etag
    }

    @Test("a file rewritten with the same bytes is not parsed again; other bytes, even as many, are")
    func rewritten() async throws {
        let scratch = try Scratch()
        try Self.writeFeed(scratch, RunnerTests.feed)
        _ = try await scratch.run(Self.pipeline)
        let published = try scratch.read("out.jsonl")
        // The same bytes, another modification time (a feed downloaded again, nothing new).
        try Self.writeFeed(scratch, RunnerTests.feed, age: 1800)
        let same = try await scratch.run(Self.pipeline)
        #expect(same.exitCode == ExitStatus.ok)
        #expect(same.sources.map(\.status) == ["not-modified"])
        #expect(same.sources.first?.sent == 0)
        #expect(same.active == 3)
        #expect(try scratch.read("out.jsonl") == published)
        // Kept under the file's new identity: the next run skips it on its `stat` alone.
        let identity = try #require(FileValidator.of(path: scratch.url.appendingPathComponent("feed.jsonl").path))
        #expect(try await Self.storedValidator(scratch)?.hasPrefix(identity + " content:") == true)

        // Other bytes of the same size: hashed, found different, read.
        let edited = RunnerTests.feed.replacingOccurrences(of: "QA Engineer", with: "QA Engineex")
        #expect(edited.utf8.count == RunnerTests.feed.utf8.count)
        try Self.writeFeed(scratch, edited, age: 900)
        let changed = try await scratch.run(Self.pipeline)
        #expect(changed.sources.map(\.status) == ["ok"])
        #expect(changed.sources.first?.updated == 1)
        #expect(changed.sources.first?.unchanged == 2)
    }

    @Test("a file changed seconds ago is read, and read again next time even if untouched")
    func recent() async throws {
        let scratch = try Scratch()
        try Self.writeFeed(scratch, RunnerTests.feed)
        _ = try await scratch.run(Self.pipeline)
        // Changed just now: no validator is kept, so the next run reads it even if untouched.
        let lines = RunnerTests.feed.split(separator: "\n").dropLast().joined(separator: "\n")
        try Self.writeFeed(scratch, lines, age: 0)
        let recent = try await scratch.run(Self.pipeline)
        #expect(recent.sources.first?.expired == 1)
        #expect(try await Self.storedValidator(scratch) == nil)
        let untouched = try await scratch.run(Self.pipeline)
        #expect(untouched.sources.map(\.status) == ["ok"])
        #expect(untouched.active == 2)
    }

    @Test("an XML feed rewritten as it was is not parsed again either")
    func rewrittenXML() async throws {
        let scratch = try Scratch()
        let rss = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Jobs</title>
            <item><title>Back-End Developer</title><link>https://example.com/jobs/1</link><guid>1</guid></item>
            <item><title>Data Engineer</title><link>https://example.com/jobs/2</link><guid>2</guid></item>
            </channel></rss>
            """
        let pipeline = Self.pipeline.replacingOccurrences(of: "{ type: jsonl, path: feed.jsonl }", with: "{ type: rss, path: feed.xml }")
        func write(age: TimeInterval) throws {
            let url = try scratch.write("feed.xml", rss)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        }
        try write(age: 3600)
        let first = try await scratch.run(pipeline)
        #expect(first.sources.first?.new == 2)
        try write(age: 1800)
        let again = try await scratch.run(pipeline)
        #expect(again.sources.map(\.status) == ["not-modified"])
        #expect(again.active == 2)
    }

    @Test("a glob whose files are as they were, or have the same bytes, is not read again; a file changed, added or gone reads it all")
    func glob() async throws {
        let scratch = try Scratch()
        let pipeline = Self.pipeline.replacingOccurrences(of: "{ type: jsonl, path: feed.jsonl }", with: #"{ type: jsonl, path: "drops/*.jsonl" }"#)
        let lines = RunnerTests.feed.split(separator: "\n").map(String.init)
        func drop(_ name: String, _ text: String, age: TimeInterval = 3600) throws {
            let url = try scratch.write("drops/\(name)", text)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        }
        try drop("a.jsonl", lines[0])
        try drop("b.jsonl", lines[1])
        #expect(try await scratch.run(pipeline).sources.first?.new == 2)
        let same = try await scratch.run(pipeline)
        #expect(same.sources.map(\.status) == ["not-modified"])
        #expect(same.active == 2)
        // A file added: read, all of them.
        try drop("c.jsonl", lines[2])
        let added = try await scratch.run(pipeline)
        #expect(added.sources.map(\.status) == ["ok"])
        #expect(added.sources.first?.new == 1)
        #expect(added.sources.first?.unchanged == 2)
        #expect(try await scratch.run(pipeline).sources.map(\.status) == ["not-modified"])
        // A file rewritten with the same bytes: hashed, not parsed; the next run skips it on
        // the files' identities alone.
        try drop("a.jsonl", lines[0], age: 1800)
        #expect(try await scratch.run(pipeline).sources.map(\.status) == ["not-modified"])
        let identity = try #require(FileValidator.of(paths: ["a.jsonl", "b.jsonl", "c.jsonl"].map { scratch.url.appendingPathComponent("drops/\($0)").path }, settled: 0)?.validator)
        #expect(try await Self.storedValidator(scratch, pipeline)?.hasPrefix(identity + " content:") == true)
        // Rewritten with other bytes, as many: read.
        try drop("a.jsonl", lines[0].replacingOccurrences(of: "Back-End", with: "Back-Emd"), age: 900)
        let edited = try await scratch.run(pipeline)
        #expect(edited.sources.map(\.status) == ["ok"])
        #expect(edited.sources.first?.updated == 1)
        // A file gone: read, and its posting leaves.
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("drops/b.jsonl"))
        let gone = try await scratch.run(pipeline)
        #expect(gone.sources.map(\.status) == ["ok"])
        #expect(gone.sources.first?.expired == 1)
        #expect(gone.active == 2)
        // A file changed seconds ago: read, and read again next time.
        try drop("c.jsonl", lines[2], age: 0)
        #expect(try await scratch.run(pipeline).sources.map(\.status) == ["ok"])
        #expect(try await scratch.run(pipeline).sources.map(\.status) == ["ok"])
    }

    @Test("an edited pipeline file, a changed variable it uses, or reread: every source is read in full")
    func pipelineChanged() async throws {
        let scratch = try Scratch()
        try Self.writeFeed(scratch, RunnerTests.feed)
        _ = try await scratch.run(Self.pipeline)
        let edited = Self.pipeline.replacingOccurrences(of: "  - type: normalize", with: "  - type: normalize\n  - type: set\n    values: { extra.board: acme }")
        let report = try await scratch.run(edited)
        #expect(report.sources.map(\.status) == ["ok"])
        #expect(report.sources.first?.updated == 3)
        #expect(try scratch.jsonLines("out.jsonl").allSatisfy { $0["extra"]?["board"] == .string("acme") })
        // Unchanged again: skipped.
        #expect(try await scratch.run(edited).sources.map(\.status) == ["not-modified"])
        // Asked to read everything.
        var options = RunOptions()
        options.reread = true
        let reread = try await scratch.run(edited, options: options)
        #expect(reread.sources.map(\.status) == ["ok"])
        #expect(reread.sources.first?.unchanged == 3)

        // The same text under another value of a variable it names is another pipeline.
        let withVariable = edited.replacingOccurrences(of: "acme", with: "\"${BOARD}\"")
        let a = try scratch.load(withVariable, environment: ["BOARD": "a"]).fingerprint
        let b = try scratch.load(withVariable, environment: ["BOARD": "b"]).fingerprint
        #expect(a != b)
        #expect(try scratch.load(withVariable, environment: ["BOARD": "a", "OTHER": "x"]).fingerprint == a)
    }

    @Test("a run that publishes nothing keeps no validators: the next run reads what it read")
    func failedRun() async throws {
        let scratch = try Scratch()
        try Self.writeFeed(scratch, RunnerTests.feed)
        _ = try await scratch.run(Self.pipeline)
        let twoLines = RunnerTests.feed.split(separator: "\n").prefix(2).joined(separator: "\n")
        try Self.writeFeed(scratch, twoLines, age: 1800)
        // A run of the same fingerprint that fails (its stage breaks) after reading the file.
        let fingerprint = try scratch.load(Self.pipeline).fingerprint
        var failing = try scratch.load(Self.pipeline.replacingOccurrences(of: "  - type: normalize", with: "  - type: normalize\n  - type: failing-stage"))
        failing.fingerprint = fingerprint
        let store = try await StateLocation(pipeline: failing, override: nil).open(dryRun: false)
        let failed = await PipelineRunner(pipeline: failing, store: store).run()
        #expect(failed.exitCode == ExitStatus.failed)
        #expect(failed.sources.map(\.status) == ["ok"])
        // The file is as the failed run read it; the next run must read it, not skip it.
        let next = try await scratch.run(Self.pipeline)
        #expect(next.sources.map(\.status) == ["ok"])
        #expect(next.sources.first?.expired == 1)
        #expect(next.active == 2)
    }
}
