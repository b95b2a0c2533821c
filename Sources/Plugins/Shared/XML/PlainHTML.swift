import PipelineCore

/// The sanitizer's fast path: a description made only of what the allow-list keeps as it is
/// — top-level `p`, `h2`–`h4`, `ul` and `ol` holding `li`, with `strong`, `b`, `em`, `i` and
/// `br` inside, no attributes, entities or stray text — comes out of libxml2's HTML parser
/// unchanged, so it is checked and its text taken in one pass over the bytes instead.
///
/// Anything else (an attribute, an entity, text between blocks, a tag out of place, an empty
/// element, a control character) returns nil and goes to libxml2; the tests compare the two on
/// every input the fast path accepts. Written by hand because it is not an HTML parser: it only
/// recognises the one shape most feeds' descriptions have, where parsing each one cost more
/// than the rest of normalizing it.
enum PlainHTML {
    private enum Kind: UInt8 {
        /// `p`, `h2`, `h3`, `h4`: at the top, holding text.
        case block
        /// `ul`, `ol`: at the top, holding `li` only.
        case list
        /// `li`: in a list, holding text.
        case item
        /// `strong`, `b`, `em`, `i`: in text.
        case inline
    }

    /// The HTML as it is and its text (untidied: the caller tidies it), or nil when the
    /// description is not of the plain shape.
    static func sanitize(_ html: String) -> (html: String, text: [UInt8])? {
        var html = html
        let text = html.withUTF8 { scan($0) }
        return text.map { (html, $0) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        // The open elements: names (as their bytes' hash) and kinds; plain HTML nests a few deep.
        var names: [UInt64] = []
        var kinds: [Kind] = []
        var i = 0
        let n = bytes.count
        var justOpened = false
        // libxml2 drops white space that follows a `br` (and keeps it after text or an inline
        // element, or first in one).
        var afterBreak = false
        while i < n {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<") {
                var j = i + 1
                let closing = j < n && bytes[j] == UInt8(ascii: "/")
                if closing { j += 1 }
                let start = j
                while j < n, (bytes[j] >= UInt8(ascii: "a") && bytes[j] <= UInt8(ascii: "z")) || (bytes[j] >= UInt8(ascii: "0") && bytes[j] <= UInt8(ascii: "9")) {
                    j += 1
                }
                guard j < n, bytes[j] == UInt8(ascii: ">"), j > start, j - start <= 6 else { return nil }
                let name = UnsafeBufferPointer(rebasing: bytes[start..<j])
                let key = hash(name)
                i = j + 1
                if closing {
                    // Only the innermost element closes, and not straight after it opened.
                    guard let last = names.last, last == key, !justOpened, let kind = kinds.last else { return nil }
                    names.removeLast()
                    kinds.removeLast()
                    if kind == .block || kind == .list { text.append(0x0A) }
                    justOpened = false
                    afterBreak = false
                    continue
                }
                let inText = kinds.last.map { $0 != .list } ?? false
                if key == br {
                    guard inText else { return nil }
                    text.append(0x0A)
                    justOpened = false
                    afterBreak = true
                    continue
                }
                guard let kind = kind(of: key) else { return nil }
                switch kind {
                case .block, .list:
                    guard kinds.isEmpty else { return nil }
                    text.append(0x0A)
                case .item:
                    guard kinds.last == .list else { return nil }
                    text.append(contentsOf: [0x0A, UInt8(ascii: "-"), 0x20])
                case .inline:
                    guard inText else { return nil }
                }
                names.append(key)
                kinds.append(kind)
                justOpened = true
                afterBreak = false
                continue
            }
            // A run of text, inside an element that holds text: found and checked sixteen
            // bytes at a time (descriptions are mostly such runs).
            guard let kind = kinds.last, kind != .list else { return nil }
            let run = i
            while true {
                i = ByteScan.firstInLongRun(in: bytes, from: i, equalTo: UInt8(ascii: "<"), or: UInt8(ascii: "&"), orBelow: 0x20)
                guard i < n, bytes[i] != UInt8(ascii: "<") else { break }
                // An entity, or a control character but tab and line feed.
                guard bytes[i] == 0x09 || bytes[i] == 0x0A else { return nil }
                i += 1
            }
            var k = run
            while true {
                // A stray '>', or U+FFFE and U+FFFF (not characters to libxml2).
                k = ByteScan.firstInLongRun(in: UnsafeBufferPointer(rebasing: bytes[..<i]), from: k, equalTo: UInt8(ascii: ">"), or: 0xEF, orBelow: 0)
                guard k < i else { break }
                if bytes[k] == UInt8(ascii: ">") { return nil }
                if k + 2 < n, bytes[k + 1] == 0xBF, bytes[k + 2] >= 0xBE { return nil }
                k += 1
            }
            // Only a run after a `br` must not be blank.
            let blank = afterBreak && !UnsafeBufferPointer(rebasing: bytes[run..<i]).contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            guard !blank else { return nil }
            justOpened = false
            afterBreak = false
        }
        return names.isEmpty ? text : nil
    }

    private static let br = hash("br")

    private static func kind(of key: UInt64) -> Kind? {
        table[key]
    }

    private static let table: [UInt64: Kind] = {
        var table: [UInt64: Kind] = [:]
        for name in ["p", "h2", "h3", "h4"] { table[hash(name)] = .block }
        for name in ["ul", "ol"] { table[hash(name)] = .list }
        table[hash("li")] = .item
        for name in ["strong", "b", "em", "i"] { table[hash(name)] = .inline }
        return table
    }()

    private static func hash(_ name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { hash($0) }
    }

    /// The name's bytes packed into an integer: tag names here are at most six lowercase
    /// letters or digits, so it is exact.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        return value
    }
}
