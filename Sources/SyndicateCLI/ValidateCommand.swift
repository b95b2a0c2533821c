import ArgumentParser
import PipelineCore
import Plugins

/// `syndicate validate FILE...`: checks pipeline files without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files: syntax, plugin names, options, referenced files. Runs nothing.",
        discussion: "Exit codes: 0 every file is valid; 78 a file has errors (printed as FILE:LINE:COL: error: …)."
    )

    @Argument(help: "Pipeline files.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
        output.bootstrapLogging()
        let loader = PipelineLoader(registry: CLIRegistry.current)
        var invalid = false
        for file in files {
            do {
                let p = try loader.load(file: file, checkFiles: true)
                if !output.quiet {
                    print("\(file): ok (\(p.sources.count) source\(p.sources.count == 1 ? "" : "s"), \(p.stages.count) stage\(p.stages.count == 1 ? "" : "s"), \(p.sinks.count) sink\(p.sinks.count == 1 ? "" : "s"))")
                }
            } catch {
                invalid = true
                for d in error.diagnostics { printError(d.description) }
            }
        }
        if invalid { throw ExitCode(ExitStatus.invalidConfig) }
    }
}
