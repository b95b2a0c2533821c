#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON parser over UTF-8 bytes that reports errors with line and column.
///
/// Written by hand rather than with `JSONSerialization` because feeds need the line and column
/// of a syntax error, exact number text, key order, and a depth limit; and because the streaming
/// reader of large documents reuses the same value grammar.
///
/// ```swift
/// let value = try JSONParser.parse(Array("[1, 2]".utf8))
/// ```
public struct JSONParser {
    /// Nesting deeper than this is an error rather than a stack overflow.
    public static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index: Int
    private let end: Int
    private var depth = 0
    /// Where `parseString` builds strings with escapes (kept for its capacity).
    private var scratch: [UInt8] = []

    /// Parses one complete JSON document; trailing white space is allowed, anything else is not.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, from: 0, to: bytes.count)
        return try parser.parseDocument()
    }

    /// Parses one complete JSON document in `bytes[from..<to]`.
    public static func parse(_ bytes: [UInt8], from: Int, to: Int) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, from: from, to: to)
        return try parser.parseDocument()
    }

    init(bytes: [UInt8], from: Int, to: Int) {
        self.bytes = bytes
        self.index = from
        self.end = to
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        // A UTF-8 byte order mark is tolerated at the start of a document.
        if end - index >= 3, bytes[index] == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
            index += 3
            skipWhitespace()
        }
        let value = try parseValue()
        skipWhitespace()
        guard index == end else { throw error("unexpected '\(describe(bytes[index]))' after the end of the JSON value") }
        return value
    }

    private mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < end else { throw error("unexpected end of document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected '\(describe(bytes[index]))' where a value was expected")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= end else { throw error("unexpected end of document") }
        for k in 0..<expected.count where bytes[index + k] != expected[k] {
            throw error("invalid literal; expected '\(word)'")
        }
        index += expected.count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var members: [(String, JSONValue)] = []
        try readMembers { (name: Name, parser: inout JSONParser) throws(JSONSyntaxError) in
            members.append((parser.text(of: name), try parser.parseValue()))
        }
        depth -= 1
        return .object(members)
    }

    /// A member's name as read: where its bytes are when it has no escapes (the names of a
    /// stored record never do), so that it can be compared without making a string of it.
    enum Name {
        /// The name is `bytes[range]`, exactly.
        case plain(Range<Int>)
        /// The name had escapes; its text.
        case escaped(String)
    }

    /// The text of a name `readMembers` gave.
    func text(of name: Name) -> String {
        switch name {
        case .plain(let range): String(decoding: bytes[range], as: UTF8.self)
        case .escaped(let text): text
        }
    }

    /// Whether a name `readMembers` gave is `expected`'s bytes.
    func name(_ name: Name, is expected: [UInt8]) -> Bool {
        switch name {
        case .plain(let range):
            guard range.count == expected.count else { return false }
            // `memcmp`: every member of a stored record is matched so, and the generic
            // `elementsEqual` compared a byte at a time (5% of decoding a record).
            return bytes.withUnsafeBufferPointer { buffer in
                expected.withUnsafeBufferPointer { wanted in
                    guard let base = buffer.baseAddress, let other = wanted.baseAddress else { return range.isEmpty }
                    return memcmp(base + range.lowerBound, other, range.count) == 0
                }
            }
        case .escaped(let text): return text.utf8.elementsEqual(expected)
        }
    }

    /// Reads a member's name, at its opening quote.
    private mutating func parseName() throws(JSONSyntaxError) -> Name {
        let start = index + 1
        let stop = plainRun(from: start)
        if stop < end, bytes[stop] == UInt8(ascii: "\"") {
            index = stop + 1
            return .plain(start..<stop)
        }
        return .escaped(try parseString())
    }

    /// Reads an object from its `{` to past its `}`, handing each member's name to `body` with
    /// the parser at the member's value, which `body` must read.
    private mutating func readMembers(_ body: (Name, inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        var none: Void = ()
        try readMembers(into: &none) { (name: Name, parser: inout JSONParser, _: inout Void) throws(JSONSyntaxError) in
            try body(name, &parser)
        }
    }

    /// `readMembers`, with `context` lent to `body` at each member.
    private mutating func readMembers<Context>(
        into context: inout Context, _ body: (Name, inout JSONParser, inout Context) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        index += 1
        skipWhitespace()
        if index < end, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < end else { throw error("unexpected end of document inside an object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a quoted member name, found '\(describe(bytes[index]))'")
            }
            let name = try parseName()
            skipWhitespace()
            guard index < end else { throw error("unexpected end of document inside an object") }
            guard bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member name \"\(text(of: name))\"") }
            index += 1
            skipWhitespace()
            try body(name, &self, &context)
            skipWhitespace()
            guard index < end else { throw error("unexpected end of document inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            throw error("expected ',' or '}' in an object, found '\(describe(bytes[index]))'")
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        _ = try readArray { (parser: inout JSONParser) throws(JSONSyntaxError) in elements.append(try parser.parseValue()) }
        return .array(elements)
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func isDigit(_ i: Int) -> Bool { i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        guard isDigit(index) else { throw error("invalid number") }
        if bytes[index] == 0x30 {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw error("invalid number: digits expected after '.'") }
            while isDigit(index) { index += 1 }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw error("invalid number: digits expected in the exponent") }
            while isDigit(index) { index += 1 }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        // Runs without escapes are found through the buffer's pointer and copied whole: a
        // record's descriptions are most of its bytes (the text's line breaks escaped), and
        // the array's checked subscript and byte-by-byte appends were most of reading them.
        index = plainRun(from: start)
        if index < end, bytes[index] == UInt8(ascii: "\"") {
            let s = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            return s
        }
        // A string with escapes is built in a buffer the parser keeps from one string to the
        // next: a description's text has a line break escaped every paragraph, and growing a
        // new buffer to its size each time was a good part of decoding a record.
        var out: [UInt8] = []
        swap(&out, &scratch)
        defer {
            out.removeAll(keepingCapacity: true)
            swap(&out, &scratch)
        }
        out.append(contentsOf: bytes[start..<index])
        while index < end {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character in a string; it must be escaped") }
            if c != UInt8(ascii: "\\") {
                let run = index
                index = plainRun(from: index)
                out.append(contentsOf: bytes[run..<index])
                continue
            }
            index += 1
            guard index < end else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate needs its low half; a lone one becomes U+FFFD.
                    if index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            appendScalar(0xFFFD, to: &out)
                            scalar = low
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendScalar(scalar, to: &out)
            default:
                index -= 1
                throw error("invalid escape '\\\(describe(e))' in a string")
            }
        }
        throw error("unexpected end of document inside a string")
    }

    /// Where the run of string bytes that need no attention (no quote, backslash or control
    /// character) starting at `start` ends.
    private func plainRun(from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            ByteScan.firstInLongRun(in: UnsafeBufferPointer(rebasing: buffer[..<end]), from: start, equalTo: 0x22, or: 0x5C, orBelow: 0x20)
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= end else { throw error("unexpected end of document in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw error("invalid \\u escape: '\(describe(c))' is not a hex digit")
            }
            v = v << 4 | UInt32(d)
            index += 1
        }
        return v
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        if byte == 0x0A { return "\\n" }
        return "\\u{\(String(byte, radix: 16))}"
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: index, bytes: bytes)
    }
}

