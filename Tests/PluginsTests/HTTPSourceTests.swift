import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("Sources over HTTP")
struct HTTPSourceTests {
    static let feed = Array("""
        {"source_id":"1","title":"Back-End Developer","date_posted":"2026-11-20T00:00:00Z"}
        {"source_id":"2","title":"Data Engineer","date_posted":"2026-11-21T00:00:00Z"}

        """.utf8)

    static func pipeline(url: String, extra: String = "", local: Bool = false) -> String {
        """
        version: 1
        name: http
        sources:
          remote: { type: jsonl, url: "\(url)"\(extra.isEmpty ? "" : ", " + extra) }
        \(local ? "  local: { type: jsonl, path: local.jsonl }" : "")
        sinks:
          out: { type: jsonl, path: out.jsonl }
        """
    }

    @Test("a 304 on the second fetch keeps the postings; the stored ETag is sent back")
    func notModified() async throws {
        let server = try await TestHTTPServer.start { request, _ in
            if request.headers["if-none-match"] == "\"v1\"" { return .respond(status: 304, headers: ["ETag": "\"v1\""]) }
            return .respond(status: 200, headers: ["ETag": "\"v1\"", "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"], body: Self.feed)
        }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let text = Self.pipeline(url: "\(server.baseURL)/feed.jsonl")
        let first = try await scratch.run(text)
        #expect(first.exitCode == 0)
        #expect(first.sources.first?.new == 2)
        let second = try await scratch.run(text)
        #expect(second.exitCode == 0)
        #expect(second.sources.first?.status == "not-modified")
        #expect(second.sources.first?.expired == 0)
        #expect(try scratch.jsonLines("out.jsonl").count == 2)
        #expect(server.requests.count == 2)
        #expect(server.requests[1].headers["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT")
        #expect(server.requests[0].headers["user-agent"]?.hasPrefix("syndicate/") == true)
    }

    @Test("a 200 with the strong ETag the last success stored is not read; a weak one is")
    func sameStrongETag() async throws {
        // Servers that ignore If-None-Match; a body large enough to be abandoned mid-stream.
        let padding = Array(repeating: UInt8(ascii: "\n"), count: 2 << 20)
        let strong = try await TestHTTPServer.start { _, _ in .respond(status: 200, headers: ["ETag": "\"v1\""], body: Self.feed + padding) }
        let weak = try await TestHTTPServer.start { _, _ in .respond(status: 200, headers: ["ETag": "W/\"v1\""], body: Self.feed) }
        defer { Task { await strong.stop(); await weak.stop() } }
        let scratch = try Scratch()
        let text = Self.pipeline(url: "\(strong.baseURL)/feed.jsonl")
        #expect(try await scratch.run(text).sources.first?.new == 2)
        let again = try await scratch.run(text)
        #expect(again.exitCode == 0)
        #expect(again.sources.first?.status == "not-modified")
        #expect(again.active == 2)
        #expect(strong.requests.last?.headers["if-none-match"] == "\"v1\"")

        let other = try Scratch()
        let weakText = Self.pipeline(url: "\(weak.baseURL)/feed.jsonl")
        _ = try await other.run(weakText)
        let read = try await other.run(weakText)
        #expect(read.sources.first?.status == "ok")
        #expect(read.sources.first?.unchanged == 2)
    }

