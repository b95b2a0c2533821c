import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response body from a server that gives no validators (no ETag, no Last-Modified), which
/// makes every fetch a full download: it is downloaded into a temporary file and hashed before
/// it is parsed, and when it has the bytes the last success read, the source ends as not
/// modified, its postings kept, as after a 304.
///
/// Why a file and not the parser straight from the network, as for a body with validators: the
/// digest is known only at the end of the body, and by then a parser fed as the body arrived
/// would have done the work the digest is meant to spare. The file is in `TMPDIR`, without a
/// name once opened (its space is freed when the source is done with it), and as large as the
/// body (at most the source's `max_bytes`).
///
/// ```swift
/// let fetched = try await HTTPFetcher.fetch(url, settings: settings, validators: state)
/// let body = try await DownloadedBody.download(fetched, display: url.absoluteString, validators: state)
/// ```
public enum DownloadedBody {
    /// `fetched`'s body downloaded into `directory` and hashed: a stream over it whose validator
    /// is its content, or `HTTPFetcher.NotModified` when `validators` hold that content already.
    public static func download(
        _ fetched: HTTPFetcher.Fetched, display: String, validators: SourceState?,
        directory: URL = FileManager.default.temporaryDirectory
    ) async throws -> HTTPFetcher.Fetched {
        var body = fetched.stream
        let path = directory.appendingPathComponent("syndicate-body-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SourceError(
                "\(display): cannot keep the body in \(directory.path) to compare it with the last one: \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
        }
        // Unlinked once the stream has it open (or on failure): the space is the open file's.
        defer { unlink(path) }
        var digest = ContentHash.Stream()
        var count = 0
        do {
            defer { close(descriptor) }
            while let chunk = try await body.next() {
                digest.add(chunk)
                count += chunk.count
                try writeAll(chunk, to: descriptor, directory: directory.path, display: display)
            }
        }
        let content = ContentValidator.Content(bytes: count, digest: digest.finish().hex)
        let validator = ContentValidator.text(identity: nil, content: content)
        if let stored = validators?.etag, ContentValidator.isContentOnly(stored), ContentValidator.parse(stored).content == content {
            throw HTTPFetcher.NotModified(etag: validator, lastModified: nil)
        }
        return HTTPFetcher.Fetched(stream: try FileByteStream(url: URL(fileURLWithPath: path), display: display, chunkSize: 256 * 1024, validated: false), etag: validator)
    }

    private static func writeAll(_ chunk: [UInt8], to descriptor: Int32, directory: String, display: String) throws {
        try chunk.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    throw SourceError(
                        "\(display): cannot keep the body in \(directory): \(String(cString: strerror(errno))); it needs as much free space as the body (at most max_bytes), or set TMPDIR elsewhere")
                }
            }
        }
    }
}
