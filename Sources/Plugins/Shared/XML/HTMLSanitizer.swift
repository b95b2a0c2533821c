import CLibXML2
import PipelineCore

/// Rebuilds an HTML description through an allow-list, with libxml2's HTML parser (forgiving of
/// unclosed tags, no network): `p`, `br`, `ul`, `ol`, `li`, `strong`, `b`, `em`, `i`, `h2`–`h4`,
/// and `a` with an http, https or mailto `href` only. Scripts and styles go with their content;
/// other tags are unwrapped; no attribute but `href` survives, so no event handler does. It also
/// derives the plain text, with a line break after each block.
///
/// This file holds the HTML parser's pointers, as `XMLStreamParser` holds the XML reader's.
///
/// ```swift
/// let (html, text) = HTMLSanitizer.sanitize("<p onclick=x>Hi<script>bad()</script></p>")
/// // html: "<p>Hi</p>", text: "Hi"
/// ```
enum HTMLSanitizer {
    static let allowed: Set<String> = ["p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "h2", "h3", "h4", "a"]
    static let dropped: Set<String> = ["script", "style", "noscript", "iframe", "object", "embed", "template", "head", "title", "svg", "math", "form", "textarea", "select", "button"]
    static let blocks: Set<String> = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr", "ul", "ol", "table", "section", "article", "blockquote"]

    /// The sanitized HTML and its plain text.
    static func sanitize(_ html: String) -> (html: String, text: String) {
        guard !html.isEmpty else { return ("", "") }
        if let plain = PlainHTML.sanitize(html) { return (plain.html, tidy(bytes: plain.text)) }
        return parsed(html)
    }

    /// What libxml2's HTML parser makes of it.
    static func parsed(_ html: String) -> (html: String, text: String) {
        guard !html.isEmpty else { return ("", "") }
        let bytes = Array(html.utf8)
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_RECOVER.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return (XMLElement.escape(html, quotes: false), html) }
        defer { xmlFreeDoc(document) }
        var out = ""
        var text = ""
        var node = xmlDocGetRootElement(document)
        while let current = node {
            walk(current, into: &out, text: &text)
            node = current.pointee.next
        }
        return (out, tidy(text))
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    private static func walk(_ node: xmlNodePtr, into out: inout String, text: inout String) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content {
                let value = String(cString: content)
                out += XMLElement.escape(value, quotes: false)
                text += value
            }
        case XML_ELEMENT_NODE:
            let tag = name(node)
            if dropped.contains(tag) { return }
            let keep = allowed.contains(tag)
            var opened = false
            if keep {
                if tag == "a" {
                    if let href = attribute(node, "href"), safe(href) {
                        out += "<a href=\"\(XMLElement.escape(href, quotes: true))\">"
                        opened = true
                    }
                } else if tag == "br" {
                    out += "<br>"
                    text += "\n"
                } else {
                    out += "<\(tag)>"
                    opened = true
                }
            }
            if tag == "li" { text += "\n- " } else if blocks.contains(tag) { text += "\n" }
            var child = node.pointee.children
            while let current = child {
                walk(current, into: &out, text: &text)
                child = current.pointee.next
            }
            if opened { out += "</\(tag)>" }
            if blocks.contains(tag), tag != "li" { text += "\n" }
        default:
            break
        }
    }

    private static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, String(cString: name).lowercased() == wanted {
                var value = ""
                var child = current.pointee.children
                while let text = child {
                    if let content = text.pointee.content { value += String(cString: content) }
                    child = text.pointee.next
                }
                return value
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// Only http, https and mailto links survive; `javascript:` and the rest do not.
    static func safe(_ href: String) -> Bool {
        let lower = href.trimmed.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:")
    }

    /// Collapses white space inside lines (spaces, tabs, carriage returns, no-break spaces) and
    /// keeps at most one empty line between blocks; a line holding only "-" counts as empty.
    /// On bytes: every description of a run goes through it, and splitting Characters cost
    /// more than parsing the HTML.
    static func tidy(_ text: String) -> String {
        tidy(bytes: Array(text.utf8))
    }

    /// `tidy` over UTF-8 bytes. Written into the result's storage directly: the output is never
    /// longer than the input (each line break written stands for one read, white space only
    /// shrinks), and appending byte by byte was most of the sanitizer's time.
    static func tidy(bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { input in
            String(unsafeUninitializedCapacity: max(1, input.count)) { output in
                var writer = TidyWriter(output: output)
                var i = 0
                while i < input.count {
                    // The run up to the next white space or control byte (or a 0xC2 that may
                    // begin a no-break space) is copied whole: most of a text is words.
                    let stop = ByteScan.first(in: input, from: i, equalTo: 0xC2, or: 0xC2, orBelow: 0x21)
                    if stop > i {
                        writer.append(UnsafeBufferPointer(rebasing: input[i..<stop]))
                        i = stop
                        continue
                    }
                    let byte = input[i]
                    switch byte {
                    case 0x0A: writer.endLine()
                    case 0x20, 0x09, 0x0D: writer.space()
                    case 0xC2 where i + 1 < input.count && input[i + 1] == 0xA0:
                        writer.space()
                        i += 1
                    default: writer.append(UnsafeBufferPointer(rebasing: input[i..<(i + 1)]))
                    }
                    i += 1
                }
                writer.endLine()
                return writer.count
            }
        }
    }
}

/// The output side of `HTMLSanitizer.tidy`: a line is written as it is read and taken back
/// when it ends empty (or as a lone "-").
private struct TidyWriter {
    let output: UnsafeMutableBufferPointer<UInt8>
    /// Bytes written.
    var count = 0
    /// Where the current line began, before its separator.
    private var lineMark = 0
    /// Where its content began; nil until it has some.
    private var contentStart: Int?
    private var spacePending = false
    private var blankPending = false

    init(output: UnsafeMutableBufferPointer<UInt8>) {
        self.output = output
    }

    mutating func space() {
        spacePending = contentStart != nil
    }

    /// Appends bytes that are neither white space nor a line break.
    mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        if contentStart == nil {
            if count > 0 {
                put(0x0A)
                if blankPending { put(0x0A) }
            }
            contentStart = count
        } else if spacePending {
            put(0x20)
        }
        spacePending = false
        guard let source = run.baseAddress, let target = output.baseAddress else { return }
        (target + count).update(from: source, count: run.count)
        count += run.count
    }

    mutating func endLine() {
        if let start = contentStart, !(count - start == 1 && output[start] == UInt8(ascii: "-")) {
            blankPending = false
        } else {
            count = lineMark
            if count > 0 { blankPending = true }
        }
        contentStart = nil
        spacePending = false
        lineMark = count
    }

    private mutating func put(_ byte: UInt8) {
        output[count] = byte
        count += 1
    }
}
