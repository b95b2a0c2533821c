/// What decides how a pipeline reads its sources, as one hash: the pipeline file's text, the
/// values of the environment variables it names, and syndicate's version.
///
/// A source's validators (an HTTP ETag, a file's size and time) are kept with the fingerprint
/// of the run that read it; a later run uses them only under the same fingerprint. Edit the
/// file (a stage's option, a source's mapping), change a variable it uses, or upgrade, and
/// every source is read in full again, even one that has not changed.
///
/// ```swift
/// PipelineFingerprint.make(text: yaml, variables: ["BOARD"], environment: ProcessInfo.processInfo.environment)
/// ```
public enum PipelineFingerprint {
    /// The fingerprint of a pipeline file's text whose values name `variables`, under `environment`.
    public static func make(
        text: String, variables: Set<String>, environment: [String: String], version: String = SyndicateVersion.current
    ) -> String {
        var hash = StableHash()
        hash.add("syndicate \(version)")
        hash.add(text)
        for name in variables.sorted() {
            hash.add(name)
            hash.add(environment[name] ?? "\u{0}unset")
        }
        return hash.hex
    }
}
