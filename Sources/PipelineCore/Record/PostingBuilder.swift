/// Builds a posting field by field from what a source read, routing each problem where the
/// specification sends it: a value a field cannot hold rejects the posting, an unreadable URL or
/// date drops only that field with a warning.
///
/// ```swift
/// var b = PostingBuilder()
/// b.set(.title, "Backend Developer")
/// b.set(.datePosted, "Thu, 01 Jan 2004 19:48:21 GMT")
/// b.extra("department", "Platform")
/// if let reason = b.rejection { … } else { emit(b.posting) }
/// ```
public struct PostingBuilder: Sendable {
    /// The posting so far.
    public var posting = JobPosting()
    /// Fields dropped with a warning.
    public var warnings: [String] = []
    /// Why the posting must be rejected; set by the first such problem.
    public var rejection: String?

    /// An empty builder.
    public init() {}

    /// Stores a value in a field; empty text stores nothing.
    public mutating func set(_ path: FieldPath, _ value: FieldValue) {
        guard rejection == nil else { return }
        if case .string(let s) = value, s.isEmpty { return }
        do {
            try path.set(value, on: &posting)
        } catch {
            switch error.severity {
            case .dropField: warnings.append(error.description)
            case .reject: rejection = error.description
            }
        }
    }

    /// Stores text in a field, trimmed; nil or blank stores nothing.
    public mutating func set(_ field: FieldPath.Field, _ text: String?) {
        guard let text = text?.trimmed, !text.isEmpty else { return }
        set(FieldPath(field), .string(text))
    }

    /// Stores text in a field only if the field is still empty.
    public mutating func fill(_ field: FieldPath.Field, _ text: String?) {
        guard FieldPath(field).get(posting) == .null else { return }
        set(field, text)
    }

    /// Keeps a source field that maps to nothing in `extra`; repeated keys are joined with "; ".
    public mutating func extra(_ key: String, _ text: String?) {
        guard let text = text?.trimmed, !text.isEmpty else { return }
        // Taken out of the posting while it changes, so that the dictionary is not copied.
        var extra = posting.extra.take() ?? [:]
        if let existing = extra[key], existing != text {
            extra[key] = existing + "; " + text
        } else {
            extra[key] = text
        }
        posting.extra = extra
    }

    /// Rejects the posting (the first reason wins).
    public mutating func reject(_ reason: String) {
        if rejection == nil { rejection = reason }
    }
}
