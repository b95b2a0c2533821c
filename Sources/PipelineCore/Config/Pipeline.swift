import Foundation

/// A loaded pipeline file: its plugins built and ready to run.
///
/// ```swift
/// let pipeline = try PipelineLoader(registry: Plugins.builtIn).load(file: "pipelines/example.yaml")
/// ```
public struct Pipeline: Sendable {
    /// A configured source.
    public struct SourceSpec: Sendable {
        /// Its name in the file.
        public let name: String
        /// Its `type:`.
        public let type: String
        /// The plugin.
        public let source: any Source
        /// Its common options.
        public let settings: SourceSettings
        /// Where it reads from.
        public let input: SourceInput?
    }

    /// A configured stage.
    public struct StageSpec: Sendable {
        /// Its position in `stages:`, from 0.
        public let index: Int
        /// Its `type:`.
        public let type: String
        /// The plugin.
        public let stage: any Stage
    }

    /// A configured sink.
    public struct SinkSpec: Sendable {
        /// Its name in the file.
        public let name: String
        /// Its `type:`.
        public let type: String
        /// The plugin.
        public let sink: any Sink
        /// Its common options.
        public let settings: SinkSettings
    }

    /// The file as the user named it.
    public let file: String
    /// The file's absolute location.
    public let fileURL: URL
    /// The pipeline's name: it names the state and the lock.
    public let name: String
    /// `state:` as written (resolved relative to the file), if given.
    public let state: ConfigPath?
    /// Sources, in file order.
    public let sources: [SourceSpec]
    /// Stages, in order.
    public let stages: [StageSpec]
    /// Sinks, in file order.
    public let sinks: [SinkSpec]
    /// How it reads its sources, as one hash (`PipelineFingerprint`); empty when built in code.
    public var fingerprint = ""

    /// The pipeline file's directory.
    public var baseDirectory: URL { fileURL.deletingLastPathComponent() }

    /// Where the state lives when neither `--state` nor `state:` says: `.syndicate/<name>.sqlite`
    /// beside the pipeline file.
    public var defaultStateURL: URL {
        baseDirectory.appendingPathComponent(".syndicate").appendingPathComponent("\(name).sqlite")
    }
}
