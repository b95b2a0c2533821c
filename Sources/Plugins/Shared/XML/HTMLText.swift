import CLibXML2

/// Plain text from a fragment of HTML, for fields that hold text (an Atom title of type `html`):
/// tags dropped, character and entity references decoded with libxml2's HTML entity table.
///
/// ```swift
/// HTMLText.plain("Back-End &lt;b&gt;Dev&lt;/b&gt; &amp; Ops")   // after XML decoding: "Back-End Dev & Ops"
/// ```
enum HTMLText {
    static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var out = ""
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                i = html.index(after: close)
                continue
            }
            if c == "&", let semicolon = html[i...].prefix(34).firstIndex(of: ";") {
                let name = String(html[html.index(after: i)..<semicolon])
                if let decoded = decode(name) {
                    out += decoded
                    i = html.index(after: semicolon)
                    continue
                }
            }
            out.append(c)
            i = html.index(after: i)
        }
        return out
    }

    /// Decodes character and entity references, keeping the markup: HTML that an API escaped
    /// once more (`&lt;p&gt;Hi&lt;/p&gt;` becomes `<p>Hi</p>`).
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "&", let semicolon = text[i...].prefix(34).firstIndex(of: ";"),
                let decoded = decode(String(text[text.index(after: i)..<semicolon]))
            {
                out += decoded
                i = text.index(after: semicolon)
                continue
            }
            out.append(text[i])
            i = text.index(after: i)
        }
        return out
    }

    static func decode(_ name: String) -> String? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let code = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return code.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        guard let entity = name.withCString({ htmlEntityLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }),
            let scalar = Unicode.Scalar(entity.pointee.value)
        else { return nil }
        return String(Character(scalar))
    }
}
