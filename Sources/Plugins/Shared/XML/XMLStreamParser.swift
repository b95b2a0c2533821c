import CLibXML2
import Foundation

/// A streaming XML reader over libxml2's SAX2 push parser: fed a document chunk by chunk as its
/// bytes arrive, it hands back each record (the subtree of an element that `isRecord` selects) as
/// soon as the record's closing tag is read. Nothing else of the document is kept.
///
/// Every unsafe pointer of the XML sources lives in this file.
///
/// Safe by construction: no network (`XML_PARSE_NONET`), no DTD loading and no external
/// entities (neither `XML_PARSE_DTDLOAD` nor `XML_PARSE_NOENT` is set, so an external entity's
/// content never reaches a record), libxml2's own entity-amplification check (a billion-laughs
/// document fails at once), and the limits of `XMLLimits`. HTML entities that feeds use without
/// declaring them (`&eacute;`, `&nbsp;`) resolve to their characters.
///
/// ```swift
/// let parser = XMLStreamParser(display: "feeds/a.xml", limits: XMLLimits()) { path in path.last?.name == "item" }
/// while let chunk = try await stream.next() {
///     try parser.feed(chunk)
///     for record in parser.takeRecords() { … }
/// }
/// try parser.finish()
/// ```
public final class XMLStreamParser {
    /// An element on the path from the root, as `isRecord` sees it.
    public struct PathElement {
        public let name: String
        public let prefix: String?
        public let namespace: String?
    }

    /// A completed record, with the `xml:base` in effect where it starts.
    public struct Record {
        public let element: XMLElement
        public let base: String?
    }

    private let display: String
    private let limits: XMLLimits
    private let isRecord: ([PathElement]) -> Bool
    private var context: xmlParserCtxtPtr?
    private var entityHolder: xmlDocPtr?
    private var entityCache: [String: xmlEntityPtr] = [:]

    private var path: [PathElement] = []
    private var bases: [String?] = []
    private var open: [XMLElement] = []
    private var recordDepth: Int?
    private var recordBytes = 0
    private var pendingText: [UInt8] = []
    private var records: [Record] = []
    private var failure: XMLParseError?
    private var warnings: [String] = []

    /// The root element, once it has been read.
    public private(set) var root: PathElement?

    /// Creates a parser; `isRecord` is asked at each element (outside a record) with the path
    /// from the root to it.
    public init(display: String, limits: XMLLimits, isRecord: @escaping ([PathElement]) -> Bool) {
        self.display = display
        self.limits = limits
        self.isRecord = isRecord
    }

    deinit {
        if let context {
            if let doc = context.pointee.myDoc { xmlFreeDoc(doc) }
            xmlFreeParserCtxt(context)
        }
        if let entityHolder { xmlFreeDoc(entityHolder) }
    }

