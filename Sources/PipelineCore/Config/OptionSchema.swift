import Foundation

/// The options a plugin takes, read from its options type: what `syndicate plugins` prints.
///
/// ```swift
/// let schema = OptionSchema.of(JSONLSink.Options.self)
/// schema.options.map(\.name)   // ["pretty"]
/// ```
public struct OptionSchema: Sendable, Codable, Hashable {
    /// One option.
    public struct Option: Sendable, Codable, Hashable {
        /// The key in the pipeline file.
        public var name: String
        /// The value's type, in words.
        public var type: String
        /// Whether the file must give it.
        public var required: Bool
        /// The default, as JSON text, where there is one.
        public var `default`: String?
        /// What it does.
        public var help: String?
    }

    /// The options, in the order the type reads them.
    public var options: [Option]

    /// Reads the schema of an options type: the keys it reads and their types, and the defaults
    /// it takes when the file gives nothing (from encoding a value decoded from no document).
    public static func of<O: PluginOptions>(_ type: O.Type) -> OptionSchema {
        let recorder = SchemaRecorder()
        let probed = try? O(from: ProbeDecoder(recorder: recorder, codingPath: []))
        var defaults: [String: String] = [:]
        if let probed {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(probed),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                for (key, value) in object {
                    if let text = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) {
                        defaults[key] = String(decoding: text, as: UTF8.self)
                    }
                }
            }
        }
        let help = O.optionHelp
        return OptionSchema(options: recorder.entries.map { entry in
            var option = entry
            if !entry.required { option.default = defaults[entry.name] }
            option.help = help[entry.name]
            return option
        })
    }
}
