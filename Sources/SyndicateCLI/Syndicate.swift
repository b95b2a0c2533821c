import ArgumentParser
import PipelineCore
import Plugins
import Synchronization

/// The command-line tool as a library, so that a distribution of syndicate with plugins of its
/// own is a small package: it registers its plugin types and calls `main`.
///
/// ```swift
/// var registry = Plugins.builtIn
/// registry.register(stage: RedactStage.self, origin: .distribution)
/// await SyndicateCLI.main(registry: registry)
/// ```
public enum SyndicateCLI {
    /// Runs the command line with `registry`'s plugins, and exits with the command's status.
    public static func main(registry: PluginRegistry = Plugins.builtIn) async {
        CLIRegistry.set(registry)
        await Syndicate.main()
    }
}

/// The plugins this process's commands load pipelines with.
enum CLIRegistry {
    private static let registry = Mutex<PluginRegistry>(Plugins.builtIn)

    static func set(_ value: PluginRegistry) { registry.withLock { $0 = value } }

    static var current: PluginRegistry { registry.withLock { $0 } }
}

/// The `syndicate` command.
struct Syndicate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syndicate",
        abstract: "A plugin-based job syndication pipeline.",
        discussion: "Describe a pipeline in a YAML file; run it from cron with 'syndicate run FILE'.",
        version: SyndicateVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, PluginsCommand.self, StatusCommand.self, StateCommand.self, NormalizeTitleCommand.self]
    )
}
