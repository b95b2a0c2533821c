/// Streams the elements of one array inside a JSON document — the array at a key path such as
/// `data.jobs`, or the root array — holding only the element being read, however large the
/// document is.
///
/// Written by hand because none of the listed packages reads JSON incrementally: Foundation's
/// and the others' decoders need the whole document. A byte-level scanner tracks nesting,
/// strings and keys, checks the document's structure outside the array, and hands each element's
/// bytes to `JSONParser`, which checks it fully.
///
/// ```swift
/// var streamer = try JSONArrayStreamer(path: ["data", "jobs"])
/// while let chunk = try await stream.next() {
///     for element in try streamer.feed(chunk) { use(element.value) }
/// }
/// try streamer.finish()
/// ```
public struct JSONArrayStreamer {
    /// One element of the array and where it starts.
    public struct Element {
        public let value: JSONValue
        public let index: Int
        public let line: Int
        public let column: Int
    }

    /// Why the document cannot be read.
    public enum Failure: Error, Sendable {
        /// Not well-formed at a place.
        case syntax(JSONSyntaxError)
        /// The path leads to no array; the message says what is there.
        case path(String)
    }

    private enum Container {
        /// An object; `key` is the last key read at this level.
        case object(key: [UInt8]?)
        case array
    }

    private enum Expect {
        case value, keyOrEnd, key, colon, commaOrEnd, valueOrEnd
    }

    private let path: [[UInt8]]
    /// Largest element accepted, in bytes.
    public let maximumElementBytes: Int

    private var stack: [Container] = []
    private var expect: Expect = .value
    private var inString = false
    private var escaped = false
    private var stringIsKey = false
    private var keyBuffer: [UInt8] = []
    private var inScalar = false
    private var line = 1
    private var column = 0
    private var started = false
    private var rootDone = false

    /// Depth of the target array in `stack` once found (its index), else nil.
    private var targetLevel: Int?
    private var foundTarget = false
    private var element: [UInt8] = []
    private var capturing = false
    private var elementLine = 0
    private var elementColumn = 0
    private var elementIndex = 0
    /// Keys seen at the level where the path stopped matching, for the error message.
    private var keysAtMiss: [String] = []
    private var missLevel: Int?

    /// Streams the array at `path` (keys from the root; empty for a root array).
    public init(path: [String], maximumElementBytes: Int = 64 << 20) {
        self.path = path.map { Array($0.utf8) }
        self.maximumElementBytes = maximumElementBytes
    }

    /// Scans a chunk; returns the elements completed in it.
    public mutating func feed(_ chunk: [UInt8]) throws(Failure) -> [Element] {
        var out: [Element] = []
        var i = 0
        var captureStart = capturing ? 0 : -1
        if !started, line == 1, column == 0, chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
            i = 3   // a UTF-8 byte order mark
        }
        while i < chunk.count {
            let b = chunk[i]
            if b == 0x0A {
                line += 1
                column = 0
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            if inString {
                if escaped {
                    escaped = false
                } else if b == 0x5C {
                    escaped = true
                } else if b == 0x22 {
                    inString = false
                    if stringIsKey {
                        setKey(keyBuffer)
                        expect = .colon
                    } else {
                        try endValue(chunk: chunk, at: i, captureStart: &captureStart, into: &out)
                    }
                } else if stringIsKey, keyBuffer.count < 4096 {
                    keyBuffer.append(b)
                }
                i += 1
                continue
            }
            if inScalar {
                if isDelimiter(b) {
                    inScalar = false
                    try endValue(chunk: chunk, at: i - 1, captureStart: &captureStart, into: &out)
                    // The delimiter itself is handled below.
                } else {
                    i += 1
                    continue
                }
            }
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A {
                i += 1
                continue
            }
            if rootDone { throw fail("unexpected '\(b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "byte \(b)")' after the end of the document") }
            started = true
            switch b {
            case 0x7B, 0x5B:   // { [
                guard expect == .value || expect == .valueOrEnd else { throw fail("unexpected '\(Character(UnicodeScalar(b)))'") }
                try beginValue(b, chunk: chunk, at: i, captureStart: &captureStart)
                stack.append(b == 0x7B ? .object(key: nil) : .array)
                expect = b == 0x7B ? .keyOrEnd : .valueOrEnd
            case 0x7D, 0x5D:   // } ]
                guard let top = stack.last else { throw fail("unexpected '\(Character(UnicodeScalar(b)))' with nothing open") }
                let closesObject = b == 0x7D
                switch (top, closesObject) {
                case (.object, true):
                    guard expect == .keyOrEnd || expect == .commaOrEnd else { throw fail("unexpected '}'") }
                case (.array, false):
                    guard expect == .valueOrEnd || expect == .commaOrEnd else { throw fail("unexpected ']'") }
                default:
                    throw fail("'\(Character(UnicodeScalar(b)))' closes \(closesObject ? "an array" : "an object") that is not open")
                }
                if let level = targetLevel, level == stack.count - 1 {
                    targetLevel = nil   // the target array ends
                }
                stack.removeLast()
                try endValue(chunk: chunk, at: i, captureStart: &captureStart, into: &out)
            case 0x22:   // "
                if expect == .key || expect == .keyOrEnd {
                    stringIsKey = true
                    keyBuffer.removeAll(keepingCapacity: true)
                } else if expect == .value || expect == .valueOrEnd {
                    stringIsKey = false
                    try beginValue(b, chunk: chunk, at: i, captureStart: &captureStart)
                } else {
                    throw fail("unexpected string")
                }
                inString = true
            case 0x3A:   // :
                guard expect == .colon else { throw fail("unexpected ':'") }
                expect = .value
            case 0x2C:   // ,
                guard expect == .commaOrEnd, let top = stack.last else { throw fail("unexpected ','") }
                if case .object = top { expect = .key } else { expect = .value }
            default:
                guard expect == .value || expect == .valueOrEnd else {
                    throw fail("unexpected '\(b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "byte \(b)")'")
                }
                guard b == 0x2D || (b >= 0x30 && b <= 0x39) || b == 0x74 || b == 0x66 || b == 0x6E else {
                    throw fail("unexpected '\(b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "byte \(b)")' where a value was expected")
                }
                try beginValue(b, chunk: chunk, at: i, captureStart: &captureStart)
                inScalar = true
            }
            i += 1
        }
        if capturing, captureStart >= 0 {
            element.append(contentsOf: chunk[captureStart...])
            if element.count > maximumElementBytes {
                throw fail("a posting of more than \(maximumElementBytes) bytes (max_record_bytes)")
            }
        }
        return out
    }

