import Testing
@testable import PipelineCore

@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("keeps member order and the exact text of numbers")
    func orderAndNumbers() throws {
        let v = try parse(#"{"b": 1, "a": 12345678901234567890, "c": -1.5e3}"#)
        guard case .object(let members) = v else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["b", "a", "c"])
        #expect(v["a"] == .number("12345678901234567890"))
        #expect(v["c"] == .number("-1.5e3"))
    }

    @Test("decodes escapes, surrogate pairs and lone surrogates")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\n\u00e9""#) == .string("a\"b\\c/d\né"))
        #expect(try parse(#""\ud83d\ude80""#) == .string("🚀"))
        #expect(try parse(#""\ud83d x""#) == .string("\u{FFFD} x"))
    }

    @Test("reports the line and column of a syntax error")
    func errorPosition() {
        do {
            _ = try parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("no error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
            #expect(error.message.contains("true"))
        }
    }

    @Test("a truncated document is an unexpected end with its place")
    func truncated() {
        do {
            _ = try parse(#"[{"a": "b"}, {"c":"#)
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("unexpected end"))
            #expect(error.line == 1)
            #expect(error.column == 19)
        }
    }

    @Test("rejects trailing garbage, control characters and bad literals", arguments: [
        "[1] x", "\"a\u{01}b\"", "nul", "[1,]", "{\"a\" 1}", "01", "-", "1.", "[1 2]",
    ])
    func rejects(text: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
    }

    @Test("limits nesting depth instead of overflowing the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try parse(deep) }
    }

    @Test("tolerates a UTF-8 byte order mark")
    func bom() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)) == .array([]))
    }

    @Test("paths find members and elements, and explain a miss")
    func paths() throws {
        let doc = try parse(#"{"data": {"jobs": [{"name": "a"}, {"name": "b"}]}}"#)
        #expect(try JSONPath(parsing: "data.jobs[1].name").lookup(doc) == .string("b"))
        #expect(try JSONPath(parsing: "$.data.jobs[*]").lookup(doc).map { if case .array(let a) = $0 { a.count } else { 0 } } == 2)
        #expect(try JSONPath(parsing: "data.job").lookup(doc) == nil)
        #expect(try JSONPath(parsing: "data.job").explainMiss(in: doc) == "no member 'job' in $.data (it has 'jobs')")
        #expect(throws: JSONPathError.self) { try JSONPath(parsing: "data[x]") }
    }

    @Test("the writer escapes and round-trips through the parser")
    func writerRoundTrip() throws {
        let value = JSONValue.object([
            ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🚀 rtl \u{202E}")),
            ("n", .number("42")), ("list", .array([.bool(true), .null])),
        ])
        var w = JSONWriter()
        w.value(value)
        #expect(try JSONParser.parse(w.bytes) == value)
        #expect(w.string.contains("\\u0007"))
    }
}
