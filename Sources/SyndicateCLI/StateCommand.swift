import ArgumentParser
import Foundation
import PipelineCore

/// `syndicate state ...`: work on a state store itself.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on a state store: move it between SQLite and PostgreSQL.",
        subcommands: [MigrateStateCommand.self]
    )
}

/// `syndicate state migrate --from A --to B`: copies pipelines' state between stores, so that an
/// operator moves from a SQLite file to a shared PostgreSQL database (or back) without losing
/// the active set, the sources' validators and health, or the run history.
struct MigrateStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy pipelines' state from one store to another (SQLite file or postgres:// URL).",
        discussion: """
            Each pipeline is copied in one transaction on the target, under both stores' run locks, so a cron run \
            of it waits for nothing and meets no half-copied state (it exits 75 while the copy runs). \
            The source store is left as it is.
            """
    )

    @Option(help: "The store to copy from: a SQLite file, or postgres://user@host:5432/db.")
    var from: String

    @Option(help: "The store to copy to: a SQLite file (created if missing), or postgres://user@host:5432/db.")
    var to: String

    @Option(name: .customLong("pipeline"), help: "A pipeline to copy (repeat for several); all of the source's by default.")
    var pipelines: [String] = []

    @Flag(help: "Overwrite state the target already holds for a pipeline.")
    var replace = false

    func run() async throws {
        let origin: any StateStore, target: any StateStore
        do {
            let fromLocation = try StateLocation(from), toLocation = try StateLocation(to)
            if case .sqlite(let url) = fromLocation.kind, !fromLocation.exists {
                throw StateStoreError.unavailable("no state store at \(url.path)")
            }
            origin = try await fromLocation.open()
            target = try await toLocation.open()
        } catch let error as ConfigValueError {
            printError("syndicate: state migrate: \(error.message)")
            throw ExitCode(ExitStatus.invalidConfig)
        } catch {
            printError("syndicate: state migrate: \(error)")
            throw ExitCode(ExitStatus.failed)
        }
        // A pipeline that a run holds is skipped (exit 75, as `run` does), the others copied.
        var failed = false, locked = false
        do {
            let names = pipelines.isEmpty ? try await origin.pipelines() : pipelines
            if names.isEmpty { print("nothing to copy: \(redacted(from)) holds no pipeline's state") }
            for name in names {
                do {
                    try await copy(name, from: origin, to: target)
                } catch let error as StateStoreError {
                    printError("syndicate: state migrate: \(name): \(error)")
                    if case .locked = error { locked = true } else { failed = true }
                }
            }
        } catch {
            printError("syndicate: state migrate: \(error)")
            failed = true
        }
        await origin.close()
        await target.close()
        if failed { throw ExitCode(ExitStatus.failed) }
        if locked { throw ExitCode(ExitStatus.locked) }
    }

    /// Copies one pipeline and checks that the target now shows what the origin does.
    private func copy(_ pipeline: String, from origin: any StateStore, to target: any StateStore) async throws {
        let originLock = try await origin.lock(pipeline: pipeline)
        let targetLock: any RunLock
        do {
            targetLock = try await target.lock(pipeline: pipeline)
        } catch {
            await originLock.release()
            throw error
        }
        var postings = 0
        do {
            try await target.importState(pipeline: pipeline, replace: replace) { add in
                try await origin.exportState(pipeline: pipeline, batch: 1_000) { batch in
                    postings += batch.count
                    try await add(batch)
                }
            }
        } catch {
            await targetLock.release()
            await originLock.release()
            throw error
        }
        let before = try await origin.status(pipeline: pipeline, runs: 1_000_000)
        let after = try await target.status(pipeline: pipeline, runs: 1_000_000)
        await targetLock.release()
        await originLock.release()
        guard before.active == after.active, before.expired == after.expired, before.runs.count == after.runs.count else {
            throw StateStoreError.unavailable(
                "the copy does not match: \(before.active) active, \(before.expired) expired, \(before.runs.count) runs in \(redacted(from)); "
                    + "\(after.active), \(after.expired), \(after.runs.count) in \(redacted(to))")
        }
        print("\(pipeline): copied \(postings) postings (\(after.active) active, \(after.expired) expired), \(after.sources.count) sources, \(after.runs.count) runs")
    }

    /// A location as messages may show it: a URL without its password.
    private func redacted(_ text: String) -> String {
        (try? StateLocation(text))?.description ?? text
    }
}
