/// Maps `type:` names to plugins. Built-ins register in `Plugins.builtIn`, one line each; a
/// distribution of syndicate with extra plugins registers its own the same way.
///
/// ```swift
/// var registry = PluginRegistry()
/// registry.register(source: JSONLSource.self)
/// registry.register(sink: JSONLSink.self)
/// ```
public struct PluginRegistry: Sendable {
    /// One registered plugin: what `syndicate plugins` lists, and how to build it.
    public struct Entry: Sendable {
        /// Source, stage or sink.
        public let kind: PluginKind
        /// The `type:` name.
        public let type: String
        /// One line of description.
        public let summary: String
        /// Where it comes from.
        public let origin: PluginOrigin
        /// Whether a source reads `path:`/`url:`.
        public let readsInput: Bool
        /// Its options.
        public let schema: @Sendable () -> OptionSchema
        let decode: @Sendable (any Decoder) throws -> any Sendable
        let makeSource: (@Sendable (any Sendable, SourceContext) throws -> any Source)?
        let makeStage: (@Sendable (any Sendable, StageContext) throws -> any Stage)?
        let makeSink: (@Sendable (any Sendable, SinkContext) throws -> any Sink)?
    }

    private(set) var entries: [PluginKind: [String: Entry]] = [:]

    /// An empty registry.
    public init() {}

    /// Registers a source type under its `type` name.
    public mutating func register<S: Source>(source: S.Type, origin: PluginOrigin = .builtIn) {
        add(Entry(
            kind: .source, type: S.type, summary: S.summary, origin: origin, readsInput: S.readsInput,
            schema: { OptionSchema.of(S.Options.self) },
            decode: { try S.Options(from: $0) },
            makeSource: { options, context in
                guard let options = options as? S.Options else { throw SourceError("internal: options of \(S.type)") }
                return try S(options: options, context: context)
            },
            makeStage: nil, makeSink: nil))
    }

    /// Registers a stage type under its `type` name.
    public mutating func register<S: Stage>(stage: S.Type, origin: PluginOrigin = .builtIn) {
        add(Entry(
            kind: .stage, type: S.type, summary: S.summary, origin: origin, readsInput: false,
            schema: { OptionSchema.of(S.Options.self) },
            decode: { try S.Options(from: $0) },
            makeSource: nil,
            makeStage: { options, context in
                guard let options = options as? S.Options else { throw SourceError("internal: options of \(S.type)") }
                return try S(options: options, context: context)
            },
            makeSink: nil))
    }

    /// Registers a sink type under its `type` name.
    public mutating func register<S: Sink>(sink: S.Type, origin: PluginOrigin = .builtIn) {
        add(Entry(
            kind: .sink, type: S.type, summary: S.summary, origin: origin, readsInput: false,
            schema: { OptionSchema.of(S.Options.self) },
            decode: { try S.Options(from: $0) },
            makeSource: nil, makeStage: nil,
            makeSink: { options, context in
                guard let options = options as? S.Options else { throw SourceError("internal: options of \(S.type)") }
                return try S(options: options, context: context)
            }))
    }

    private mutating func add(_ entry: Entry) {
        entries[entry.kind, default: [:]][entry.type] = entry
    }

    /// The plugin of a kind and type name.
    public func entry(_ kind: PluginKind, _ type: String) -> Entry? {
        entries[kind]?[type]
    }

    /// The type names of a kind, sorted.
    public func types(_ kind: PluginKind) -> [String] {
        (entries[kind] ?? [:]).keys.sorted()
    }

    /// Every plugin, by kind and then name.
    public var all: [Entry] {
        PluginKind.allCases.flatMap { kind in types(kind).compactMap { entries[kind]?[$0] } }
    }
}