extension JSONParser {
    /// Reads a document that is one object member by member, without building it: `body` gets
    /// each name with the parser at its value, and must read the value (`readValue` or
    /// `readScalarText`), and `context` is lent to it at each member (what the members are read
    /// into, changed in place rather than through a closure's capture). For records read by the
    /// million (the state store's), where building every member's value as a `JSONValue` first
    /// was most of the decoding.
    static func forEachMember<Context>(
        of bytes: [UInt8], into context: inout Context, _ body: (Name, inout JSONParser, inout Context) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        var parser = JSONParser(bytes: bytes, from: 0, to: bytes.count)
        parser.skipWhitespace()
        guard parser.index < parser.end, parser.bytes[parser.index] == UInt8(ascii: "{") else {
            throw parser.error("expected an object")
        }
        try parser.readMembers(into: &context, body)
    }

    /// The value here, when it is an object, member by member as `forEachMember` reads a
    /// document; any other value is read and skipped, and the result is false.
    mutating func readObject(_ body: (Name, inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) -> Bool {
        guard index < end else { throw error("unexpected end of document") }
        guard bytes[index] == UInt8(ascii: "{") else {
            _ = try parseValue()
            return false
        }
        try enter()
        try readMembers(body)
        depth -= 1
        return true
    }

    /// The value here, when it is an object, member by member for the members named in
    /// `names` (UTF-8): `body` gets the name's place in `names` with the parser at its value,
    /// and must read it; other members are read and skipped. Any other value is read and
    /// skipped, and the result is false.
    mutating func readObject(
        among names: [[UInt8]], _ body: (Int, inout JSONParser) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) -> Bool {
        try readObject { (name: Name, parser: inout JSONParser) throws(JSONSyntaxError) in
            if let index = names.firstIndex(where: { parser.name(name, is: $0) }) {
                try body(index, &parser)
            } else {
                _ = try parser.parseValue()
            }
        }
    }

    /// The value here, when it is an array, element by element: `body` gets the parser at
    /// each element and must read it. Any other value is read and skipped, and the result is
    /// false.
    mutating func readArray(_ body: (inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) -> Bool {
        guard index < end else { throw error("unexpected end of document") }
        guard bytes[index] == UInt8(ascii: "[") else {
            _ = try parseValue()
            return false
        }
        try enter()
        index += 1
        skipWhitespace()
        if index < end, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return true
        }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            guard index < end else { throw error("unexpected end of document inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return true
            }
            throw error("expected ',' or ']' in an array, found '\(describe(bytes[index]))'")
        }
    }

    /// The value here if it is `true` or `false`; any other value is read, and the result is nil.
    mutating func readBool() throws(JSONSyntaxError) -> Bool? {
        if case .bool(let value) = try parseValue() { return value }
        return nil
    }

    /// The value here, built.
    mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        try parseValue()
    }