    /// Records completed since the last call.
    public func takeRecords() -> [Record] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }

    /// Non-fatal problems seen so far (namespace errors and the like).
    public func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    /// Parses the next chunk of the document.
    public func feed(_ bytes: [UInt8]) throws(XMLParseError) {
        guard !bytes.isEmpty else { return }
        if context == nil {
            try start(with: bytes)
        } else {
            _ = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlParseChunk(context, $0, Int32(buffer.count), 0)
                }
            }
        }
        if let failure { throw failure }
    }

    /// Ends the document; throws if it ended early or was never started.
    public func finish() throws(XMLParseError) {
        if context == nil {
            throw XMLParseError(display: display, line: 1, column: 1, message: "the document is empty")
        }
        let endLine = line, endColumn = column
        let unclosed = path.last?.name
        xmlParseChunk(context, nil, 0, 1)
        // libxml2's push parser words a document cut short as "extra content at the end"; say
        // what happened, at the place the document stops.
        if let unclosed, failure == nil || failure?.line ?? 0 >= endLine {
            failure = XMLParseError(
                display: display, line: endLine, column: max(1, endColumn),
                message: "unexpected end of document (<\(unclosed)> is not closed)")
        }
        if let failure { throw failure }
    }

    private func start(with bytes: [UInt8]) throws(XMLParseError) {
        var sax = xmlSAXHandler()
        xmlSAXVersion(&sax, 2)
        sax.startElementNs = { ctx, localname, prefix, uri, _, _, attributeCount, _, attributes in
            XMLStreamParser.from(ctx)?.startElement(localname, prefix, uri, Int(attributeCount), attributes)
        }
        sax.endElementNs = { ctx, _, _, _ in
            XMLStreamParser.from(ctx)?.endElement()
        }
        sax.characters = { ctx, bytes, length in
            XMLStreamParser.from(ctx)?.characters(bytes, Int(length))
        }
        sax.cdataBlock = sax.characters
        sax.ignorableWhitespace = sax.characters
        sax.getEntity = { ctx, name in
            XMLStreamParser.entity(ctx, name)
        }
        sax.serror = { data, error in
            XMLStreamParser.from(data)?.structuredError(error)
        }
        sax.reference = nil
        sax.comment = nil
        sax.processingInstruction = nil
        sax.warning = nil
        sax.error = nil
        sax.fatalError = nil
        // The first bytes go in at creation so that libxml2 can detect the encoding from them.
        let head = Array(bytes.prefix(4))
        context = head.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCreatePushParserCtxt(&sax, nil, $0, Int32(buffer.count), display)
            }
        }
        guard let context else {
            throw XMLParseError(display: display, line: 1, column: 1, message: "the XML parser could not be created")
        }
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue))
        let rest = Array(bytes.dropFirst(head.count))
        if !rest.isEmpty {
            _ = rest.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlParseChunk(context, $0, Int32(buffer.count), 0)
                }
            }
        }
    }

    // MARK: - Callbacks

    private static func from(_ ctx: UnsafeMutableRawPointer?) -> XMLStreamParser? {
        guard let ctx, let state = ctx.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<XMLStreamParser>.fromOpaque(state).takeUnretainedValue()
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    /// Names, prefixes and namespace URIs by the address libxml2 keeps them at: it interns them
    /// in the parser's dictionary, so each is one address for the whole document, and a record's
    /// dozen elements would otherwise each allocate its namespace URI again. A small table
    /// indexed by the address, not a dictionary: hashing cost more than the allocation it saved.
    private var names = [(address: UnsafeRawPointer?, text: String)](repeating: (nil, ""), count: 256)

    private func name(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        let address = UnsafeRawPointer(p)
        let slot = Int(truncatingIfNeeded: UInt(bitPattern: address) >> 3) & (names.count - 1)
        let cached = names[slot]
        // The bytes are compared too: a cached name is used only for the same text.
        if cached.address == address, Self.same(cached.text, p) { return cached.text }
        let text = String(cString: p)
        names[slot] = (address, text)
        return text
    }

    /// Whether `text` is the NUL-terminated `bytes`.
    private static func same(_ text: String, _ bytes: UnsafePointer<xmlChar>) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { stored in
            guard let base = stored.baseAddress else { return bytes[0] == 0 }
            // strncmp stops at the first NUL of either, so a shorter name is never read past.
            return strncmp(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                           UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), stored.count) == 0
                && bytes[stored.count] == 0
        } ?? false
    }

    private var line: Int { Int(xmlSAX2GetLineNumber(context)) }
    private var column: Int { Int(xmlSAX2GetColumnNumber(context)) }

    private func fail(_ message: String) {
        guard failure == nil else { return }
        failure = XMLParseError(display: display, line: line, column: column, message: message)
        xmlStopParser(context)
    }

    private func startElement(
        _ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
        _ attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard failure == nil else { return }
        let name = self.name(localname) ?? ""
        let element = PathElement(name: name, prefix: self.name(prefix), namespace: self.name(uri))
        if root == nil { root = element }
        path.append(element)
        if path.count > limits.maxDepth {
            fail("elements nested deeper than the limit of \(limits.maxDepth) (max_depth)")
            return
        }
        var attrs: [XMLElement.Attribute] = []
        var base: String?
        if attributeCount > 0, let attributes {
            attrs.reserveCapacity(attributeCount)
            for i in 0..<attributeCount {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                let a = attributes + i * 5
                guard let start = a[3], let end = a[4] else { continue }
                var value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                if value.utf8.contains(UInt8(ascii: "&")) { value = resolveReferences(value) }
                let attribute = XMLElement.Attribute(
                    name: self.name(a[0]) ?? "", prefix: self.name(a[1]), namespace: self.name(a[2]),
                    value: value.utf8.contains(0xC2) ? Self.decodeC1(value) : value)
                if attribute.name == "base", attribute.prefix == "xml" { base = attribute.value }
                attrs.append(attribute)
            }
        }
        bases.append(base)
        if recordDepth == nil {
            guard isRecord(path) else { return }
            recordDepth = path.count
            recordBytes = 0
            pendingText.removeAll(keepingCapacity: true)
        }
        flushText()
        recordBytes += name.utf8.count + attrs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        let node = XMLElement(name: name, prefix: element.prefix, namespace: element.namespace, attributes: attrs, line: line)
        if let parent = open.last { parent.append(.element(node)) }
        open.append(node)
        checkRecordSize()
    }

    private func endElement() {
        guard failure == nil else { return }
        if let depth = recordDepth {
            flushText()
            let closed = open.removeLast()
            if path.count == depth {
                recordDepth = nil
                let base = bases.dropLast().reduce(nil as String?) { current, next in Self.resolve(next, against: current) }
                records.append(Record(element: closed, base: base))
            }
        }
        path.removeLast()
        bases.removeLast()
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ length: Int) {
        guard failure == nil, recordDepth != nil, let bytes, length > 0 else { return }
        pendingText.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        recordBytes += length
        if pendingText.count > limits.maxTextBytes {
            fail("a text of more than \(limits.maxTextBytes) bytes (max_text_bytes)")
            return
        }
        checkRecordSize()
    }

    private func checkRecordSize() {
        if recordBytes > limits.maxRecordBytes {
            fail("a record of more than \(limits.maxRecordBytes) bytes (max_record_bytes)")
        }
    }

    private func flushText() {
        guard !pendingText.isEmpty else { return }
        if let parent = open.last {
            let text = String(decoding: pendingText, as: UTF8.self)
            parent.append(.text(Self.hasC1(pendingText) ? Self.decodeC1(text) : text))
        }
        pendingText.removeAll(keepingCapacity: true)
    }

    private func structuredError(_ error: UnsafeMutablePointer<xmlError>?) {
        guard let error else { return }
        let e = error.pointee
        var message = e.message.map { String(cString: $0) } ?? "XML error"
        message = message.trimmed
        let domain = xmlErrorDomain(UInt32(e.domain))
        // Namespace problems (an undeclared prefix such as `content:` in RSS) and warnings leave the
        // document readable: elements keep their prefix and are matched by local name.
        if e.level == XML_ERR_WARNING || domain == XML_FROM_NAMESPACE {
            warnings.append("\(display):\(e.line):\(e.int2): \(message)")
            return
        }
        guard failure == nil else { return }
        if e.code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            message = "entity expansion beyond the limit (an entity loop or an expansion bomb); the document is refused"
        }
        failure = XMLParseError(display: display, line: Int(e.line), column: max(1, Int(e.int2)), message: Self.lowercasedFirst(message))
        xmlStopParser(context)
    }

    private static func lowercasedFirst(_ s: String) -> String {
        guard let first = s.first, first.isUppercase, !(s.dropFirst().first?.isUppercase ?? false) else { return s }
        return first.lowercased() + s.dropFirst()
    }

    /// Without entity substitution (which would also load external entities), libxml2 hands
    /// attribute values over with `&amp;` as `&#38;` and other references unexpanded; they are
    /// resolved here as in text: character references, then the document's internal entities,
    /// the XML ones, then HTML's. Anything else stays as written.
    private func resolveReferences(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semicolon = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semicolon) <= 32 else {
                out += "&"
                rest = after
                continue
            }
            let name = String(after[..<semicolon])
            var replacement: String?
            if name.hasPrefix("#") {
                let digits = name.dropFirst()
                let code = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                replacement = code.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if let entity = name.withCString({ Self.entity(context.map { UnsafeMutableRawPointer($0) }, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }),
                entity.pointee.etype != XML_EXTERNAL_GENERAL_PARSED_ENTITY, entity.pointee.etype != XML_EXTERNAL_GENERAL_UNPARSED_ENTITY,
                let content = entity.pointee.content
            {
                replacement = String(cString: content)
            }
            if let replacement {
                out += replacement
            } else {
                out += "&" + name + ";"
            }
            rest = after[after.index(after: semicolon)...]
        }
        out += rest
        return out
    }

    /// Entities: those the document declares, the XML ones, then HTML's by name.
    private static func entity(_ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) -> xmlEntityPtr? {
        if let declared = xmlSAX2GetEntity(ctx, name) { return declared }
        guard let parser = from(ctx), let name, let key = string(name) else { return nil }
        return parser.htmlEntity(key, name)
    }

    private func htmlEntity(_ key: String, _ name: UnsafePointer<xmlChar>) -> xmlEntityPtr? {
        if let cached = entityCache[key] { return cached }
        guard let description = htmlEntityLookup(name), let scalar = Unicode.Scalar(description.pointee.value) else { return nil }
        if entityHolder == nil {
            entityHolder = xmlNewDoc("1.0")
            _ = xmlCreateIntSubset(entityHolder, "html-entities", nil, nil)
        }
        let content = String(Character(scalar))
        guard let entity = xmlAddDocEntity(entityHolder, name, Int32(XML_INTERNAL_GENERAL_ENTITY.rawValue), nil, nil, content) else {
            return nil
        }
        entityCache[key] = entity
        return entity
    }

    /// Whether UTF-8 bytes hold a C1 control character (U+0080–U+009F is C2 80–C2 9F).
    static func hasC1(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            let count = buffer.count
            var i = 0
            // Each lead byte C2 found by the C library's `memchr` (many bytes a step; text with
            // accents kept a loop of eight bytes at a time stepping byte by byte).
            while i < count, let hit = memchr(base + i, 0xC2, count - i) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if at + 1 < count, buffer[at + 1] >= 0x80, buffer[at + 1] <= 0x9F { return true }
                i = at + 1
            }
            return false
        }
    }

    /// Windows-1252 text mislabelled as ISO-8859-1 arrives as C1 control characters, which no
    /// feed means; they are read as the Windows-1252 characters they stand for.
    static func decodeC1(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x80 && $0.value <= 0x9F }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x80, scalar.value <= 0x9F, let mapped = windows1252[Int(scalar.value - 0x80)] {
                out.append(mapped)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static let windows1252: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    /// Resolves a reference against a base URL (for `xml:base` and relative links).
    public static func resolve(_ reference: String?, against base: String?) -> String? {
        guard let reference, !reference.isEmpty else { return base }
        guard let base, let baseURL = URL(string: base) else { return reference }
        return URL(string: reference, relativeTo: baseURL)?.absoluteString ?? reference
    }
}
