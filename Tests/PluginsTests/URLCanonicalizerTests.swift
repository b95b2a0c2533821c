@testable import Plugins
import Testing

@Suite("Canonical posting URLs without parsing the plain ones")
struct URLCanonicalizerTests {
    @Test("URLs the byte check vouches for come out as Foundation's parser gives them; the rest it leaves to the parser", arguments: [
        "https://careers.cascade.example/jobs/00178045",
        "http://jobs.example.com",
        "https://a-b.c-d.example/x/y_z~1/a.b/c-d",
        "https://example.com/p;param=1/q:r@s/!$&'()*+,=",
        "https://127.0.0.1/jobs",
        "https://1.2.3.example/jobs",
        "https://xn--bcher-kva.example/jobs",
        "https://example.com./jobs",
        "https://-example.com/jobs",
        "https://example-.com/jobs",
        "https://ex--ample.com/jobs",
        "https://example..com/jobs",
        "https://Example.com/jobs",
        "HTTPS://example.com/jobs",
        "https://example.com:443/jobs",
        "https://user@example.com/jobs",
        "https://example.com/jobs?id=7&utm_source=x",
        "https://example.com/jobs#apply",
        "https://example.com/./jobs",
        "https://example.com/a/../jobs",
        "https://example.com/.well-known/x",
        "https://example.com/a%20b",
        "https://example.com/a b",
        "https://example.com/caf\u{E9}",
        " https://example.com/jobs ",
        "https://",
        "https:///jobs",
        "ftp://example.com/jobs",
    ])
    func agreesWithParser(url: String) {
        if let plain = URLCanonicalizer.plainlyCanonical(url) {
            #expect(plain == URLCanonicalizer.parsed(url))
        }
        #expect(URLCanonicalizer.canonical(url) == URLCanonicalizer.parsed(url))
    }

    @Test("the common posting URL takes the byte check, capitals, tracking queries and fragments too; ports, dot segments and IDNA do not")
    func takesPlainOnes() {
        #expect(URLCanonicalizer.plainlyCanonical("https://careers.cascade.example/jobs/00178045") == "https://careers.cascade.example/jobs/00178045")
        #expect(URLCanonicalizer.plainlyCanonical("http://jobs.example.com") == "http://jobs.example.com/")
        #expect(URLCanonicalizer.plainlyCanonical("HTTPS://CAREERS.prairie.example/jobs/1?utm_source=aggregator&UTM_Medium=feed&ref=388&gclid=x#apply")
            == "https://careers.prairie.example/jobs/1?ref=388")
        #expect(URLCanonicalizer.plainlyCanonical("https://example.com?b=2&a&c=") == "https://example.com/?b=2&a&c=")
        #expect(URLCanonicalizer.plainlyCanonical("https://example.com/x?utm_source=a#top") == "https://example.com/x")
        for url in ["https://example.com:8080/", "https://example.com:443/", "https://example.com/./x", "https://xn--bcher-kva.example/",
                    "https://example.com/?", "https://example.com/?a&&b", "https://example.com/?a=b=c", "https://example.com/?q=a+b",
                    "https://example.com/?q=%20", "https://example.com/#a b"] {
            #expect(URLCanonicalizer.plainlyCanonical(url) == nil, "\(url)")
        }
    }

    @Test("random URLs from a mixed alphabet: whatever the byte check accepts, the parser gives the same")
    func random() {
        var generator = SystemRandomNumberGenerator()
        let hostBytes = Array("abcz09-.AZ".utf8)
        let pathBytes = Array("aZ09-._~/!$&'()*+,;=:@%?# é".utf8)
        let queryNames = ["id", "ref", "utm_source", "UTM_MEDIUM", "gclid", "Fbclid", "a.b", "x~y", "", "q%20", "a+b", "é"]
        let queryValues = ["", "7", "a-b_c.d~e", "x=y", "a b", "%41", "/", "?"]
        let fragments = ["", "apply", "a/b:c@d", "a#b", "a b", "x?y"]
        var accepted = 0, acceptedWithQuery = 0
        func pick(_ bytes: [UInt8], upTo count: Int) -> String {
            String(decoding: (0..<Int.random(in: 0...count, using: &generator)).map { _ in bytes.randomElement(using: &generator)! }, as: UTF8.self)
        }
        for _ in 0..<6_000 {
            let scheme = ["https://", "http://", "HTTPS://", "Http://"].randomElement(using: &generator)!
            let host = pick(hostBytes, upTo: 12)
            let path = pick(pathBytes, upTo: 12)
            var url = scheme + host + (Bool.random(using: &generator) ? ".example" : "") + (path.isEmpty ? "" : "/" + path)
            if Bool.random(using: &generator) {
                let items = (0..<Int.random(in: 0...4, using: &generator)).map { _ -> String in
                    let name = queryNames.randomElement(using: &generator)!
                    return Bool.random(using: &generator) ? name : name + "=" + queryValues.randomElement(using: &generator)!
                }
                url += "?" + items.joined(separator: "&")
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { url += "#" + fragments.randomElement(using: &generator)! }
            if let plain = URLCanonicalizer.plainlyCanonical(url) {
                accepted += 1
                if url.contains("?") { acceptedWithQuery += 1 }
                #expect(plain == URLCanonicalizer.parsed(url), "\(url)")
            }
        }
        // The check is exercised, not only its refusals, queries included.
        #expect(accepted > 200)
        #expect(acceptedWithQuery > 50)
    }
}
