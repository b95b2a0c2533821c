import Foundation
@testable import Plugins
import Testing

@Suite("The sanitizer's fast path for plain descriptions")
struct PlainHTMLTests {
    /// The fast path's answer, tidied as the sanitizer tidies it.
    static func fast(_ html: String) -> (html: String, text: String)? {
        PlainHTML.sanitize(html).map { ($0.html, HTMLSanitizer.tidy(bytes: $0.text)) }
    }

    @Test("plain descriptions come out as libxml2 makes them", arguments: [
        "<p>Acme is hiring a Back-End Developer in Montréal.</p><ul><li>Skills: Go, SQL</li><li>Remote</li></ul><p>Apply now.</p>",
        "<h2>About</h2><p>We <strong>build</strong> <em>things</em>, <b>fast</b> and <i>well</i>.<br>Line two</p>",
        "<ol><li>One <b>bold</b></li><li>Two</li></ol>",
        "<p>  spaced   out\ttext\nacross lines  </p>",
        "<p>Emoji 🚀 and \"quotes\" and 'apostrophes' and 100% / slashes</p>",
        "<p>a<br>b<br>c</p><h3>x</h3><h4>y</h4>",
        "<p><br></p>", "<p> </p>", "<p>a <b>b</b> <i> c </i> </p>", "<ul><li> </li></ul>",
    ])
    func sameAsLibxml2(html: String) throws {
        let fast = try #require(Self.fast(html), "the fast path should take \(html)")
        let parsed = HTMLSanitizer.parsed(html)
        #expect(fast.html == parsed.html)
        #expect(fast.text == parsed.text)
    }

    @Test("anything else goes to libxml2", arguments: [
        "plain text, no tags", "<p>a</p>\n<p>b</p>", "<p class=\"x\">a</p>", "<p>Caf&eacute;</p>", "<p>a > b</p>",
        "<div><p>a</p></div>", "<p>a<ul><li>b</li></ul></p>", "<ul>text<li>a</li></ul>", "<p>a</p>tail", "<p>open",
        "<p>a</b></p>", "<p></p>", "<p><b></b>x</p>", "<P>upper</P>", "<li>alone</li>", "<p>a\r\nb</p>", "<p>\u{1}</p>",
        "<p>a<br> <b>b</b></p>", "<p>a<br/>b</p>", "<script>x</script>", "<p>a <a href=\"https://x.example\">link</a></p>", "<p>\u{FFFE}</p>",
    ])
    func fallsBack(html: String) {
        #expect(PlainHTML.sanitize(html) == nil)
        // And the sanitizer still answers.
        _ = HTMLSanitizer.sanitize(html)
    }

    @Test("random descriptions: whatever the fast path takes, libxml2 makes the same of")
    func randomAgreement() {
        var rng = LCG(state: 42)
        let words = ["Acme", "builds", "APIs", "in", "Montréal", "—", "ça", "va", "C++", "C#", "🚀", "\"q\"", "100%", "a/b", "x;y", "(z)"]
        let inline = ["strong", "b", "em", "i"]
        func run() -> String {
            (0..<Int(rng.next() % 4 + 1)).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: rng.next() % 5 == 0 ? "  " : " ")
        }
        func content(_ depth: Int) -> String {
            var out = ""
            for _ in 0..<Int(rng.next() % 3 + 1) {
                switch rng.next() % 6 {
                case 0 where depth < 2:
                    let tag = inline[Int(rng.next() % UInt64(inline.count))]
                    out += "<\(tag)>\(content(depth + 1))</\(tag)>"
                case 1: out += "<br>"
                case 2: out += " " + run() + "\n"
                case 3: out += rng.next() % 2 == 0 ? " " : "\n "
                default: out += run()
                }
            }
            return out
        }
        var taken = 0
        for _ in 0..<3_000 {
            var html = ""
            for _ in 0..<Int(rng.next() % 4 + 1) {
                switch rng.next() % 3 {
                case 0: html += "<ul>" + (0..<Int(rng.next() % 3 + 1)).map { _ in "<li>\(content(0))</li>" }.joined() + "</ul>"
                case 1:
                    let level = rng.next() % 3 + 2
                    html += "<h\(level)>\(content(0))</h\(level)>"
                default: html += "<p>\(content(0))</p>"
                }
            }
            guard let fast = Self.fast(html) else { continue }
            taken += 1
            let parsed = HTMLSanitizer.parsed(html)
            #expect(fast.html == parsed.html, "\(html)")
            #expect(fast.text == parsed.text, "\(html)")
        }
        // The comparison means something only if the fast path took many of them.
        #expect(taken > 500)
    }
}

/// A seeded linear congruential generator (Knuth's constants), so that a failure repeats.
struct LCG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