    @Test("a body without validators is compared by its bytes: the same body again is not parsed")
    func sameBodyWithoutValidators() async throws {
        let changed = Self.feed + Array(#"{"source_id":"3","title":"QA Engineer","date_posted":"2026-11-22T00:00:00Z"}"#.utf8) + [0x0A]
        // No ETag, no Last-Modified: the same body twice, then another.
        let server = try await TestHTTPServer.start { _, count in
            .respond(status: 200, body: count < 2 ? Self.feed : changed)
        }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let text = Self.pipeline(url: "\(server.baseURL)/feed.jsonl")
        let first = try await scratch.run(text)
        #expect(first.sources.first?.new == 2)
        let published = try scratch.read("out.jsonl")
        let same = try await scratch.run(text)
        #expect(same.exitCode == 0)
        #expect(same.sources.first?.status == "not-modified")
        #expect(same.sources.first?.sent == 0)
        #expect(same.sources.first?.expired == 0)
        #expect(try scratch.read("out.jsonl") == published)
        // The digest is ours, not the server's: it is never sent as an ETag.
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.headers["if-none-match"] == nil && $0.headers["if-modified-since"] == nil })
        let other = try await scratch.run(text)
        #expect(other.sources.first?.status == "ok")
        #expect(other.sources.first?.new == 1)
        #expect(other.sources.first?.unchanged == 2)
        #expect(try scratch.jsonLines("out.jsonl").count == 3)
    }

    @Test("a 503 then a 200 is retried and succeeds")
    func retries() async throws {
        let server = try await TestHTTPServer.start { _, count in
            count == 0 ? .respond(status: 503, headers: ["Retry-After": "0"]) : .respond(status: 200, body: Self.feed)
        }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let report = try await scratch.run(Self.pipeline(url: "\(server.baseURL)/feed", extra: "retries: 2, retry_delay: 0.01"))
        #expect(report.exitCode == 0)
        #expect(server.requests.count == 2)
        #expect(try scratch.jsonLines("out.jsonl").count == 2)
    }

    @Test("retries run out with the status and the number of attempts")
    func retriesRunOut() async throws {
        let server = try await TestHTTPServer.start { _, _ in .respond(status: 429) }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let report = try await scratch.run(Self.pipeline(url: "\(server.baseURL)/feed", extra: "retries: 2, retry_delay: 0.01"))
        #expect(report.sources.first?.error == "\(server.baseURL)/feed: HTTP 429 Too Many Requests after 3 attempts")
        #expect(server.requests.count == 3)
    }

    @Test("a 404 fails at once, without retries")
    func notFound() async throws {
        let server = try await TestHTTPServer.start { _, _ in .respond(status: 404) }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let report = try await scratch.run(Self.pipeline(url: "\(server.baseURL)/gone", extra: "retry_delay: 0.01"))
        #expect(report.sources.first?.error == "\(server.baseURL)/gone: HTTP 404 Not Found")
        #expect(server.requests.count == 1)
    }

    @Test("a server that never answers times out within the timeout and fails only its source")
    func timeout() async throws {
        let server = try await TestHTTPServer.start { _, _ in .hang }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        try scratch.write("local.jsonl", #"{"source_id":"l1","title":"Local job"}"#)
        let started = Date()
        let report = try await scratch.run(Self.pipeline(url: "\(server.baseURL)/slow", extra: "timeout: 0.5", local: true))
        let elapsed = Date().timeIntervalSince(started)
        // The source itself gives up within a few timeouts; the whole run's wall time only has a
        // loose bound: under the parallel suite on two busy cores it once took 6 s (alone 0.6 s).
        let remote = try #require(report.sources.first { $0.name == "remote" })
        #expect(remote.durationSeconds < 5)
        #expect(elapsed < 30)
        #expect(report.exitCode == ExitStatus.partial)
        #expect(report.sources.first { $0.name == "remote" }?.error == "\(server.baseURL)/slow: no answer within 0.5s (timeout)")
        #expect(try scratch.jsonLines("out.jsonl").map { $0["source_id"] } == [.string("l1")])
    }

    @Test("gzip bodies are decompressed; headers from the file are sent")
    func gzipAndHeaders() async throws {
        let compressed = try Self.gzip(Self.feed)
        let server = try await TestHTTPServer.start { _, _ in .respond(status: 200, headers: ["Content-Encoding": "gzip"], body: compressed) }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let text = Self.pipeline(url: "\(server.baseURL)/feed.gz", extra: #"headers: { Authorization: "Bearer ${TOKEN:-t0ken}" }"#)
        let report = try await scratch.run(text)
        #expect(report.exitCode == 0)
        #expect(try scratch.jsonLines("out.jsonl").count == 2)
        #expect(server.requests.first?.headers["authorization"] == "Bearer t0ken")
        #expect(server.requests.first?.headers["accept-encoding"]?.contains("gzip") == true)
    }

    @Test("a body larger than max_bytes fails the source")
    func maxBytes() async throws {
        let server = try await TestHTTPServer.start { _, _ in .respond(status: 200, body: Self.feed) }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let report = try await scratch.run(Self.pipeline(url: "\(server.baseURL)/big", extra: "max_bytes: 10"))
        #expect(report.sources.first?.error?.contains("max_bytes (10)") == true)
    }

    @Test("a document that fails mid-body over HTTP fails its source cleanly")
    func failsMidBody() async throws {
        let body = Array(("<rss><channel>" + String(repeating: "<item><title>A</title><guid>1</guid></item>", count: 20_000) + "<item><oops></item></channel></rss>").utf8)
        let server = try await TestHTTPServer.start { _, _ in .respond(status: 200, body: body) }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        let report = try await scratch.run("""
            version: 1
            name: http
            sources: { remote: { type: rss, url: "\(server.baseURL)/feed.xml" } }
            sinks: { out: { type: jsonl, path: out.jsonl } }
            """)
        #expect(report.exitCode == ExitStatus.failed)
        #expect(report.sources.first?.error?.contains("opening and ending tag mismatch") == true)
    }

    @Test("redirects are followed up to max_redirects")
    func redirects() async throws {
        let server = try await TestHTTPServer.start { request, count in
            request.path == "/final" ? .respond(status: 200, body: Self.feed) : .respond(status: 302, headers: ["Location": count < 1 ? "/hop\(count)" : "/final"])
        }
        defer { Task { await server.stop() } }
        let scratch = try Scratch()
        #expect(try await scratch.run(Self.pipeline(url: "\(server.baseURL)/start", extra: "max_redirects: 2")).exitCode == 0)
        let endless = try await TestHTTPServer.start { _, count in .respond(status: 302, headers: ["Location": "/loop\(count)"]) }
        defer { Task { await endless.stop() } }
        let report = try await scratch.run(Self.pipeline(url: "\(endless.baseURL)/start", extra: "max_redirects: 2, retries: 0"))
        #expect(report.sources.first?.status == "failed")
        #expect(report.sources.first?.error?.contains("redirect") == true)
        #expect(endless.requests.count == 3)
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}
