/// Turns one JSON object into a posting: either the record's own JSON form (what the `jsonl` sink
/// writes, so pipelines chain) or a `fields:` mapping from record fields to paths in the object.
///
/// ```swift
/// let mapping = try RecordMapping(fields: [("title", ["position.name", "job_title"])])
/// let result = mapping.map(object)
/// ```
public struct RecordMapping: Sendable {
    /// Where one record field comes from.
    public struct Entry: Sendable {
        /// A record field (`title`, `location.city`) or a whole object (`location`, `salary`).
        public let target: String
        /// Paths tried in order; the first that gives a non-empty value wins.
        public let sources: [JSONPath]
    }

    /// The entries, or nil for the record's JSON form.
    public let entries: [Entry]?

    /// The record's own JSON form.
    public static let recordForm = RecordMapping(entries: nil)

    private init(entries: [Entry]?) {
        self.entries = entries
    }

    /// Checks that a mapping target names a record field or a whole object (`location`), with a
    /// suggestion when it does not.
    public static func validateTarget(_ target: String) throws(RecordMappingError) {
        if FieldPath(target) == nil, !FieldPath.compositeNames.contains(target) {
            var message = "unknown record field '\(target)'"
            if let near = FieldPath.suggestion(for: target) ?? Suggestion.closest(to: target, among: FieldPath.compositeNames) {
                message += " (did you mean '\(near)'?)"
            }
            throw RecordMappingError(key: target, message: message)
        }
    }

    /// A `fields:` mapping; throws for an unknown record field or an unreadable path.
    public init(fields: [(target: String, sources: [String])]) throws(RecordMappingError) {
        var entries: [Entry] = []
        for (target, sources) in fields {
            try Self.validateTarget(target)
            var paths: [JSONPath] = []
            for source in sources {
                do {
                    paths.append(try JSONPath(parsing: source))
                } catch {
                    throw RecordMappingError(key: target, message: error.description)
                }
            }
            entries.append(Entry(target: target, sources: paths))
        }
        self.entries = entries
    }

    /// What mapping one object gave: the posting, its warnings, or why it is rejected.
    public typealias Result = PostingBuilder

    /// Maps one JSON value; a value that is not an object is rejected.
    public func map(_ value: JSONValue) -> Result {
        var result = Result()
        guard case .object(let members) = value else {
            result.reject("expected a JSON object for a posting, found \(value.kindDescription)")
            return result
        }
        if let entries {
            var used = Set<String>()
            for entry in entries {
                for path in entry.sources {
                    if let first = path.firstKey { used.insert(first) }
                }
                guard let found = entry.sources.lazy.compactMap({ $0.lookup(value) }).first(where: { !Self.isEmpty($0) })
                else { continue }
                assign(found, to: entry.target, in: &result)
                if result.rejection != nil { return result }
            }
            for (key, member) in members where !used.contains(key) {
                keepExtra(key, member, in: &result)
            }
        } else {
            for (key, member) in members {
                if key == "extra", case .object(let extras) = member {
                    for (k, v) in extras { keepExtra(k, v, in: &result) }
                } else if key == "duplicates" {
                    readDuplicates(member, in: &result)
                } else if FieldPath(key) != nil || FieldPath.compositeNames.contains(key) {
                    assign(member, to: key, in: &result)
                } else {
                    keepExtra(key, member, in: &result)
                }
                if result.rejection != nil { return result }
            }
        }
        return result
    }

    private static func isEmpty(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    private func assign(_ value: JSONValue, to target: String, in result: inout Result) {
        if FieldPath.compositeNames.contains(target) {
            switch value {
            case .object(let members):
                for (k, v) in members {
                    if let path = FieldPath("\(target).\(k)") {
                        store(v, at: path, in: &result)
                    } else {
                        keepExtra("\(target).\(k)", v, in: &result)
                    }
                }
            case .null:
                return
            default:
                // A plain string for a place or a salary is its text, parsed later by normalize.
                if let path = FieldPath("\(target).text"), value.scalarText != nil {
                    store(value, at: path, in: &result)
                } else {
                    result.reject("\(target): expected an object or text, found \(value.kindDescription)")
                }
            }
        } else if let path = FieldPath(target) {
            store(value, at: path, in: &result)
        }
    }

    private func store(_ value: JSONValue, at path: FieldPath, in result: inout Result) {
        let fieldValue: FieldValue
        switch value {
        case .null: return
        case .bool(let b): fieldValue = .bool(b)
        case .number(let n):
            guard let d = Double(n) else {
                result.reject("\(path): the number \(n) cannot be read")
                return
            }
            // Ids and codes keep the exact digits written; numeric fields take the value.
            fieldValue = Self.numericFields.contains(path.field) ? .number(d) : .string(n)
        case .string(let s): fieldValue = .string(s)
        case .array(let items):
            let texts = items.compactMap(\.scalarText)
            guard texts.count == items.count else {
                result.reject("\(path): expected a list of text, found an array of \(items.first(where: { $0.scalarText == nil })?.kindDescription ?? "values")")
                return
            }
            fieldValue = path.field == .skills ? .list(texts) : .string(texts.joined(separator: ", "))
        case .object:
            result.reject("\(path): expected \(path.field == .skills ? "a list" : "a value"), found an object")
            return
        }
        result.set(path, fieldValue)
    }

    private static let numericFields: Set<FieldPath.Field> = [
        .salaryMin, .salaryMax, .bandMin, .bandMax, .locationRemote, .datePosted, .validThrough,
    ]

    private func readDuplicates(_ value: JSONValue, in result: inout Result) {
        guard case .array(let items) = value else {
            if case .null = value { return }
            result.reject("duplicates: expected an array, found \(value.kindDescription)")
            return
        }
        var refs: [DuplicateReference] = []
        for item in items {
            refs.append(DuplicateReference(
                source: item["source"]?.scalarText, sourceID: item["source_id"]?.scalarText,
                url: item["url"]?.scalarText))
        }
        result.posting.duplicates = refs.isEmpty ? nil : refs
    }

    private func keepExtra(_ key: String, _ value: JSONValue, in result: inout Result) {
        switch value {
        case .null: return
        case .string(let s): result.extra(key, s)
        case .number, .bool: result.extra(key, value.scalarText)
        case .array, .object: result.extra(key, value.jsonText)
        }
    }
}

/// A `fields:` mapping that names an unknown field or an unreadable path.
public struct RecordMappingError: Error, Sendable, CustomStringConvertible {
    /// The mapping's key (the record field).
    public let key: String
    /// What is wrong.
    public let message: String
    /// The message.
    public var description: String { message }
}
