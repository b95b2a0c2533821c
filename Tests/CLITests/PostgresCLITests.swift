import Foundation
import Testing

/// The PostgreSQL servers `.ci/with-postgres` started, if any.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    /// The shared server: every test here uses a pipeline name of its own on it.
    static let shared = environment["SYNDICATE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    /// The server the fault test stops and starts again, with the commands that do it.
    static let killable = environment["SYNDICATE_TEST_POSTGRES_KILLABLE"].flatMap { $0.isEmpty ? nil : $0 }
    static let stop = environment["SYNDICATE_TEST_POSTGRES_STOP"]
    static let start = environment["SYNDICATE_TEST_POSTGRES_START"]

    static let skipMessage: Comment = "SYNDICATE_TEST_POSTGRES is not set, so this PostgreSQL test did not run; run `.ci/with-postgres swift test`"

    /// Runs a shell command, for stopping and starting the server.
    ///
    /// Foundation learns that a child has ended when a socket the child inherited closes; a
    /// server that `pg_ctl start` leaves running would inherit it too and keep the wait going
    /// for as long as the server lives. Python's `close_fds` starts the command without it.
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1], shell=True, close_fds=True))", command,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("Several hosts, one PostgreSQL database")
struct PostgresCLITests {
    /// A folder with `p.yaml` whose state is `state` (written as is: `${VAR}` is expanded by
    /// the run) and whose name is new, so that tests sharing a database never meet.
    static func setUp(state: String, name: String = "pg-\(UUID().uuidString.prefix(8).lowercased())") throws -> URL {
        let dir = try CLI.scratch()
        let text = """
            version: 1
            name: \(name)
            state: \(state)
            sources: { feed: { type: jsonl, path: feed.jsonl } }
            sinks: { o: { type: jsonl, path: out/o.jsonl } }
            """
        try Data(text.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        return dir
    }

    static func status(_ dir: URL, _ extra: [String] = []) throws -> [String: Any]? {
        let result = try CLI.run(["status", "p.yaml", "--json"] + extra, in: dir)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    @Test("two runs of one pipeline on two hosts: the second exits 75 at once, naming the first", .enabled(if: TestServers.shared != nil, TestServers.skipMessage))
    func twoHosts() throws {
        let name = "pg-\(UUID().uuidString.prefix(8).lowercased())"
        // Two folders with nothing in common but the database: two hosts.
        let hostA = try Self.setUp(state: "${SYNDICATE_TEST_POSTGRES}", name: name)
        let hostB = try Self.setUp(state: "${SYNDICATE_TEST_POSTGRES}", name: name)
        let first = try BlockedRun(dir: hostA)
        let started = Date()
        let second = try CLI.run(["run", "p.yaml"], in: hostB)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(second.status == 75)
        #expect(second.stderr.hasPrefix("syndicate: p.yaml: another run of '\(name)' holds the lock (syndicate on "))
        #expect(second.stderr.contains("pid \(first.process.processIdentifier))"))
        #expect(second.stderr.split(separator: "\n").count == 1)
        try first.send([#"{"source_id":"1","title":"A"}"#])
        #expect(try first.finish() == 0)
        // The lock went with the first run; host B runs and sees host A's posting as its own.
        try LifecycleTests.writeFeed(hostB, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: hostB).status == 0)
        let status = try Self.status(hostB)
        #expect(status?["active"] as? Int == 1)
        #expect((status?["runs"] as? [[String: Any]])?.count == 2)
    }

    @Test("the database unreachable at start: one line without the password, exit 1, nothing published")
    func unreachable() throws {
        let dir = try Self.setUp(state: "postgres://syndicate:s3cret@127.0.0.1:1/jobs?sslmode=disable&connect_timeout=3")
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        let result = try CLI.run(["run", "p.yaml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("cannot connect to the state database postgres://syndicate@127.0.0.1:1/jobs: connection refused\n"))
        #expect(!result.stderr.contains("s3cret"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
        let status = try CLI.run(["status", "p.yaml"], in: dir)
        #expect(status.status == 1)
        #expect(!status.stderr.contains("s3cret"))
    }

    @Test("a bad database URL is a configuration error that says what to write")
    func badURL() throws {
        let dir = try Self.setUp(state: "postgres://syndicate:s3cret@db/jobs?sslmode=always")
        let result = try CLI.run(["validate", "p.yaml"], in: dir)
        #expect(result.status == 78)
        #expect(result.stderr.contains("sslmode 'always' is not one of disable, allow, prefer, require, verify-ca, verify-full"))
        #expect(!result.stderr.contains("s3cret"))
    }

    @Test("the server stopped mid-run: the run fails, the feed and the state survive, the next run works",
          .enabled(if: TestServers.killable != nil && TestServers.stop != nil && TestServers.start != nil, TestServers.skipMessage))
    func serverKilled() throws {
        let dir = try Self.setUp(state: "${SYNDICATE_TEST_POSTGRES_KILLABLE}")
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"2","title":"B"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let feed = dir.appendingPathComponent("out/o.jsonl")
        let before = try Data(contentsOf: feed)
        let interrupted = try BlockedRun(dir: dir)
        #expect(try TestServers.shell(TestServers.stop ?? "false") == 0)
        defer { _ = try? TestServers.shell(TestServers.start ?? "false") }
        try interrupted.send((3..<500).map { #"{"source_id":"\#($0)","title":"New"}"# })
        #expect(try interrupted.finish() == 1)
        let message = String(decoding: interrupted.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("nothing was published"))
        #expect(try Data(contentsOf: feed) == before)
        #expect(try TestServers.shell(TestServers.start ?? "false") == 0)
        // The state is the first run's: two active postings, the first run in the history.
        let status = try Self.status(dir)
        #expect(status?["active"] as? Int == 2)
        #expect((status?["runs"] as? [[String: Any]])?.last?["exit_code"] as? Int == 0)
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"3","title":"C"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let after = try String(contentsOf: feed, encoding: .utf8)
        #expect(after.split(separator: "\n").count == 2)
        #expect(after.contains(#""source_id":"3""#))
    }

    @Test("state migrate moves a pipeline from SQLite to PostgreSQL and back without losing its active set",
          .enabled(if: TestServers.shared != nil, TestServers.skipMessage))
    func migrate() throws {
        let name = "pg-\(UUID().uuidString.prefix(8).lowercased())"
        let dir = try Self.setUp(state: "state/jobs.sqlite", name: name)
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"2","title":"B"}"#])
        try CLI.settle(dir)
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let database = TestServers.shared ?? ""
        let there = try CLI.run(["state", "migrate", "--from", "state/jobs.sqlite", "--to", database], in: dir)
        #expect(there.status == 0)
        #expect(there.stdout.contains("\(name): copied 2 postings (2 active, 0 expired), 1 sources, 1 runs"))
        // Copying again would overwrite what is there: refused without --replace.
        let again = try CLI.run(["state", "migrate", "--from", "state/jobs.sqlite", "--to", database, "--pipeline", name], in: dir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("add --replace"))
        // The source's validators came along: a run against the database skips the unchanged
        // file; read again, it finds both postings unchanged.
        let report = dir.appendingPathComponent("report.json")
        #expect(try CLI.run(["run", "p.yaml", "--state", database, "--report", report.path], in: dir).status == 0)
        let skipped = (try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])?["sources"] as? [[String: Any]]
        #expect(skipped?.first?["status"] as? String == "not-modified")
        #expect(try CLI.run(["run", "p.yaml", "--reread", "--state", database, "--report", report.path], in: dir).status == 0)
        let sources = (try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])?["sources"] as? [[String: Any]]
        #expect(sources?.first?["unchanged"] as? Int == 2)
        #expect(sources?.first?["new"] as? Int == 0)
        let back = try CLI.run(["state", "migrate", "--from", database, "--to", "back.sqlite", "--pipeline", name], in: dir)
        #expect(back.status == 0)
        let status = try Self.status(dir, ["--state", "back.sqlite"])
        #expect(status?["active"] as? Int == 2)
        #expect((status?["runs"] as? [[String: Any]])?.count == 3)
    }
}
