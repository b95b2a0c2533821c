import ArgumentParser
import Foundation
import PipelineCore
import Plugins

/// `syndicate plugins [--json]`: lists every plugin with its options.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List every plugin: kind, type name, options with types and defaults."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// One plugin as printed.
    struct Listing: Codable {
        var kind: String
        var type: String
        var summary: String
        var origin: String
        var options: [OptionSchema.Option]
        var commonOptions: [OptionSchema.Option]

        enum CodingKeys: String, CodingKey {
            case kind, type, summary, origin, options
            case commonOptions = "common_options"
        }
    }

    func run() throws {
        let sourceCommon = OptionSchema.of(SourceSettings.self).options
        let inputCommon = OptionSchema.of(InputSettings.self).options
        let sinkCommon = OptionSchema.of(SinkSettings.self).options
        let listings = CLIRegistry.current.all.map { entry -> Listing in
            let common: [OptionSchema.Option]
            switch entry.kind {
            case .source: common = (entry.readsInput ? inputCommon : []) + sourceCommon
            case .stage: common = []
            case .sink: common = sinkCommon
            }
            return Listing(
                kind: entry.kind.rawValue, type: entry.type, summary: entry.summary, origin: entry.origin.rawValue,
                options: entry.schema().options, commonOptions: common)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(listings), as: UTF8.self))
            return
        }
        for kind in PluginKind.allCases {
            print("\(kind.rawValue)s:")
            for listing in listings where listing.kind == kind.rawValue {
                print("  \(listing.type)  (\(listing.origin))  \(listing.summary)")
                for option in listing.options { print("      " + Self.line(option)) }
            }
            switch kind {
            case .source:
                print("  every source also takes:")
                for option in inputCommon + sourceCommon { print("      " + Self.line(option)) }
            case .sink:
                print("  every sink also takes:")
                for option in sinkCommon { print("      " + Self.line(option)) }
            case .stage:
                break
            }
            print("")
        }
    }

    static func line(_ option: OptionSchema.Option) -> String {
        var text = "\(option.name): \(option.type)"
        if option.required { text += ", required" }
        if let d = option.default { text += ", default \(d)" }
        if let help = option.help { text += " — \(help)" }
        return text
    }
}
