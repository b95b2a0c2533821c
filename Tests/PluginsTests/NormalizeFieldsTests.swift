import PipelineCore
@testable import Plugins
import Testing

@Suite("Normalizing places and URLs")
struct NormalizeFieldsTests {
    @Test("places as postings write them", arguments: [
        ("Toronto, ON", "Toronto", "ON", "CA", nil),
        ("Toronto, Ontario, Canada", "Toronto", "ON", "CA", nil),
        ("Montréal (QC)", "Montréal", "QC", "CA", nil),
        ("Montreal, Quebec", "Montréal", "QC", "CA", nil),
        ("Remote - Canada", nil, nil, "CA", true),
        ("Hybrid - Vancouver, BC", "Vancouver", "BC", "CA", nil),
        ("Seattle, WA, USA", "Seattle", "WA", "US", nil),
        ("Calgary", "Calgary", "AB", "CA", nil),
        ("San Francisco, CA", "San Francisco", "CA", "US", nil),
        ("Springfield, IL", "Springfield", "IL", "US", nil),
        ("Nova Scotia", nil, "NS", "CA", nil),
        ("Remote (US)", nil, nil, "US", true),
        ("Québec, QC", "Québec", "QC", "CA", nil),
        ("Québec, Quebec, Canada", "Québec", "QC", "CA", nil),
        ("New York, New York, United States", "New York", "NY", "US", nil),
        ("Quebec", nil, "QC", "CA", nil),
        ("Anywhere in Canada", nil, nil, "CA", true),
    ] as [(String, String?, String?, String?, Bool?)])
    func places(text: String, city: String?, region: String?, country: String?, remote: Bool?) {
        let place = PlaceParser.shared.parse(text)
        #expect(place.city == city)
        #expect(place.region == region)
        #expect(place.country == country)
        #expect(place.remote == remote)
        #expect(place.text == text)
    }

    @Test("URLs lose tracking parameters and fragments, keep the rest in order", arguments: [
        ("HTTPS://Jobs.Example.com:443/p/1?utm_source=x&id=7&utm_medium=feed#apply", "https://jobs.example.com/p/1?id=7"),
        ("http://example.com:80?gclid=abc&fbclid=def", "http://example.com/"),
        ("https://example.com:8443/a?b=2&a=1", "https://example.com:8443/a?b=2&a=1"),
        ("https://CAREERS.prairie.example/jobs/00000000?utm_source=aggregator&utm_medium=feed&ref=388#apply", "https://careers.prairie.example/jobs/00000000?ref=388"),
    ])
    func urls(raw: String, canonical: String) {
        #expect(URLCanonicalizer.canonical(raw) == canonical)
    }

    @Test("what is not an http(s) URL is not canonicalized", arguments: ["ftp://x.example/a", "not a url", "/relative"])
    func notURLs(raw: String) {
        #expect(URLCanonicalizer.canonical(raw) == nil)
    }
}

@Suite("Normalizing salaries")
struct SalaryParserTests {
    @Test("every form the issue lists", arguments: [
        ("$110,000 - $135,000 a year", "CA", 110_000.0, 135_000.0, "CAD", PayPeriod.year),
        ("60k-75k CAD", nil, 60_000, 75_000, "CAD", .year),
        ("$45/hour", "US", 45, nil, "USD", .hour),
        ("95000", "CA", 95_000, nil, nil, .year),
        ("85 000 $ par année", "CA", 85_000, nil, "CAD", .year),
        ("€50.000 p.a.", nil, 50_000, nil, "EUR", .year),
        ("$90k-$110k", "US", 90_000, 110_000, "USD", .year),
        ("CAD 90,000 to 112,000 per year", nil, 90_000, 112_000, "CAD", .year),
        ("60-75k", "CA", 60_000, 75_000, nil, .year),
        ("$28.50 - $32.75 per hour", "CA", 28.5, 32.75, "CAD", .hour),
        ("135,000 - 110,000", "CA", 110_000, 135_000, nil, .year),
    ] as [(String, String?, Double, Double?, String?, PayPeriod)])
    func forms(text: String, country: String?, min: Double, max: Double?, currency: String?, period: PayPeriod) {
        let s = SalaryParser.parse(text, country: country)
        #expect(s?.min == min)
        #expect(s?.max == max)
        #expect(s?.currency == currency)
        #expect(s?.period == period)
    }