    /// Ends the document: throws if it is cut short or the path found no array.
    public mutating func finish() throws(Failure) -> [Element] {
        var out: [Element] = []
        if inScalar {
            inScalar = false
            var start = -1
            try endValue(chunk: [], at: -1, captureStart: &start, into: &out)
        }
        if inString || !stack.isEmpty {
            // Just past the last character, where more was expected.
            throw .syntax(JSONSyntaxError(message: "unexpected end of document", line: line, column: column + 1))
        }
        if !started { throw fail("the document is empty") }
        if !foundTarget { throw Failure.path(missDescription()) }
        return out
    }

    // MARK: - Values

    private func isDelimiter(_ b: UInt8) -> Bool {
        b == 0x2C || b == 0x5D || b == 0x7D || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    /// Whether the value starting now is where the path leads.
    private mutating func pathLeadsHere() -> Bool {
        guard stack.count == path.count else { return false }
        for (level, container) in stack.enumerated() {
            guard case .object(let key) = container, let key, key == path[level] else { return false }
        }
        return true
    }

    private mutating func beginValue(_ b: UInt8, chunk: [UInt8], at i: Int, captureStart: inout Int) throws(Failure) {
        if let level = targetLevel, stack.count == level + 1, !capturing {
            capturing = true
            captureStart = i
            element.removeAll(keepingCapacity: true)
            elementLine = line
            elementColumn = column
            return
        }
        if !foundTarget, targetLevel == nil, pathLeadsHere() {
            guard b == 0x5B else {
                let what = b == 0x7B ? "an object" : (b == 0x22 ? "a string" : "a \(b == 0x74 || b == 0x66 ? "boolean" : (b == 0x6E ? "null" : "number"))")
                throw Failure.path("'\(pathText)' is \(what), not an array of postings")
            }
            foundTarget = true
            targetLevel = stack.count
        }
    }

    private mutating func endValue(chunk: [UInt8], at i: Int, captureStart: inout Int, into out: inout [Element]) throws(Failure) {
        if stack.isEmpty {
            rootDone = true
            expect = .value
        } else {
            expect = .commaOrEnd
        }
        guard capturing, let level = targetLevel, stack.count == level + 1 else { return }
        if captureStart >= 0, i >= captureStart {
            element.append(contentsOf: chunk[captureStart...i])
        }
        capturing = false
        captureStart = -1
        if element.count > maximumElementBytes {
            throw fail("a posting of more than \(maximumElementBytes) bytes (max_record_bytes)")
        }
        do {
            let value = try JSONParser.parse(element)
            out.append(Element(value: value, index: elementIndex, line: elementLine, column: elementColumn))
        } catch {
            // Place the element's own error in the document.
            let line = elementLine + error.line - 1
            let column = error.line == 1 ? elementColumn + error.column - 1 : error.column
            throw Failure.syntax(JSONSyntaxError(message: error.message, line: line, column: column))
        }
        elementIndex += 1
    }

    private mutating func setKey(_ key: [UInt8]) {
        guard case .object = stack.last else { return }
        stack[stack.count - 1] = .object(key: key)
        // Remember the keys where the path stops matching, to say what was there instead.
        let level = stack.count - 1
        if level < path.count, !foundTarget {
            var matches = true
            for l in 0..<level {
                guard case .object(let k) = stack[l], k == path[l] else {
                    matches = false
                    break
                }
            }
            if matches {
                if missLevel != level {
                    if missLevel ?? -1 > level { return }
                    missLevel = level
                    keysAtMiss = []
                }
                if keysAtMiss.count < 8 { keysAtMiss.append(String(decoding: key, as: UTF8.self)) }
            }
        }
    }

    private var pathText: String {
        path.isEmpty ? "$" : path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
    }

    private func missDescription() -> String {
        if path.isEmpty { return "the document is not an array of postings; give records: the path to the array" }
        let level = missLevel ?? 0
        let walked = (["$"] + path.prefix(level).map { String(decoding: $0, as: UTF8.self) }).joined(separator: ".")
        let missing = String(decoding: path[min(level, path.count - 1)], as: UTF8.self)
        let known = keysAtMiss.isEmpty ? "it has no members" : "it has " + keysAtMiss.map { "'\($0)'" }.joined(separator: ", ")
        return "records path '\(pathText)' finds nothing: no member '\(missing)' in \(walked) (\(known))"
    }

    private func fail(_ message: String) -> Failure {
        .syntax(JSONSyntaxError(message: message, line: line, column: max(1, column)))
    }
}
