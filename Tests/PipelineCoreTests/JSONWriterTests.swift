import Testing
@testable import PipelineCore

@Suite("Writing JSON")
struct JSONWriterTests {
    @Test("every character that needs escaping is escaped wherever it falls in the eight-byte steps")
    func escapesEverywhere() throws {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "é", "😀", "\u{7F}"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 30] {
            for position in 0...length {
                for special in specials {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    var writer = JSONWriter()
                    writer.string(text)
                    #expect(try JSONParser.parse(writer.bytes) == .string(text), "\(length) \(position) \(special.debugDescription)")
                    #expect(!writer.bytes.contains { $0 < 0x20 }, "no raw control byte is written")
                }
            }
        }
        var writer = JSONWriter()
        writer.string("tab\there \u{01}")
        #expect(writer.string == #""tab\there \u0001""#)
    }

    @Test("a name written plain gives the bytes a scanned name gives, commas included")
    func plainKeys() {
        var plain = JSONWriter(), scanned = JSONWriter()
        plain.beginObject(); scanned.beginObject()
        plain.key(plain: "@type"); scanned.key("@type")
        plain.string("Place"); scanned.string("Place")
        plain.key(plain: "postal_code"); scanned.key("postal_code")
        plain.beginArray(); scanned.beginArray()
        plain.endArray(); scanned.endArray()
        plain.endObject(); scanned.endObject()
        #expect(plain.bytes == scanned.bytes)
        #expect(plain.string == #"{"@type":"Place","postal_code":[]}"#)
    }
}