    /// The value here as `readScalarText` would give it, lent to `body` as UTF-8 bytes: a
    /// string without escapes straight from the document, without a string made of it (the
    /// enumerations and dates of a stored record, read by the million, are only ever looked
    /// up or parsed). Nil, without calling `body`, where `readScalarText` gives nil.
    mutating func readScalarBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T?) throws(JSONSyntaxError) -> T? {
        guard index < end else { throw error("unexpected end of document") }
        if bytes[index] == UInt8(ascii: "\"") {
            let start = index + 1
            let stop = plainRun(from: start)
            if stop < end, bytes[stop] == UInt8(ascii: "\"") {
                index = stop + 1
                return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<stop])) }
            }
        }
        guard var text = try readScalarText() else { return nil }
        return text.withUTF8(body)
    }

    /// The value here as `JSONValue.scalarText` would give it, without building a string or
    /// number value first.
    mutating func readScalarText() throws(JSONSyntaxError) -> String? {
        guard index < end else { throw error("unexpected end of document") }
        if bytes[index] == UInt8(ascii: "\"") { return try parseString() }
        return try parseValue().scalarText
    }
}

/// A JSON syntax error with its place in the document.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// 1-based line.
    public let line: Int
    /// 1-based column, in characters.
    public let column: Int

    /// Creates an error for a byte offset, computing line and column from the bytes before it.
    public init(message: String, offset: Int, bytes: [UInt8]) {
        var line = 1
        var lineStart = 0
        let stop = min(offset, bytes.count)
        for i in 0..<stop where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        // Columns count characters, not bytes: skip UTF-8 continuation bytes.
        var column = 1
        for i in lineStart..<stop where bytes[i] & 0xC0 != 0x80 { column += 1 }
        self.init(message: message, line: line, column: column)
    }

    /// Creates an error at a known line and column.
    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }
}
