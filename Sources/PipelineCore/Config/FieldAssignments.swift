/// One record field and the value to store in it (from `defaults:` or a `set` stage).
public struct FieldAssignment: Sendable, Hashable {
    /// The field.
    public let path: FieldPath
    /// The value.
    public let value: FieldValue

    /// Creates an assignment.
    public init(path: FieldPath, value: FieldValue) {
        self.path = path
        self.value = value
    }
}

/// A mapping of record fields to literal values, checked when the file is loaded: unknown fields
/// and values the field cannot hold are errors at their line and column.
///
/// ```yaml
/// defaults: { company: Acme, location.country: CA, location.remote: true }
/// ```
public struct FieldAssignments: OptionValue, Hashable {
    /// The assignments, in file order.
    public var items: [FieldAssignment]

    /// Creates assignments.
    public init(_ items: [FieldAssignment]) {
        self.items = items
    }

    public static let optionType = "mapping of record field to value"
    public static let placeholder = FieldAssignments([])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var items: [FieldAssignment] = []
        for key in c.allKeys {
            let value = try c.decode(AssignedValue.self, forKey: key)
            if let path = value.path { items.append(FieldAssignment(path: path, value: value.value)) }
        }
        self.items = items
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for item in items {
            try c.encode(item.value.description, forKey: AnyKey(item.path.description))
        }
    }

    /// Applies every assignment to a posting.
    public func apply(to posting: inout JobPosting) {
        for item in items {
            try? item.path.set(item.value, on: &posting)
        }
    }
}

/// One value of a field mapping; reads its key from the coding path to check that the field
/// exists and can hold the value, so that errors point at the value.
private struct AssignedValue: OptionValue {
    var path: FieldPath?
    var value: FieldValue

    static let optionType = "value"
    static let placeholder = AssignedValue(path: nil, value: .null)

    init(path: FieldPath?, value: FieldValue) {
        self.path = path
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value.description)
    }

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? ""
        let kind = decoder.userInfo[configNodeKindKey] as? String
        if kind == "sequence" {
            value = .list(try [String](from: decoder))
        } else {
            let text = try decoder.singleValueContainer().decode(String.self)
            value = .string(text)
        }
        do {
            let path = try FieldPath(parsing: name)
            var probe = JobPosting()
            try path.set(value, on: &probe)
            // Store the converted value, so `remote: yes` is a boolean and `min: 90,000` a number.
            let stored = path.get(probe)
            self.path = path
            if stored != .null { value = stored }
        } catch {
            throw ConfigValueError(error.message)
        }
    }
}

/// A coding key for any string.
public struct AnyKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    /// Creates a key.
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
