/// A `sort:` option: one field or a list, each `-field` for descending.
///
/// ```yaml
/// sort: [-date_posted, title]
/// ```
public struct FeedOrder: OptionValue, Hashable {
    /// One sort key.
    public struct Key: Sendable, Hashable {
        /// The field.
        public let path: FieldPath
        /// Whether larger values come first.
        public let descending: Bool
    }

    /// The keys, most significant first.
    public let keys: [Key]

    public static let optionType = "field or list of fields, '-field' for descending"
    public static let placeholder = FeedOrder(keys: [])

    /// The order sinks use when the file gives none: newest first.
    public static let `default` = FeedOrder(keys: [Key(path: FieldPath(.datePosted), descending: true)])

    /// Creates an order.
    public init(keys: [Key]) {
        self.keys = keys
    }

    /// Parses `field` or `-field`.
    public static func parseKey(_ text: String) throws(ConfigValueError) -> Key {
        var name = text.trimmed
        var descending = false
        if name.hasPrefix("-") {
            descending = true
            name.removeFirst()
        } else if name.hasPrefix("+") {
            name.removeFirst()
        }
        do {
            return Key(path: try FieldPath(parsing: name), descending: descending)
        } catch {
            throw ConfigValueError(error.message, offset: descending ? 1 : 0)
        }
    }

    public init(from decoder: any Decoder) throws {
        if decoder.userInfo[configNodeKindKey] as? String == "sequence" {
            var keys: [Key] = []
            for text in try [String](from: decoder) {
                keys.append(try Self.parseKey(text))
            }
            self.keys = keys
        } else {
            let text = try decoder.singleValueContainer().decode(String.self)
            var keys: [Key] = []
            var offset = 0
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                do {
                    keys.append(try Self.parseKey(String(part)))
                } catch {
                    let lead = part.prefix { $0 == " " }.count
                    throw ConfigValueError(error.message, offset: offset + lead + error.offset)
                }
                offset += part.count + 1
            }
            self.keys = keys
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(keys.map { ($0.descending ? "-" : "") + $0.path.description }.joined(separator: ", "))
    }
}
