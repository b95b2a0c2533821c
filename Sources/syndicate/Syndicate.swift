import ArgumentParser
import PipelineCore
import Plugins

/// The `syndicate` command.
@main
struct Syndicate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syndicate",
        abstract: "A plugin-based job syndication pipeline.",
        discussion: "Describe a pipeline in a YAML file; run it from cron with 'syndicate run FILE'.",
        version: SyndicateVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, PluginsCommand.self, StatusCommand.self, NormalizeTitleCommand.self]
    )
}

/// The release this build reports (`--version`, and later the HTTP User-Agent).
enum SyndicateVersion {
    static let current = "0.1.0"
}
