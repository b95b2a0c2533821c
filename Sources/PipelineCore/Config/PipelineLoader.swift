import Foundation
import Logging
import Yams

/// Reads a pipeline file, checks all of it, and builds its plugins. Every problem is reported,
/// compiler-style, with its line and column; nothing runs.
///
/// ```swift
/// do {
///     let pipeline = try PipelineLoader(registry: Plugins.builtIn).load(file: "x.yaml")
/// } catch {
///     print(error)   // x.yaml:8:11: error: unknown stage type 'filtr' (did you mean 'filter'?)
/// }
/// ```
public struct PipelineLoader: Sendable {
    /// The plugins the file may name.
    public let registry: PluginRegistry
    /// Values for `${VAR}`.
    public let environment: [String: String]
    /// The logger plugins are given.
    public let logger: Logger

    /// The top-level keys of a pipeline file.
    public static let topLevelKeys = ["version", "name", "state", "sources", "stages", "sinks"]
    /// The versions of the file format this build reads.
    public static let supportedVersions = [1]

    /// Creates a loader.
    public init(
        registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "syndicate")
    ) {
        self.registry = registry
        self.environment = environment
        self.logger = logger
    }

    /// Loads the file at `file` (as the user named it). With `checkFiles`, referenced input files
    /// must exist (what `syndicate validate` checks).
    public func load(file: String, checkFiles: Bool = false) throws(ConfigErrors) -> Pipeline {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigErrors(diagnostics: [Diagnostic(file: file, line: nil, column: nil, message: "the file is not UTF-8 text")])
            }
            text = decoded
        } catch let error as ConfigErrors {
            throw error
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read" : "no such file"
            throw ConfigErrors(diagnostics: [Diagnostic(file: file, line: nil, column: nil, message: "\(reason); give the path of a pipeline file")])
        }
        return try load(text: text, file: file, url: url, checkFiles: checkFiles)
    }

    /// Loads a pipeline from its text; `file` names it in messages and `url` places it.
    public func load(text: String, file: String, url: URL, checkFiles: Bool = false) throws(ConfigErrors) -> Pipeline {
        let session = DecodingSession(
            file: file, baseDirectory: url.deletingLastPathComponent(), environment: environment, checkFiles: checkFiles)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigErrors(diagnostics: [Self.diagnostic(for: error, file: file)])
        }
        guard let root, case .mapping(let top) = root else {
            throw ConfigErrors(diagnostics: [Diagnostic(
                file: file, line: root?.mark?.line ?? 1, column: root?.mark?.column ?? 1,
                message: "a pipeline file is a mapping with version, name, sources, stages and sinks")])
        }
        var pipeline = build(top, session: session, url: url)
        pipeline?.fingerprint = PipelineFingerprint.make(text: text, variables: session.variables, environment: environment)
        let errors = session.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let pipeline else {
            throw ConfigErrors(diagnostics: session.diagnostics.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) })
        }
        return pipeline
    }

    private func value(_ key: String, in mapping: Node.Mapping) -> (key: Node, value: Node)? {
        for (k, v) in mapping where k.scalar?.string == key { return (k, v) }
        return nil
    }

    private func build(_ top: Node.Mapping, session: DecodingSession, url: URL) -> Pipeline? {
        for (keyNode, _) in top {
            guard let key = keyNode.scalar?.string, !Self.topLevelKeys.contains(key) else { continue }
            var message = "unknown key '\(key)'"
            if let near = Suggestion.closest(to: key, among: Self.topLevelKeys) {
                message += " (did you mean '\(near)'?)"
            } else {
                message += "; a pipeline file has \(Self.topLevelKeys.joined(separator: ", "))"
            }
            session.error(message, at: keyNode.mark)
        }

        if let (_, versionNode) = value("version", in: top) {
            let version = scalarText(versionNode, session)
            if let version, Int(version).map(Self.supportedVersions.contains) != true {
                session.error("unsupported version '\(version)'; this syndicate reads version 1", at: versionNode.mark)
            }
        } else {
            session.error("missing 'version: 1' at the top of the file", at: top.mark)
        }

        var name = ""
        if let (_, nameNode) = value("name", in: top), let text = scalarText(nameNode, session) {
            name = text
            let allowed = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
            if text.isEmpty || !allowed || text.hasPrefix(".") {
                session.error("name '\(text)' must be letters, digits, '-', '_' or '.', not starting with '.': it names the state and lock files", at: nameNode.mark)
            }
        } else if value("name", in: top) == nil {
            session.error("missing 'name:'; it names the pipeline's state and lock", at: top.mark)
        }

        var state: ConfigPath?
        if let (_, stateNode) = value("state", in: top) {
            state = decode(ConfigPath.self, from: stateNode, session: session, path: [AnyKey("state")])
            // A database URL is checked here, so that `validate` catches it; the message never
            // repeats the URL, which may hold a password.
            if let text = state?.text, PostgresURL.matches(text) {
                do {
                    _ = try PostgresURL(text)
                } catch {
                    session.error("state: \(error.message)", at: stateNode.mark)
                }
            }
        }

        let sources = buildSources(top, session: session, pipelineName: name)
        let stages = buildStages(top, session: session)
        let sinks = buildSinks(top, session: session, pipelineName: name)
        guard let sources, let stages, let sinks else { return nil }
        return Pipeline(
            file: session.file, fileURL: url, name: name, state: state,
            sources: sources, stages: stages, sinks: sinks)
    }

    private func scalarText(_ node: Node, _ session: DecodingSession) -> String? {
        guard case .scalar = node else {
            session.error("expected a value, found \(node.kindWords)", at: node.mark)
            return nil
        }
        return decode(String.self, from: node, session: session, path: [])
    }

    private func decode<T: Decodable>(_ type: T.Type, from node: Node, session: DecodingSession, path: [any CodingKey]) -> T? {
        let before = session.errorCount
        let value = try? NodeDecoder(node: node, session: session, codingPath: path).decodeValue(T.self)
        return session.errorCount == before ? value : nil
    }

    /// The named blocks of `sources:` or `sinks:`, each with its `type:` entry.
    private func namedBlocks(
        _ key: String, what: String, in top: Node.Mapping, session: DecodingSession
    ) -> [(name: String, keyNode: Node, block: Node.Mapping, entry: PluginRegistry.Entry)]? {
        let kind: PluginKind = key == "sources" ? .source : .sink
        guard let (keyNode, node) = value(key, in: top) else {
            session.error("missing '\(key):'; a pipeline needs at least one \(what)", at: top.mark)
            return nil
        }
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            session.error("'\(key):' must map each \(what)'s name to its settings, e.g. \(key): { acme: { type: \(registry.types(kind).first ?? "jsonl"), path: … } }", at: node.mark ?? keyNode.mark)
            return nil
        }
        var blocks: [(String, Node, Node.Mapping, PluginRegistry.Entry)] = []
        for (nameNode, spec) in mapping {
            let name = nameNode.scalar?.string ?? ""
            guard case .mapping(let block) = spec else {
                session.error("\(what) '\(name)' must be a mapping with a 'type:' and its options", at: spec.mark ?? nameNode.mark)
                continue
            }
            // A block with a bad type is reported and left out; the others are still checked.
            guard let entry = pluginEntry(kind, in: block, at: nameNode, label: "\(what) '\(name)'", session: session) else {
                continue
            }
            blocks.append((name, nameNode, block, entry))
        }
        return blocks
    }

    private func pluginEntry(
        _ kind: PluginKind, in block: Node.Mapping, at owner: Node, label: String, session: DecodingSession
    ) -> PluginRegistry.Entry? {
        let known = registry.types(kind)
        guard let (_, typeNode) = value("type", in: block) else {
            session.error("\(label) needs 'type:', one of \(known.joined(separator: ", "))", at: block.mark ?? owner.mark)
            return nil
        }
        guard let type = scalarText(typeNode, session) else { return nil }
        guard let entry = registry.entry(kind, type) else {
            var message = "unknown \(kind.rawValue) type '\(type)'"
            if let near = Suggestion.closest(to: type, among: known) {
                message += " (did you mean '\(near)'?)"
            } else {
                message += "; known \(kind.rawValue) types: \(known.joined(separator: ", "))"
            }
            session.error(message, at: typeNode.mark)
            return nil
        }
        return entry
    }

    private func buildSources(_ top: Node.Mapping, session: DecodingSession, pipelineName: String) -> [Pipeline.SourceSpec]? {
        guard let blocks = namedBlocks("sources", what: "source", in: top, session: session) else { return nil }
        var specs: [Pipeline.SourceSpec] = []
        for (name, nameNode, block, entry) in blocks {
            let before = session.errorCount
            let decoder = NodeDecoder(node: .mapping(block), session: session, codingPath: [AnyKey(name)])
            let label = "source '\(name)'"
            let settings = reporting(label, at: block.mark, session) { try SourceSettings(from: decoder) }
            var inputSettings: InputSettings?
            if entry.readsInput { inputSettings = reporting(label, at: block.mark, session) { try InputSettings(from: decoder) } }
            let options = reporting(label, at: block.mark, session) { try entry.decode(decoder) }
            session.accessed[DecodingSession.MarkKey(block.mark), default: []].insert("type")
            session.reportUnknownKeys(in: block, of: "\(entry.type) source '\(name)'")
            var input: SourceInput?
            if let inputSettings {
                input = makeInput(inputSettings, block: block, name: name, session: session)
            }
            guard session.errorCount == before, let settings, let options else { continue }
            let context = SourceContext(
                name: name, input: input, baseDirectory: session.baseDirectory,
                logger: logger.labelled("source.\(name)"))
            do {
                guard let make = entry.makeSource else { continue }
                let source = try make(options, context)
                specs.append(Pipeline.SourceSpec(name: name, type: entry.type, source: source, settings: settings, input: input))
            } catch {
                report(error, at: block.mark ?? nameNode.mark, label: "source '\(name)'", session: session)
            }
        }
        return specs
    }

    private func makeInput(_ settings: InputSettings, block: Node.Mapping, name: String, session: DecodingSession) -> SourceInput? {
        switch (settings.path, settings.url) {
        case (let path?, nil):
            return .file(path.path.url, display: path.path.text)
        case (nil, let text?):
            let urlNode = value("url", in: block)?.value
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https", "file"].contains(scheme)
            else {
                session.error("url '\(text)' is not an http, https or file URL", at: urlNode?.mark)
                return nil
            }
            return .remote(url, settings.http)
        case (nil, nil):
            session.error("source '\(name)' needs 'path:' (a file) or 'url:' (an address) to read from", at: block.mark)
            return nil
        case (_?, _?):
            session.error("source '\(name)' has both 'path:' and 'url:'; keep one", at: value("url", in: block)?.key.mark)
            return nil
        }
    }

    private func buildStages(_ top: Node.Mapping, session: DecodingSession) -> [Pipeline.StageSpec]? {
        guard let (keyNode, node) = value("stages", in: top) else { return [] }
        if case .scalar(let s) = node, s.isNull { return [] }
        guard case .sequence(let list) = node else {
            session.error("'stages:' is a list, each item '- type: …' with its options", at: node.mark ?? keyNode.mark)
            return nil
        }
        var specs: [Pipeline.StageSpec] = []
        for (index, item) in list.enumerated() {
            let label = "stage \(index + 1)"
            guard case .mapping(let block) = item else {
                session.error("\(label) must be a mapping such as '- type: normalize'", at: item.mark)
                continue
            }
            guard let entry = pluginEntry(.stage, in: block, at: item, label: label, session: session) else { continue }
            let before = session.errorCount
            let decoder = NodeDecoder(node: item, session: session, codingPath: [IndexKey(index)])
            let options = reporting(label, at: block.mark, session) { try entry.decode(decoder) }
            session.accessed[DecodingSession.MarkKey(block.mark), default: []].insert("type")
            session.reportUnknownKeys(in: block, of: "stage '\(entry.type)'")
            guard session.errorCount == before, let options, let make = entry.makeStage else { continue }
            let context = StageContext(
                label: "\(label) (\(entry.type))", baseDirectory: session.baseDirectory,
                logger: logger.labelled("stage.\(entry.type)"))
            do {
                specs.append(Pipeline.StageSpec(index: index, type: entry.type, stage: try make(options, context)))
            } catch {
                report(error, at: block.mark, label: label, session: session)
            }
        }
        return specs
    }

    private func buildSinks(_ top: Node.Mapping, session: DecodingSession, pipelineName: String) -> [Pipeline.SinkSpec]? {
        guard let blocks = namedBlocks("sinks", what: "sink", in: top, session: session) else { return nil }
        var specs: [Pipeline.SinkSpec] = []
        var targets: [String: String] = [:]
        for (name, nameNode, block, entry) in blocks {
            let before = session.errorCount
            let decoder = NodeDecoder(node: .mapping(block), session: session, codingPath: [AnyKey(name)])
            let settings = reporting("sink '\(name)'", at: block.mark, session) { try SinkSettings(from: decoder) }
            let options = reporting("sink '\(name)'", at: block.mark, session) { try entry.decode(decoder) }
            session.accessed[DecodingSession.MarkKey(block.mark), default: []].insert("type")
            session.reportUnknownKeys(in: block, of: "\(entry.type) sink '\(name)'")
            guard session.errorCount == before, let settings, let options, let make = entry.makeSink else { continue }
            if let other = targets[settings.path.url.path] {
                session.error("sinks '\(other)' and '\(name)' both write \(settings.path.text); give each its own path", at: value("path", in: block)?.value.mark)
                continue
            }
            targets[settings.path.url.path] = name
            let context = SinkContext(
                name: name, pipelineName: pipelineName, baseDirectory: session.baseDirectory,
                logger: logger.labelled("sink.\(name)"))
            do {
                specs.append(Pipeline.SinkSpec(name: name, type: entry.type, sink: try make(options, context), settings: settings))
            } catch {
                report(error, at: block.mark ?? nameNode.mark, label: "sink '\(name)'", session: session)
            }
        }
        return specs
    }

    /// Decodes with `body`; a value error thrown by the settings or options themselves (a
    /// negative limit, a link that is no URL) is reported under `label`, not dropped. Problems
    /// the decoder already recorded are not reported twice.
    private func reporting<T>(_ label: String, at mark: Mark?, _ session: DecodingSession, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ConfigValueError {
            session.error("\(label): \(error.message)", at: mark)
            return nil
        } catch {
            return nil
        }
    }

    private func report(_ error: any Error, at mark: Mark?, label: String, session: DecodingSession) {
        if let e = error as? ConfigValueError {
            session.error("\(label): \(e.message)", at: mark)
        } else {
            session.error("\(label): \(error)", at: mark)
        }
    }

    /// A YAML syntax error as a diagnostic.
    static func diagnostic(for error: any Error, file: String) -> Diagnostic {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                var message = "invalid YAML: \(problem)"
                if let context { message += " (\(context.text) at line \(context.mark.line))" }
                return Diagnostic(file: file, line: mark.line, column: mark.column, message: message)
            case .reader(let problem, _, _, _):
                return Diagnostic(file: file, line: nil, column: nil, message: "invalid YAML: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                return Diagnostic(
                    file: file, line: context.mark.line, column: context.mark.column,
                    message: "the key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appear\(duplicates.count == 1 ? "s" : "") twice in one mapping; keep one")
            default:
                return Diagnostic(file: file, line: nil, column: nil, message: "invalid YAML: \(yaml)")
            }
        }
        return Diagnostic(file: file, line: nil, column: nil, message: "invalid YAML: \(error)")
    }
}

extension Logger {
    /// A copy of the logger with a `plugin` metadata value naming the plugin.
    func labelled(_ name: String) -> Logger {
        var copy = self
        copy[metadataKey: "plugin"] = "\(name)"
        return copy
    }
}
