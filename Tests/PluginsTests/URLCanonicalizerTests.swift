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

    @Test("the common posting URL takes the byte check; hosts in capitals, ports, queries and dot segments do not")
    func takesPlainOnes() {
        #expect(URLCanonicalizer.plainlyCanonical("https://careers.cascade.example/jobs/00178045") == "https://careers.cascade.example/jobs/00178045")
        #expect(URLCanonicalizer.plainlyCanonical("http://jobs.example.com") == "http://jobs.example.com/")
        for url in ["https://Example.com/", "https://example.com:8080/", "https://example.com/?a=1", "https://example.com/./x", "https://xn--bcher-kva.example/"] {
            #expect(URLCanonicalizer.plainlyCanonical(url) == nil, "\(url)")
        }
    }

    @Test("random URLs from a mixed alphabet: whatever the byte check accepts, the parser gives the same")
    func random() {
        var generator = SystemRandomNumberGenerator()
        let hostBytes = Array("abcz09-.A".utf8)
        let pathBytes = Array("aZ09-._~/!$&'()*+,;=:@%?# é".utf8)
        var accepted = 0
        for _ in 0..<3_000 {
            let host = String(decoding: (0..<Int.random(in: 1...12, using: &generator)).map { _ in hostBytes.randomElement(using: &generator)! }, as: UTF8.self)
            let path = String(decoding: (0..<Int.random(in: 0...12, using: &generator)).map { _ in pathBytes.randomElement(using: &generator)! }, as: UTF8.self)
            let url = "https://" + host + (Bool.random(using: &generator) ? ".example" : "") + (path.isEmpty ? "" : "/" + path)
            if let plain = URLCanonicalizer.plainlyCanonical(url) {
                accepted += 1
                #expect(plain == URLCanonicalizer.parsed(url), "\(url)")
            }
        }
        // The check is exercised, not only its refusals.
        #expect(accepted > 100)
    }
}
