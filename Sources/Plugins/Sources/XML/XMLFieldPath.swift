import PipelineCore

/// A path from a record element to a value: child elements separated by `/`, optionally ending
/// in an attribute (`location/@city`, `@id`). Names match by local name, or by prefix and local
/// name when written `j:title` (the prefix as the document declares it).
///
/// ```swift
/// let path = try XMLFieldPath("location/@city")
/// path.value(in: job)
/// ```
struct XMLFieldPath: Sendable, Hashable, CustomStringConvertible {
    struct Step: Sendable, Hashable {
        let name: String
        let prefix: String?

        init(_ text: Substring) {
            if let colon = text.firstIndex(of: ":") {
                prefix = String(text[..<colon])
                name = String(text[text.index(after: colon)...])
            } else {
                prefix = nil
                name = String(text)
            }
        }

        func matches(_ name: String, _ prefix: String?) -> Bool {
            self.name == name && (self.prefix == nil || self.prefix == prefix)
        }
    }

    let elements: [Step]
    let attribute: Step?
    let description: String

    init(_ text: String) throws(ConfigValueError) {
        description = text
        var parts = text.trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "." { parts.removeFirst() }
        var attribute: Step?
        if let last = parts.last, last.hasPrefix("@") {
            attribute = Step(last.dropFirst())
            parts.removeLast()
        }
        guard !parts.contains(where: \.isEmpty), !parts.contains(where: { $0.contains("@") }) else {
            throw ConfigValueError("'\(text)' is not an element path: write child/grandchild, child/@attribute or @attribute")
        }
        guard attribute != nil || !parts.isEmpty else { throw ConfigValueError("the path is empty") }
        self.elements = parts.map { Step($0) }
        self.attribute = attribute
    }

    /// The value at the path: an attribute's value, or the element's content (its markup when it
    /// has child elements and `markup` is asked for).
    func value(in record: XMLElement, markup: Bool = false) -> String? {
        var current = record
        for step in elements {
            guard let next = current.elements.first(where: { step.matches($0.name, $0.prefix) }) else { return nil }
            current = next
        }
        if let attribute {
            return current.attributes.first { attribute.matches($0.name, $0.prefix) }?.value
        }
        return markup ? current.htmlContent : current.text
    }

    /// The first step's name, which marks that child as used.
    var firstElement: String? { elements.first?.name }
}
