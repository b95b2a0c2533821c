/// A path into a JSON value: `data.jobs`, `$.data.jobs[*]`, `locations[0].name`, or empty for
/// the root.
///
/// ```swift
/// let path = try JSONPath(parsing: "position.name")
/// path.lookup(value)   // the member "name" of the member "position"
/// ```
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
        /// `[*]`: every element; only meaningful at the end of a `records:` path.
        case all
    }

    /// The steps from the root.
    public let components: [Component]
    /// The path as written.
    public let text: String

    /// Parses a path. Member names are separated by dots; `[n]` indexes an array; `$`, `$.` and
    /// a trailing `[*]` are accepted and mean the root and "each element".
    public init(parsing text: String) throws(JSONPathError) {
        self.text = text
        var s = Substring(text.trimmed)
        if s.hasPrefix("$") { s = s.dropFirst() }
        if s.hasPrefix(".") { s = s.dropFirst() }
        var components: [Component] = []
        var name = ""
        var i = s.startIndex
        func flush() {
            if !name.isEmpty { components.append(.key(name)) }
            name = ""
        }
        while i < s.endIndex {
            let c = s[i]
            if c == "." {
                if name.isEmpty, components.isEmpty || { if case .key = components.last { return true }; return false }() {
                    throw JSONPathError(path: text, message: "empty member name")
                }
                flush()
                i = s.index(after: i)
            } else if c == "[" {
                flush()
                guard let close = s[i...].firstIndex(of: "]") else {
                    throw JSONPathError(path: text, message: "'[' without ']'")
                }
                let inner = s[s.index(after: i)..<close].trimmed
                if inner == "*" {
                    components.append(.all)
                } else if let n = Int(inner), n >= 0 {
                    components.append(.index(n))
                } else if inner.count >= 2, let q = inner.first, q == "'" || q == "\"", inner.last == q {
                    components.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw JSONPathError(path: text, message: "'[\(inner)]' is not an index; use [0], [1], … or [*]")
                }
                i = s.index(after: close)
            } else {
                name.append(c)
                i = s.index(after: i)
            }
        }
        flush()
        self.components = components
    }

    /// The path as written.
    public var description: String { text.isEmpty ? "$" : text }

    /// The first key, which names the top-level member the path starts from.
    public var firstKey: String? {
        if case .key(let k) = components.first { return k }
        return nil
    }

    /// The value at this path, or nil where a step finds nothing. `[*]` steps are skipped.
    public func lookup(_ root: JSONValue) -> JSONValue? {
        var current = root
        for component in components {
            switch component {
            case .key(let k):
                guard let next = current[k] else { return nil }
                current = next
            case .index(let n):
                guard case .array(let items) = current, n < items.count else { return nil }
                current = items[n]
            case .all:
                continue
            }
        }
        return current
    }

    /// Follows the path as far as it goes and describes where it stopped, for error messages:
    /// "'data' is an array, not an object" or "no member 'jobs' in 'data'".
    public func explainMiss(in root: JSONValue) -> String {
        var current = root
        var walked = "$"
        for component in components {
            switch component {
            case .key(let k):
                guard case .object = current else {
                    return "\(walked) is \(current.kindDescription), not an object with a member '\(k)'"
                }
                guard let next = current[k] else {
                    var members: [String] = []
                    if case .object(let m) = current { members = m.map(\.0) }
                    let known = members.isEmpty ? "it has no members" : "it has \(members.prefix(8).map { "'\($0)'" }.joined(separator: ", "))"
                    return "no member '\(k)' in \(walked) (\(known))"
                }
                walked += ".\(k)"
                current = next
            case .index(let n):
                guard case .array(let items) = current else {
                    return "\(walked) is \(current.kindDescription), not an array"
                }
                guard n < items.count else { return "\(walked) has \(items.count) elements, no [\(n)]" }
                walked += "[\(n)]"
                current = items[n]
            case .all:
                continue
            }
        }
        return "\(walked) is \(current.kindDescription)"
    }
}

/// A `fields:` or `records:` path that cannot be read.
public struct JSONPathError: Error, Sendable, CustomStringConvertible {
    /// The path as written.
    public let path: String
    /// What is wrong.
    public let message: String
    /// `invalid path 'x': message`.
    public var description: String { "invalid path '\(path)': \(message)" }
}
