import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches a source's URL: a conditional GET with the stored validators, retries with
/// exponential back-off and jitter on connection errors, 429 and 5xx (honouring `Retry-After`),
/// gzip and deflate, a size limit, and the body streamed to the parser as it arrives.
///
/// ```swift
/// let fetched = try await HTTPFetcher.fetch(url, settings: s, validators: state)
/// var body = fetched.stream
/// ```
public enum HTTPFetcher {
    /// A response whose body is being streamed.
    public struct Fetched {
        /// The body.
        public var stream: any ByteStream
        /// The response's validators, for the next run's conditional request.
        public var etag: String?
        public var lastModified: String?
        /// For a file, what is learnt of it as it is read: its validator once read to the end.
        public var reading: FileReading?

        /// A stream with no validators.
        public init(stream: any ByteStream, etag: String? = nil, lastModified: String? = nil) {
            self.stream = stream
            self.etag = etag
            self.lastModified = lastModified
        }
    }

    /// Thrown when the server answers 304 Not Modified.
    public struct NotModified: Error {
        public var etag: String?
        public var lastModified: String?
    }

    /// Retry-After values beyond this are capped, so one server cannot stall a run for hours.
    static let maximumRetryAfter = 120.0

    /// Starts fetching `url`; throws `NotModified` for a 304 and `SourceError` for failures.
    public static func fetch(_ url: URL, settings: HTTPSettings, validators: SourceState?) async throws -> Fetched {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: settings.maxRedirects > 0 ? .follow(max: settings.maxRedirects, allowCycles: false) : .disallow,
            timeout: .init(connect: .milliseconds(Int64(settings.timeout * 1000)), read: .milliseconds(Int64(settings.timeout * 1000))),
            decompression: .enabled(limit: .size(settings.maxBytes)))
        configuration.httpVersion = .automatic
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let fetched = try await fetch(url, client: client, settings: settings, validators: validators)
            return fetched
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func fetch(_ url: URL, client: HTTPClient, settings: HTTPSettings, validators: SourceState?) async throws -> Fetched {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: SyndicateInfo.userAgent)
        request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        // A body's content (`DownloadedBody`) is no ETag of the server's: compared here, not sent.
        if let etag = validators?.etag, !ContentValidator.isContentOnly(etag) {
            request.headers.add(name: "If-None-Match", value: etag)
        }
        if let modified = validators?.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }

        let where_ = url.absoluteString
        var attempt = 0
        while true {
            try Task.checkCancellation()
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeout * 1000)))
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                // Timeouts are not retried: each attempt would cost the whole timeout again.
                throw SourceError("\(where_): no answer within \(format(settings.timeout))s (timeout)")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard attempt < settings.retries else {
                    throw SourceError("\(where_): \(describe(error)) after \(attempt + 1) attempt\(attempt == 0 ? "" : "s")")
                }
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int64(backoff(attempt, base: settings.retryDelay) * 1000)))
                continue
            }
            let status = response.status.code
            if status == 304 {
                throw NotModified(etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
            }
            if status == 429 || (500...599).contains(status) {
                guard attempt < settings.retries else {
                    throw SourceError("\(where_): HTTP \(status) \(response.status.reasonPhrase) after \(attempt + 1) attempt\(attempt == 0 ? "" : "s")")
                }
                attempt += 1
                let wait = retryAfter(response.headers.first(name: "Retry-After")) ?? backoff(attempt, base: settings.retryDelay)
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                continue
            }
            guard (200...299).contains(status) else {
                throw SourceError("\(where_): HTTP \(status) \(response.status.reasonPhrase)")
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > settings.maxBytes {
                throw SourceError("\(where_): the body is \(length) bytes, more than max_bytes (\(settings.maxBytes))")
            }
            // A server that ignores If-None-Match but names the body with the strong ETag the
            // last success stored says it is the same body, as a 304 would: not read again.
            // (A weak ETag, `W/"…"`, promises only an equivalent one.)
            if let etag = response.headers.first(name: "ETag"), !etag.hasPrefix("W/"), etag == validators?.etag {
                throw NotModified(etag: etag, lastModified: response.headers.first(name: "Last-Modified"))
            }
            return Fetched(
                stream: HTTPBodyStream(body: response.body, client: client, display: where_, maxBytes: settings.maxBytes),
                etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
        }
    }

    /// `base × 2^(attempt-1)`, ±50% jitter, capped at 60 s.
    static func backoff(_ attempt: Int, base: Double) -> Double {
        let exponential = base * pow(2, Double(attempt - 1))
        return min(60, exponential * Double.random(in: 0.5...1.5))
    }

    /// Seconds from a Retry-After header: delta seconds or an HTTP date.
    static func retryAfter(_ value: String?) -> Double? {
        guard let value = value?.trimmed, !value.isEmpty else { return nil }
        if let seconds = Double(value) { return min(maximumRetryAfter, max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return min(maximumRetryAfter, max(0, date.timeIntervalSinceNow))
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError { return "\(e)".replacingOccurrences(of: "HTTPClientError.", with: "") }
        if let e = error as? IOError { return e.description }
        return "\(error)"
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// A response body as a byte stream; closes its client at the end.
final class HTTPBodyStream: ByteStream {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private let client: HTTPClient
    private let display: String
    private let maxBytes: Int
    private var received = 0
    private var closed = false

    init(body: HTTPClientResponse.Body, client: HTTPClient, display: String, maxBytes: Int) {
        self.iterator = body.makeAsyncIterator()
        self.client = client
        self.display = display
        self.maxBytes = maxBytes
    }

    func next() async throws -> [UInt8]? {
        do {
            guard let buffer = try await iterator.next() else {
                await close()
                return nil
            }
            received += buffer.readableBytes
            if received > maxBytes {
                await close()
                throw SourceError("\(display): the body is larger than max_bytes (\(maxBytes))")
            }
            return Array(buffer.readableBytesView)
        } catch let error as SourceError {
            throw error
        } catch is CancellationError {
            await close()
            throw CancellationError()
        } catch let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded {
            await close()
            throw SourceError("\(display): the body stopped arriving (timeout)")
        } catch {
            await close()
            throw SourceError("\(display): reading the body failed: \(HTTPFetcher.describe(error))")
        }
    }

    private func close() async {
        guard !closed else { return }
        closed = true
        try? await client.shutdown()
    }

    /// A source that stops reading early (a parse error mid-body) abandons the stream: the
    /// client is shut down here. While it shuts down, the client keeps itself alive.
    deinit {
        if !closed {
            client.shutdown(queue: .global()) { _ in }
        }
    }
}
