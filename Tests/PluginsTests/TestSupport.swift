import Foundation
import Logging
import PipelineCore
import Plugins
import Testing
import TestScratch

/// A scratch directory with a pipeline file and its feeds.
struct Scratch {
    let url: URL

    init() throws {
        url = try ScratchDirectory.make("scratch")
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    func copyFixture(_ name: String, to target: String) throws {
        guard let source = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw SourceError("no fixture \(name)")
        }
        let destination = url.appendingPathComponent(target)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
    }

    /// Loads `pipeline.yaml` written with `text`.
    func load(_ text: String, registry: PluginRegistry = TestPlugins.registry, environment: [String: String] = [:], checkFiles: Bool = false) throws -> Pipeline {
        let file = try write("pipeline.yaml", text)
        return try PipelineLoader(registry: registry, environment: environment).load(file: file.path, checkFiles: checkFiles)
    }

    /// The diagnostics of a file that must not load, as printed (with the file name `x.yaml`).
    func errors(_ text: String, registry: PluginRegistry = TestPlugins.registry, environment: [String: String] = [:], checkFiles: Bool = false) -> [String] {
        do {
            let url = self.url.appendingPathComponent("x.yaml")
            _ = try PipelineLoader(registry: registry, environment: environment).load(text: text, file: "x.yaml", url: url, checkFiles: checkFiles)
            Issue.record("the file loaded")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// Loads and runs `pipeline.yaml` written with `text`, with its state in `.syndicate/` here.
    func run(_ text: String, options: RunOptions = RunOptions()) async throws -> RunReport {
        let pipeline = try load(text)
        let store = try await StateLocation(pipeline: pipeline, override: nil).open(dryRun: options.dryRun)
        return await PipelineRunner(pipeline: pipeline, store: store, options: options).run()
    }

    /// The lines of a JSON Lines output, parsed.
    func jsonLines(_ name: String) throws -> [JSONValue] {
        try read(name).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    }

    /// The `source_id` of each line of a JSON Lines output, in order (lines without one left out).
    func sourceIDs(_ name: String) throws -> [String] {
        try jsonLines(name).compactMap { value in
            if case .string(let id) = value["source_id"] { return id }
            return nil
        }
    }
}

/// Plugins that only tests need: a source that fails part-way, a stage that fails.
enum TestPlugins {
    static let registry: PluginRegistry = {
        var r = Plugins.builtIn
        r.register(source: FailingSource.self)
        r.register(stage: FailingStage.self)
        return r
    }()
}

/// Emits `before` postings, then fails with `message`.
struct FailingSource: Source {
    static let type = "failing"
    static let summary = "test: emits some postings, then fails"
    static let readsInput = false

    struct Options: PluginOptions {
        var before: Int
        var message: String
    }

    let options: Options
    let name: String

    init(options: Options, context: SourceContext) throws {
        self.options = options
        name = context.name
    }

    func read(into output: SourceOutput) async throws {
        for i in 0..<options.before {
            try await output.emit(JobPosting(sourceID: "f\(i)", title: "Failing \(i)"), position: "item \(i)")
        }
        try await output.flush()
        throw SourceError(options.message)
    }
}

/// Fails on the first batch it sees.
struct FailingStage: Stage {
    static let type = "failing-stage"
    static let summary = "test: fails"

    init(options: NoOptions, context: StageContext) throws {}

    func process(_ batch: [JobPosting], run: RunContext) async throws -> [JobPosting] {
        throw SourceError("the stage broke")
    }
}
