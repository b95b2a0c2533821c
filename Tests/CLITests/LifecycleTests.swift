import Foundation
import Testing

/// A pipeline whose one source reads a FIFO: a run started on it stays in the middle of reading
/// until the test says otherwise, so a lock or a signal always meets a run in progress.
struct BlockedRun {
    let dir: URL
    let process = Process()
    let writer: FileHandle
    let stderr = Pipe()

    init(dir: URL, arguments: [String] = ["run", "p.yaml"]) throws {
        self.dir = dir
        let fifo = dir.appendingPathComponent("feed.jsonl")
        try? FileManager.default.removeItem(at: fifo)
        guard mkfifo(fifo.path, 0o600) == 0, let binary = CLI.binary else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        // Opening the FIFO returns once the run has opened it: it holds the lock and is reading.
        writer = try FileHandle(forWritingTo: fifo)
    }

    func send(_ lines: [String]) throws {
        try writer.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func finish() throws -> Int32 {
        try writer.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("Runs from cron")
struct LifecycleTests {
    static let pipeline = """
        version: 1
        name: cron
        sources: { feed: { type: jsonl, path: feed.jsonl } }
        sinks: { o: { type: jsonl, path: out/o.jsonl } }
        """

    static func setUp() throws -> URL {
        let dir = try CLI.scratch()
        try Data(pipeline.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        return dir
    }

    static func writeFeed(_ dir: URL, _ lines: [String]) throws {
        let url = dir.appendingPathComponent("feed.jsonl")
        try? FileManager.default.removeItem(at: url)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    }

    @Test("a posting removed from its source is gone from the feed after the next run")
    func removal() throws {
        let dir = try Self.setUp()
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"2","title":"B"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let feed = try String(contentsOf: dir.appendingPathComponent("out/o.jsonl"), encoding: .utf8)
        #expect(feed.contains(#""source_id":"1""#))
        #expect(!feed.contains(#""source_id":"2""#))
    }

    @Test("with the source broken instead, nothing of it is expired and the run exits 3")
    func brokenSourceKeeps() throws {
        let dir = try CLI.scratch()
        try Data("""
            version: 1
            name: cron
            sources:
              feed: { type: jsonl, path: feed.jsonl }
              doc: { type: json, path: doc.json }
            sinks: { o: { type: jsonl, path: out/o.jsonl } }
            """.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        try Data(#"[{"source_id":"d1","title":"D"}]"#.utf8).write(to: dir.appendingPathComponent("doc.json"))
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        try Data(#"[{"source_id":"d1","title":"#.utf8).write(to: dir.appendingPathComponent("doc.json"))
        let second = try CLI.run(["run", "p.yaml"], in: dir)
        #expect(second.status == 3)
        let feed = try String(contentsOf: dir.appendingPathComponent("out/o.jsonl"), encoding: .utf8)
        #expect(feed.contains(#""source_id":"d1""#))
        let status = try CLI.run(["status", "--json", "p.yaml"], in: dir)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let sources = json?["sources"] as? [[String: Any]] ?? []
        #expect(sources.first { $0["name"] as? String == "doc" }?["consecutive_failures"] as? Int == 1)
        #expect(sources.first { $0["name"] as? String == "doc" }?["active"] as? Int == 1)
        #expect((json?["runs"] as? [[String: Any]])?.map { $0["exit_code"] as? Int } == [3, 0])
    }

    @Test("a second run while one is running exits 75 at once with one line")
    func lock() throws {
        let dir = try Self.setUp()
        let first = try BlockedRun(dir: dir)
        let started = Date()
        let second = try CLI.run(["run", "p.yaml"], in: dir)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(second.status == 75)
        #expect(second.stderr == "syndicate: p.yaml: another run of 'cron' holds the lock (pid \(first.process.processIdentifier)); this run did nothing\n")
        try first.send([#"{"source_id":"1","title":"A"}"#])
        #expect(try first.finish() == 0)
    }

    @Test("a run killed with SIGKILL leaves the previous feed byte-identical; the next run works")
    func sigkill() throws {
        let dir = try Self.setUp()
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"2","title":"B"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let before = try Data(contentsOf: dir.appendingPathComponent("out/o.jsonl"))
        let killed = try BlockedRun(dir: dir)
        try killed.send((3..<2000).map { #"{"source_id":"\#($0)","title":"New"}"# })
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        try? killed.writer.close()
        #expect(killed.process.terminationReason == .uncaughtSignal)
        #expect(try Data(contentsOf: dir.appendingPathComponent("out/o.jsonl")) == before)
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"3","title":"C"}"#])
        let next = try CLI.run(["run", "p.yaml"], in: dir)
        #expect(next.status == 0)
        let feed = try String(contentsOf: dir.appendingPathComponent("out/o.jsonl"), encoding: .utf8)
        #expect(feed.split(separator: "\n").count == 2)
        #expect(feed.contains(#""source_id":"3""#))
    }

    @Test("--dry-run leaves feeds and state unchanged, and status shows what happened")
    func dryRun() throws {
        let dir = try Self.setUp()
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let feed = try Data(contentsOf: dir.appendingPathComponent("out/o.jsonl"))
        let statusBefore = try CLI.run(["status", "--json", "p.yaml"], in: dir).stdout
        try Self.writeFeed(dir, [#"{"source_id":"2","title":"B"}"#, "garbage"])
        let dry = try CLI.run(["run", "--dry-run", "--verbose", "p.yaml"], in: dir)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("would publish out/o.jsonl (1)"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("out/o.jsonl")) == feed)
        #expect(try CLI.run(["status", "--json", "p.yaml"], in: dir).stdout == statusBefore)
        let text = try CLI.run(["status", "p.yaml"], in: dir).stdout
        #expect(text.hasPrefix("cron: 1 active, 0 expired postings"))
        #expect(text.contains("feed"))
        let rejects = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(".syndicate/rejects").path)) ?? []
        #expect(rejects.isEmpty)
    }

    @Test("a dry run of a pipeline never run creates no state")
    func dryRunFresh() throws {
        let dir = try Self.setUp()
        try Self.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "--dry-run", "p.yaml"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".syndicate").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }
}
