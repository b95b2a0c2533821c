import Foundation

/// What a glob source (`drops/*.xml`) keeps of the files its last success read, and learns of
/// those it reads now: their names and identities as one digest (`FileValidator.of(paths:)`)
/// and, once every file was read to its end, their bytes as one content (`ContentValidator`:
/// `files:count:digest content:bytes:digest`).
///
/// As for a single file: the same files are not read again, and files rewritten with the same
/// bytes (a folder synced again with new modification times) are hashed and not parsed; a file
/// changed, added or gone reads them all.
///
/// ```swift
/// let glob = GlobReading(matches: try Glob.expand(pattern))
/// try glob.skipIfUnchanged(since: validators?.etag)   // throws NotModified
/// glob.add(fetched.reading)                           // for each file opened, in order
/// glob.validator                                       // for the next run
/// ```
final class GlobReading {
    /// The matching files, in name order.
    let matches: [String]
    /// Their names and identities, taken before any is read; nil when one has none (changed in
    /// the last seconds, or gone).
    let identity: String?
    /// Their sizes added up, when they were taken.
    private let bytes: Int
    private var readings: [FileReading] = []

    /// The glob's files as they are now.
    init(matches: [String]) {
        self.matches = matches
        let listed = FileValidator.of(paths: matches, settled: FileByteStream.settledSeconds)
        identity = listed?.validator
        bytes = listed?.bytes ?? -1
    }

    /// Throws `HTTPFetcher.NotModified` when the files are those `stored` describes: the same
    /// files, or files with the same bytes (hashed only if their sizes add up to the same).
    func skipIfUnchanged(since stored: String?) throws {
        try ContentValidator.skipIfUnchanged(
            stored, identity: identity, bytes: bytes,
            content: {
                // One file open at a time: a folder of thousands must not run out of descriptors.
                try Self.combined(matches.map { ($0, try Self.stream($0).content()) })
            },
            matched: { for match in matches { try Self.stream(match).giveBackPages() } })
    }

    /// Adds what is learnt of the next file as it is read.
    func add(_ reading: FileReading?) {
        if let reading { readings.append(reading) }
    }

    /// The validator for the next run: the identity, and the content once every file was read
    /// to its end.
    var validator: String? {
        guard let identity else { return nil }
        let contents = readings.compactMap(\.content)
        guard contents.count == matches.count else { return identity }
        return ContentValidator.text(identity: identity, content: Self.combined(zip(matches, contents).map { $0 }))
    }

    private static func stream(_ path: String) throws -> FileByteStream {
        try FileByteStream(url: URL(fileURLWithPath: path), display: path, chunkSize: 256 * 1024)
    }

    /// The files' contents as one: their bytes added up, and a digest of each name with its
    /// file's digest, in order.
    private static func combined(_ files: [(String, ContentValidator.Content)]) -> ContentValidator.Content {
        var digest = ContentHash.Stream()
        var bytes = 0
        for (name, content) in files {
            digest.add(Array(name.utf8) + [0] + Array(content.digest.utf8) + [0x0A])
            bytes += content.bytes
        }
        return ContentValidator.Content(bytes: bytes, digest: digest.finish().hex)
    }
}
