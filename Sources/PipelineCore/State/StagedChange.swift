/// What staging found of a posting in the active set, as both stores' staging tables record it.
/// Applying a run writes only what is new or changed; an unchanged posting costs the lookup.
enum StagedChange: Int16 {
    /// No posting has the id.
    case new = 0
    /// The same content, active and listed last time: nothing to write.
    case unchanged = 1
    /// The content changed.
    case changed = 2
    /// The same content, but expired or missing from the last runs: it comes back.
    case returning = 3
}
