/// Appends compact JSON to a byte buffer.
///
/// Hand-written because `JSONEncoder` cannot write a record in the specification's field order
/// without sorting, and its per-value boxing dominates the cost of a million-posting run.
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject(); w.key("title"); w.string("Dev"); w.endObject()
/// w.string   // {"title":"Dev"}
/// ```
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates an empty writer.
    public init() {
        bytes.reserveCapacity(1024)
    }

    /// The bytes as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Forgets what was written, keeping the buffer's capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Starts an object.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Ends an object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Starts an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Ends an array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a member name written in the code (a literal with nothing to escape), copied as
    /// it is: a record's two dozen names were a seventh of writing it, scanned for escapes.
    public mutating func key(plain name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { utf8 in
            assert(utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }, "a plain key needs no escapes")
            bytes.append(contentsOf: utf8)
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes a number; integral values print without a fraction, non-finite ones as null.
    public mutating func number(_ value: Double) {
        separate()
        if !value.isFinite {
            bytes.append(contentsOf: "null".utf8)
        } else if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: "\(value)".utf8)
        }
        needsComma = true
    }

    /// Writes a boolean.
    public mutating func bool(_ value: Bool) {
        separate()
        if value { bytes.append(contentsOf: "true".utf8) } else { bytes.append(contentsOf: "false".utf8) }
        needsComma = true
    }

    /// Writes null.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes number text as it is (it must be valid JSON number text).
    public mutating func rawNumber(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// Writes any parsed JSON value.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n): rawNumber(n)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            for (k, v) in members {
                key(k)
                self.value(v)
            }
            endObject()
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // The string's own bytes, read where they are: `withUTF8` is mutating, and the copy it
        // needs was a retain and a release of every string of every record written.
        if s.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var s = s
            s.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text with JSON's escapes.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        let count = utf8.count
        while i < count {
            // Sixteen bytes at a time to the next byte to escape (descriptions are long
            // runs of plain text; this loop was the largest cost of staging a record).
            i = ByteScan.firstInLongRun(in: utf8, from: i, equalTo: 0x22, or: 0x5C, orBelow: 0x20)
            guard i < count else { break }
            let c = utf8[i]
            i += 1
            let escape: UInt8?
            switch c {
            case 0x22: escape = UInt8(ascii: "\"")
            case 0x5C: escape = UInt8(ascii: "\\")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x00..<0x20: escape = 0
            default: continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<(i - 1)]))
            runStart = i
            bytes.append(UInt8(ascii: "\\"))
            if let e = escape, e != 0 {
                bytes.append(e)
            } else {
                bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(c >> 4)], Self.hex[Int(c & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
}
