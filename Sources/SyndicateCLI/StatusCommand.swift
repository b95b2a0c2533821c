import ArgumentParser
import Foundation
import PipelineCore
import Plugins

/// `syndicate status FILE`: the last runs, each source's health, active and expired counts.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a pipeline's last runs, each source's health, and its active and expired postings."
    )

    @Argument(help: "The pipeline file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "The state store to read instead of the pipeline's own.")
    var state: String?

    @Option(help: "How many runs to show.")
    var runs = 10

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let pipeline: Pipeline
        do {
            pipeline = try PipelineLoader(registry: CLIRegistry.current).load(file: file)
        } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(ExitStatus.invalidConfig)
        }
        let location: StateLocation
        do {
            location = try StateLocation(pipeline: pipeline, override: state)
        } catch {
            printError("syndicate: --state: \(error.message)")
            throw ExitCode(ExitStatus.invalidConfig)
        }
        guard location.exists else {
            if json {
                print(#"{"pipeline":"\#(pipeline.name)","active":0,"expired":0,"runs":[],"sources":[]}"#)
            } else {
                print("\(pipeline.name): never run (no state at \(location))")
            }
            return
        }
        let status: PipelineStatus
        do {
            let store = try await location.open()
            status = try await store.status(pipeline: pipeline.name, runs: max(1, runs))
            await store.close()
        } catch {
            printError("syndicate: \(file): cannot read the state: \(error)")
            throw ExitCode(ExitStatus.failed)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
            return
        }
        print("\(status.pipeline): \(status.active) active, \(status.expired) expired postings (state: \(location))")
        print("")
        print("sources:")
        let nameWidth = max(6, status.sources.map(\.name.count).max() ?? 0)
        for s in status.sources {
            let health = s.consecutiveFailures == 0 ? "ok" : "FAILING x\(s.consecutiveFailures)"
            var line = "  \(s.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(health.padding(toLength: 12, withPad: " ", startingAt: 0))  \(String(s.active).leftPadded(7)) active  last success \(s.lastSuccess ?? "never")"
            if let error = s.lastError, s.consecutiveFailures > 0 { line += "\n      last error: \(error)" }
            print(line)
        }
        print("")
        print("runs:")
        for r in status.runs {
            let outcome: String
            switch r.exitCode {
            case 0: outcome = "ok"
            case 3: outcome = "partial"
            case -1: outcome = "unfinished"
            default: outcome = "failed (\(r.exitCode))"
            }
            let duration = r.durationSeconds.map { String(format: "%.2fs", $0) } ?? "-"
            print("  \(r.startedAt)  \(outcome.padding(toLength: 12, withPad: " ", startingAt: 0))  \(duration)")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
