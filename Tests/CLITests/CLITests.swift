import Foundation
import Testing
import TestScratch

/// Runs the built `syndicate` binary as cron would: no terminal, no input.
struct CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary beside the test bundle (`swift test` builds every product into one folder).
    static var binary: URL? {
        var candidates: [URL] = []
        if let arg = ProcessInfo.processInfo.arguments.first {
            var dir = URL(fileURLWithPath: arg).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("syndicate"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/syndicate"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Dates every file under `url` an hour back: a file changed in the last seconds gets no
    /// validator, and a run would read it again however unchanged it is.
    static func settle(_ url: URL) throws {
        let old = Date().addingTimeInterval(-3600)
        let files = FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []
        for path in [""] + files {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.appendingPathComponent(path).path)
        }
    }

    static func scratch() throws -> URL {
        try ScratchDirectory.make("cli")
    }
}

@Suite("The syndicate command")
struct CLITests {
    @Test("the binary is built beside the tests")
    func binaryExists() {
        #expect(CLI.binary != nil, "run the tests with 'swift test', which builds the syndicate product too")
    }

    @Test("validate prints a compiler-style error for a mistyped stage and exits 78")
    func validateTypo() throws {
        let dir = try CLI.scratch()
        try Data("""
            version: 1
            name: typo
            sources:
              a: { type: jsonl, path: a.jsonl }
            stages:
              - type: filtr
                where: title contains "x"
            sinks:
              o: { type: jsonl, path: o.jsonl }
            """.utf8).write(to: dir.appendingPathComponent("typo.yaml"))
        let result = try CLI.run(["validate", "typo.yaml"], in: dir)
        #expect(result.status == 78)
        #expect(result.stderr == """
            typo.yaml:6:11: error: unknown stage type 'filtr' (did you mean 'filter'?)
            typo.yaml:4:27: error: file not found: 'a.jsonl' (looked for \(dir.standardizedFileURL.path)/a.jsonl); fix the path, relative to the pipeline file

            """.split(separator: "\n").sorted { $0.contains(":4:") && !$1.contains(":4:") }.joined(separator: "\n") + "\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("run of the example prints nothing on success without a terminal, and publishes")
    func runExampleQuietly() throws {
        let dir = try CLI.scratch()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("pipelines/example.yaml"), to: dir.appendingPathComponent("pipelines/example.yaml"))
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("examples"), to: dir.appendingPathComponent("examples"))
        try CLI.settle(dir)
        let result = try CLI.run(["run", "pipelines/example.yaml"], in: dir)
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pipelines/out/jobs.jsonl").path))

        // Nothing changed since: every source is skipped, the feeds stay as they were.
        let published = try Data(contentsOf: dir.appendingPathComponent("pipelines/out/jobs.jsonl"))
        let again = try CLI.run(["run", "--verbose", "pipelines/example.yaml"], in: dir)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("example: 0 postings from 7 sources (7 unchanged since the last run, not read); published out/jobs.jsonl (12, unchanged)"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("pipelines/out/jobs.jsonl")) == published)

        let verbose = try CLI.run(["run", "--verbose", "--reread", "--report", "report.json", "pipelines/example.yaml"], in: dir)
        #expect(verbose.status == 0)
        #expect(verbose.stdout.hasPrefix("example: 13 postings from 7 sources; 1 rejected"))
        #expect(verbose.stdout.contains("; 1 duplicate merged;"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(report?["status"] as? String == "ok")
        #expect(report?["rejects"] as? Int == 1)
    }

    @Test("a failed source is one line on stderr plus a summary, and exit 3")
    func partialRun() throws {
        let dir = try CLI.scratch()
        try Data(#"{"source_id":"1","title":"Dev"}"#.utf8).write(to: dir.appendingPathComponent("a.jsonl"))
        try Data(#"[{"source_id":"1","title":"#.utf8).write(to: dir.appendingPathComponent("b.json"))
        try Data("""
            version: 1
            name: partial
            sources:
              a: { type: jsonl, path: a.jsonl }
              b: { type: json, path: b.json }
            sinks:
              o: { type: jsonl, path: o.jsonl }
            """.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        let result = try CLI.run(["run", "p.yaml"], in: dir)
        #expect(result.status == 3)
        #expect(result.stdout == "")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines == [
            "syndicate: p.yaml: source 'b': b.json:1:27: unexpected end of document",
            "syndicate: p.yaml: partial: 1 of 2 sources failed; published o.jsonl (1)",
        ])
    }

    @Test("an invalid file given to run exits 78 without running")
    func runInvalid() throws {
        let dir = try CLI.scratch()
        try Data("version: 1\nname: x\n".utf8).write(to: dir.appendingPathComponent("x.yaml"))
        let result = try CLI.run(["run", "x.yaml"], in: dir)
        #expect(result.status == 78)
        #expect(result.stderr.contains("x.yaml:1:1: error: missing 'sources:'"))
    }

    @Test("plugins --json lists every plugin with kind, type and options")
    func pluginsJSON() throws {
        let result = try CLI.run(["plugins", "--json"])
        #expect(result.status == 0)
        let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let names = list.map { "\($0["kind"] ?? "") \($0["type"] ?? "")" }
        for expected in ["source json", "source jsonl", "stage filter", "stage set", "sink json", "sink jsonl"] {
            #expect(names.contains(expected))
        }
        let filter = list.first { $0["type"] as? String == "filter" }
        let options = filter?["options"] as? [[String: Any]]
        #expect(options?.first?["name"] as? String == "where")
        #expect(options?.first?["required"] as? Bool == true)
    }
}

@Suite("Stopping a run")
struct SignalTests {
    @Test("SIGTERM mid-run stops cleanly: exit 130, nothing published, the previous feed kept")
    func sigterm() throws {
        let dir = try CLI.scratch()
        let fifo = dir.appendingPathComponent("slow.jsonl")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        try Data("previous\n".utf8).write(to: dir.appendingPathComponent("o.jsonl"))
        try Data("""
            version: 1
            name: slow
            sources: { s: { type: jsonl, path: slow.jsonl } }
            sinks: { o: { type: jsonl, path: o.jsonl } }
            """.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        guard let binary = CLI.binary else {
            Issue.record("no binary")
            return
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", "p.yaml"]
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Opening the FIFO waits for the run to open it: from here on the run is reading.
        let writer = try FileHandle(forWritingTo: fifo)
        for i in 0..<1000 {
            try writer.write(contentsOf: Data(#"{"source_id":"\#(i)","title":"Dev"}"#.utf8 + [0x0A]))
        }
        process.terminate()
        Thread.sleep(forTimeInterval: 0.3)
        // The run may already have stopped reading; then this write meets a closed pipe.
        try? writer.write(contentsOf: Data(#"{"source_id":"late","title":"Dev"}"#.utf8 + [0x0A]))
        try? writer.close()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("interrupted"))
        #expect(try String(contentsOf: dir.appendingPathComponent("o.jsonl"), encoding: .utf8) == "previous\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".o.jsonl") }.isEmpty)
    }
}

@Suite("syndicate normalize-title")
struct NormalizeTitleCLITests {
    @Test("prints one JSON line per title")
    func lines() throws {
        let result = try CLI.run(["normalize-title", "Sr. back end developper!!! (m/f/d) - Toronto, ON", "DBA"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]?["title"] as? String == "Senior Back-End Developer")
        #expect(lines[0]?["title_canonical"] as? String == "Back-End Developer")
        #expect(lines[0]?["seniority"] as? String == "senior")
        #expect(lines[0]?["role_type"] as? String == "backend_engineer")
        #expect(lines[1]?["title_canonical"] as? String == "Database Administrator")
        // The enrich stage's part: the band (Toronto's factor on the senior figures).
        let band = lines[0]?["salary_band"] as? [String: Any]
        #expect(band?["min"] as? Int == 110_000 && band?["max"] as? Int == 165_000 && band?["basis"] as? String == "estimated")
        #expect((lines[0]?["location"] as? [String: Any])?["city"] as? String == "Toronto")
    }

    @Test("a title outside the taxonomy gets its role type from keywords")
    func keywords() throws {
        let result = try CLI.run(["normalize-title", "Kubernetes Platform Specialist"])
        let line = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(line?["role_type"] as? String == "devops_engineer")
        #expect(line?["skills"] as? [String] == ["kubernetes"])
    }
}
