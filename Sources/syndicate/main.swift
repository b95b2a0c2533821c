import Plugins
import SyndicateCLI

// The built-in plugins only; a distribution with plugins of its own calls the same entry point
// with its registry (examples/distribution/).
await SyndicateCLI.main(registry: Plugins.builtIn)
