import Plugins
import SyndicateCLI

// Syndicate's built-in plugins, plus Acme's own.
var registry = Plugins.builtIn
registry.register(stage: RedactEmailsStage.self, origin: .distribution)
await SyndicateCLI.main(registry: registry)
