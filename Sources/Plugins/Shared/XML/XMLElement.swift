/// One element of a record's subtree, as the streaming parser captured it.
///
/// ```swift
/// item.first("title")?.text          // the title's text
/// item.first("link", namespace: atomNS)?.attribute("href")
/// ```
public final class XMLElement {
    /// A child: an element or a run of text.
    public enum Node {
        case element(XMLElement)
        case text(String)
    }

    /// One attribute.
    public struct Attribute {
        public let name: String
        public let prefix: String?
        public let namespace: String?
        public let value: String
    }

    /// The local name.
    public let name: String
    /// The prefix as written in the document.
    public let prefix: String?
    /// The namespace URI.
    public let namespace: String?
    /// Attributes (namespace declarations excluded).
    public let attributes: [Attribute]
    /// Children in document order.
    public var children: [Node] {
        if let leafText { return [.text(leafText)] }
        return nodes
    }
    /// The children, but for the commonest element of all: one text and nothing else (a title,
    /// a link, a date), kept in `leafText` without an array of its own.
    private var nodes: [Node] = []
    private var leafText: String?
    /// The line the element starts on.
    public let line: Int

    init(name: String, prefix: String?, namespace: String?, attributes: [Attribute], line: Int) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.attributes = attributes
        self.line = line
    }

    /// Appends a child (the parser builds the tree with it).
    func append(_ node: Node) {
        if case .text(let text) = node, leafText == nil, nodes.isEmpty {
            leafText = text
            return
        }
        if let leafText {
            nodes.append(.text(leafText))
            self.leafText = nil
        }
        nodes.append(node)
    }

    /// Child elements.
    public var elements: [XMLElement] {
        nodes.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Whether any child is an element (without collecting them).
    public var hasElements: Bool {
        nodes.contains { if case .element = $0 { true } else { false } }
    }

    /// The first child element with this local name (and namespace, when given).
    public func first(_ name: String, namespace: String? = nil) -> XMLElement? {
        for case .element(let e) in nodes where e.name == name && (namespace == nil || e.namespace == namespace) {
            return e
        }
        return nil
    }

    /// Every child element with this local name (and namespace, when given).
    public func all(_ name: String, namespace: String? = nil) -> [XMLElement] {
        elements.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// An attribute's value by local name (and namespace, when given).
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }?.value
    }

    /// The text of the element and all its descendants.
    public var text: String {
        if let leafText { return leafText }
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        if let leafText {
            out += leafText
            return
        }
        for child in nodes {
            switch child {
            case .text(let t): out += t
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// The children serialized as XML (for XHTML content), prefixes dropped for the XHTML
    /// namespace so that the result reads as HTML.
    public var innerXML: String {
        var out = ""
        for child in children { Self.serialize(child, into: &out) }
        return out
    }

    private static func serialize(_ node: Node, into out: inout String) {
        switch node {
        case .text(let t):
            out += escape(t, quotes: false)
        case .element(let e):
            let name = (e.prefix != nil && e.namespace != xhtmlNamespace) ? "\(e.prefix!):\(e.name)" : e.name
            out += "<" + name
            for a in e.attributes {
                let attributeName = a.prefix.map { "\($0):\(a.name)" } ?? a.name
                out += " \(attributeName)=\"\(escape(a.value, quotes: true))\""
            }
            if e.nodes.isEmpty, e.leafText == nil {
                out += " />"
            } else {
                out += ">"
                for child in e.children { serialize(child, into: &out) }
                out += "</\(name)>"
            }
        }
    }

    static func escape(_ text: String, quotes: Bool) -> String {
        // Bytes: the characters escaped are ASCII, and most text has none of them.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && $0 == 0x22) }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22 where quotes: out.append(contentsOf: "&quot;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The XHTML namespace.
    public static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
}

let xhtmlNamespace = XMLElement.xhtmlNamespace
