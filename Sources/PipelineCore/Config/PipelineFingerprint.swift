/// What decides how a pipeline reads its sources, as one hash: the pipeline file's text, the
/// values of the environment variables it names, and syndicate's version.
///
/// A source's validators (an HTTP ETag, a file's size and time) are kept with the fingerprint
/// of the run that read it; a later run uses them only under the same fingerprint. Edit the
/// file (a stage's option, a source's mapping), change a variable it uses, or upgrade, and
/// every source is read in full again, even one that has not changed.
///
/// ```swift
/// PipelineFingerprint.make(text: yaml, environment: ProcessInfo.processInfo.environment)
/// ```
public enum PipelineFingerprint {
    /// The fingerprint of a pipeline file's text under `environment`.
    public static func make(text: String, environment: [String: String], version: String = SyndicateVersion.current) -> String {
        var hash = StableHash()
        hash.add("syndicate \(version)")
        hash.add(text)
        for name in variableNames(in: text).sorted() {
            hash.add(name)
            hash.add(environment[name] ?? "\u{0}unset")
        }
        return hash.hex
    }

    /// The names of the `${NAME}` and `${NAME:-default}` references in `text` (comments
    /// included: a name too many only makes the fingerprint stricter).
    static func variableNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        let bytes = Array(text.utf8)
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == UInt8(ascii: "$"), bytes[i + 1] == UInt8(ascii: "{") else {
                i += 1
                continue
            }
            var j = i + 2
            while j < bytes.count, bytes[j] == UInt8(ascii: "_") || (bytes[j] | 0x20 >= 0x61 && bytes[j] | 0x20 <= 0x7A) || (bytes[j] >= 0x30 && bytes[j] <= 0x39) {
                j += 1
            }
            if j > i + 2 { names.insert(String(decoding: bytes[(i + 2)..<j], as: UTF8.self)) }
            i = j
        }
        return names
    }
}