    @Test("no salary, or an implausible one", arguments: ["Competitive", "DOE", "Negotiable", "$3 per year", "5000000 per hour"])
    func none(text: String) {
        #expect(SalaryParser.parse(text, country: "CA") == nil)
    }
}

@Suite("Sanitizing HTML descriptions")
struct HTMLSanitizerTests {
    @Test("scripts and styles go with their content; handlers, javascript: URLs and other attributes go")
    func hostile() {
        let (html, text) = HTMLSanitizer.sanitize(#"<p onclick="steal()" class="x">Hello <script>alert(1)</script><style>p{}</style><a href="javascript:alert(1)">bad</a> <a href="https://ok.example/?a=1&amp;b=2" target="_blank">good</a></p>"#)
        #expect(html == #"<p>Hello bad <a href="https://ok.example/?a=1&amp;b=2">good</a></p>"#)
        #expect(text == "Hello bad good")
    }

    @Test("unclosed tags, unknown tags unwrapped, entities decoded, emoji kept")
    func forgiving() {
        let (html, text) = HTMLSanitizer.sanitize("<div><p>Caf&eacute; &amp; <b>bar 🚀<ul><li>Go<li>SQL</ul><h2>Perks</h2><span>Dental</span>")
        // libxml2 closes the unclosed <b> at the end of the paragraph: balanced, and safe.
        #expect(html == "<p>Café &amp; <b>bar 🚀<ul><li>Go</li><li>SQL</li></ul><h2>Perks</h2>Dental</b></p>")
        #expect(text.hasPrefix("Café & bar 🚀"))
        #expect(text.contains("- Go\n- SQL"))
        #expect(text.hasSuffix("Perks\nDental"))
    }

    @Test("mailto links stay; line breaks are text line breaks")
    func links() {
        let (html, text) = HTMLSanitizer.sanitize(#"Apply: <a href="mailto:jobs@acme.example">jobs@acme.example</a><br>Thanks"#)
        #expect(html == #"<p>Apply: <a href="mailto:jobs@acme.example">jobs@acme.example</a><br>Thanks</p>"#)
        #expect(text == "Apply: jobs@acme.example\nThanks")
    }

    @Test("plain text: white space collapsed in lines, at most one empty line between blocks, none at the ends")
    func tidy() {
        #expect(HTMLSanitizer.tidy("\n\n  a \t b \r\n\n\n- \n c\u{A0}\u{A0}d  \n\n") == "a b\n\nc d")
        #expect(HTMLSanitizer.tidy("one\ntwo") == "one\ntwo")
        #expect(HTMLSanitizer.tidy(" \u{A0} ") == "")
        #expect(HTMLSanitizer.tidy("é  ü") == "é ü")
        #expect(HTMLSanitizer.tidy("a\n-\nb") == "a\n\nb")
        #expect(HTMLSanitizer.tidy("a\n - \n") == "a")
        #expect(HTMLSanitizer.tidy("-x\n--") == "-x\n--")
        // Runs longer than a word of eight bytes, a © (0xC2 0xA9, not a space), a control byte kept.
        #expect(HTMLSanitizer.tidy("  Responsibilities:\u{A0}design,\tbuild ©2026\u{1}x  \n\n\n  internationalization-ready  ")
            == "Responsibilities: design, build ©2026\u{1}x\n\ninternationalization-ready")
        #expect(HTMLSanitizer.tidy("abcdefghijklmnopqrstuvwxyz\u{C2}") == "abcdefghijklmnopqrstuvwxyz\u{C2}")
        #expect(HTMLSanitizer.tidy("") == "")
        #expect(HTMLSanitizer.tidy("\u{C2}") == "\u{C2}")
        #expect(XMLElement.escape("a < b & \"c\" > d", quotes: true) == "a &lt; b &amp; &quot;c&quot; &gt; d")
        #expect(XMLElement.escape("\"plain\" é", quotes: false) == "\"plain\" é")
    }
}
