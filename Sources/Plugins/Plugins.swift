import PipelineCore

/// The built-in plugins. Adding one is adding its folder under `Sources/Plugins/<Kind>/` and one
/// line here.
///
/// ```swift
/// let loader = PipelineLoader(registry: Plugins.builtIn)
/// ```
public enum Plugins {
    /// Every built-in source, stage and sink.
    public static let builtIn: PluginRegistry = {
        var r = PluginRegistry()
        // Sources
        r.register(source: JSONLSource.self)
        r.register(source: JSONSource.self)
        r.register(source: RSSSource.self)
        r.register(source: AtomSource.self)
        r.register(source: FeedSource.self)
        r.register(source: IndeedSource.self)
        r.register(source: XMLSource.self)
        r.register(source: JSONFeedSource.self)
        r.register(source: JSONLDSource.self)
        r.register(source: ExecSource.self, origin: .exec)
        // Stages
        r.register(stage: NormalizeStage.self)
        r.register(stage: EnrichStage.self)
        r.register(stage: DedupeStage.self)
        r.register(stage: FilterStage.self)
        r.register(stage: SetStage.self)
        r.register(stage: ExecStage.self, origin: .exec)
        // Sinks
        r.register(sink: JSONLSink.self)
        r.register(sink: JSONSink.self)
        r.register(sink: CSVSink.self)
        r.register(sink: IndeedXMLSink.self)
        r.register(sink: JSONLDSink.self)
        r.register(sink: RSSSink.self)
        r.register(sink: AtomSink.self)
        r.register(sink: JSONFeedSink.self)
        r.register(sink: ExecSink.self, origin: .exec)
        return r
    }()
}
