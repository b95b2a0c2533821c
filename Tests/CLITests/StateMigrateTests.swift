import Foundation
import Testing

/// `syndicate state migrate` between two SQLite files: the same code path as to and from
/// PostgreSQL (which `PostgresCLITests` covers when a server is there), runnable everywhere.
@Suite("Moving a pipeline's state")
struct StateMigrateTests {
    @Test("state migrate copies a pipeline to a new SQLite file, and a run there finds every posting unchanged")
    func sqliteToSQLite() throws {
        let dir = try PostgresCLITests.setUp(state: "state/jobs.sqlite", name: "moved")
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#, #"{"source_id":"2","title":"B"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let copy = try CLI.run(["state", "migrate", "--from", "state/jobs.sqlite", "--to", "elsewhere/jobs.sqlite"], in: dir)
        #expect(copy.status == 0)
        #expect(copy.stdout == "moved: copied 2 postings (1 active, 1 expired), 1 sources, 2 runs\n")
        let report = dir.appendingPathComponent("report.json")
        // Read again in full (the copy keeps the source's validators, which would skip it).
        #expect(try CLI.run(["run", "p.yaml", "--reread", "--state", "elsewhere/jobs.sqlite", "--report", report.path], in: dir).status == 0)
        let sources = (try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])?["sources"] as? [[String: Any]]
        #expect(sources?.first?["unchanged"] as? Int == 1)
        #expect(sources?.first?["new"] as? Int == 0)
        let status = try PostgresCLITests.status(dir, ["--state", "elsewhere/jobs.sqlite"])
        #expect((status?["runs"] as? [[String: Any]])?.count == 3)
    }

    @Test("a pipeline that a run holds is not copied: exit 75, and the target stays empty")
    func lockedPipeline() throws {
        let dir = try PostgresCLITests.setUp(state: "state/jobs.sqlite", name: "busy")
        try LifecycleTests.writeFeed(dir, [#"{"source_id":"1","title":"A"}"#])
        #expect(try CLI.run(["run", "p.yaml"], in: dir).status == 0)
        let running = try BlockedRun(dir: dir)
        let copy = try CLI.run(["state", "migrate", "--from", "state/jobs.sqlite", "--to", "copy.sqlite"], in: dir)
        try running.send([#"{"source_id":"1","title":"A"}"#])
        #expect(try running.finish() == 0)
        #expect(copy.status == 75)
        #expect(copy.stderr.contains("busy"))
        #expect(copy.stderr.contains("holds the lock"))
        let status = try PostgresCLITests.status(dir, ["--state", "copy.sqlite"])
        #expect(status?["active"] as? Int == 0)
        #expect((status?["runs"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test("a missing origin, or a target that is not a store, is one clear line")
    func badLocations() throws {
        let dir = try CLI.scratch()
        let missing = try CLI.run(["state", "migrate", "--from", "nowhere.sqlite", "--to", "x.sqlite"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr == "syndicate: state migrate: no state store at \(dir.appendingPathComponent("nowhere.sqlite").path)\n")
        let badURL = try CLI.run(["state", "migrate", "--from", "nowhere.sqlite", "--to", "postgres://u:pw@h/db?sslmode=sure"], in: dir)
        #expect(badURL.status == 78)
        #expect(badURL.stderr.contains("sslmode 'sure' is not one of"))
        #expect(!badURL.stderr.contains("pw"))
    }
}
