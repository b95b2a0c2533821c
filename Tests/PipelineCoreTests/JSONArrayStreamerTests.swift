import Testing
@testable import PipelineCore

@Suite("Streaming a JSON array")
struct JSONArrayStreamerTests {
    static let document = #"""
        {"meta": {"jobs": "not these", "count": 3},
         "data": {"other": [1, 2], "jobs": [
            {"id": 1, "title": "A \"quoted\" ] } [ {", "tags": ["x", {"jobs": []}]},
            {"id": 2, "nested": {"data": {"jobs": [9]}}, "ok": true, "n": -1.5e3},
            "a string",
            null
         ], "after": {"jobs": [0]}}}
        """#

    func stream(_ text: String, path: [String], chunk: Int) throws(JSONArrayStreamer.Failure) -> [JSONValue] {
        let bytes = Array(text.utf8)
        var streamer = JSONArrayStreamer(path: path)
        var out: [JSONValue] = []
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + chunk)
            out += try streamer.feed(Array(bytes[i..<end])).map(\.value)
            i = end
        }
        out += try streamer.finish().map(\.value)
        return out
    }

    @Test("yields the array's elements as the whole-document parser sees them, however the bytes are chunked", arguments: [1, 2, 3, 7, 64, 100_000])
    func chunking(size: Int) throws {
        let whole = try JSONParser.parse(Array(Self.document.utf8))
        guard case .array(let expected)? = try JSONPath(parsing: "data.jobs").lookup(whole) else {
            Issue.record("fixture")
            return
        }
        #expect(try stream(Self.document, path: ["data", "jobs"], chunk: size) == expected)
    }

    @Test("elements carry their index and the line they start on")
    func positions() throws {
        var streamer = JSONArrayStreamer(path: ["data", "jobs"])
        let elements = try streamer.feed(Array(Self.document.utf8)) + streamer.finish()
        #expect(elements.map(\.index) == [0, 1, 2, 3])
        #expect(elements.map(\.line) == [3, 4, 5, 6])
    }

    @Test("a root array streams with an empty path")
    func root() throws {
        #expect(try stream("\u{FEFF}[{\"a\":1}, {\"a\":2}]".replacingOccurrences(of: "\u{FEFF}", with: ""), path: [], chunk: 4).count == 2)
    }

    @Test("a path that finds nothing, or no array, says what is there")
    func paths() {
        do {
            _ = try stream(Self.document, path: ["data", "postings"], chunk: 16)
            Issue.record("no error")
        } catch {
            guard case .path(let message) = error else { Issue.record("\(error)"); return }
            #expect(message == "records path 'data.postings' finds nothing: no member 'postings' in $.data (it has 'other', 'jobs', 'after')")
        }
        do {
            _ = try stream(Self.document, path: ["meta", "jobs"], chunk: 16)
            Issue.record("no error")
        } catch {
            guard case .path(let message) = error else { Issue.record("\(error)"); return }
            #expect(message == "'meta.jobs' is a string, not an array of postings")
        }
    }

    @Test("syntax errors anywhere are reported with line and column", arguments: [
        (#"{"data": {"jobs": [{"a": 1}, {"a": tru}]}}"#, 1, 36, "invalid literal; expected 'true'"),
        ("{\"data\": {\"jobs\": [{\"a\": 1},\n {\"a\": 2}", 2, 10, "unexpected end of document"),
        (#"{"data": {"jobs": []}} extra"#, 1, 24, "unexpected 'e' after the end of the document"),
        (#"{"data" {"jobs": []}}"#, 1, 9, "unexpected '{'"),
        (#"{"data": {"jobs": [1,,2]}}"#, 1, 22, "unexpected ','"),
        ("", 1, 1, "the document is empty"),
    ])
    func syntax(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try stream(text, path: ["data", "jobs"], chunk: 5)
            Issue.record("no error")
        } catch {
            guard case .syntax(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.line == line)
            #expect(e.column == column)
            #expect(e.message == message)
        }
    }

    @Test("a posting larger than the limit fails naming it")
    func limit() {
        var streamer = JSONArrayStreamer(path: [], maximumElementBytes: 10)
        #expect(throws: JSONArrayStreamer.Failure.self) {
            _ = try streamer.feed(Array(#"[{"title": "much longer than ten bytes"}]"#.utf8))
        }
    }
}
