import Foundation

/// Where a source emits its postings. It stamps each with its source and id, applies the
/// source's `defaults:`, sends malformed ones to the rejects, and passes the rest on in batches;
/// `emit` waits while the stages are busy, which is what bounds a run's memory.
///
/// Used by one source task only.
public final class SourceOutput {
    /// The source's name.
    public let sourceName: String
    /// The run's shared context.
    public let run: RunContext
    private let defaults: [FieldAssignment]
    private let batchSize: Int
    private let send: @Sendable ([JobPosting]) async -> Void
    private var batch: [JobPosting] = []
    /// Where the source reads from.
    public let input: SourceInput?
    /// The validators the store kept from the last fetch.
    let validators: SourceState?
    /// The validators of this run's response, for the next run: an HTTP response's ETag (or a
    /// body's content, for a server that gives none), a file's validator (its content's too once
    /// it has been read to the end), or a glob's (its files').
    public var etag: String? {
        if let glob { return glob.validator }
        guard let reading else { return fetchedETag }
        return reading.validator
    }
    public private(set) var lastModified: String?
    private var fetchedETag: String?
    private var reading: FileReading?
    private var glob: GlobReading?
    /// Postings passed on.
    public private(set) var emitted = 0
    /// Postings rejected.
    public private(set) var rejected = 0

    /// Creates an output that hands full batches to `send`.
    public init(
        sourceName: String, run: RunContext, defaults: [FieldAssignment], batchSize: Int,
        input: SourceInput? = nil, validators: SourceState? = nil,
        send: @escaping @Sendable ([JobPosting]) async -> Void
    ) {
        self.sourceName = sourceName
        self.input = input
        self.validators = validators
        self.run = run
        self.defaults = defaults
        self.batchSize = max(1, batchSize)
        self.send = send
        batch.reserveCapacity(self.batchSize)
    }

    /// Opens the source's `path:` or `url:` as a byte stream. An HTTP fetch is conditional on
    /// the last response's validators; a 304 ends the source as "not modified", its postings kept.
    ///
    /// ```swift
    /// let (input, stream) = try await output.openInput()
    /// ```
    public func openInput() async throws -> (SourceInput, any ByteStream) {
        guard let input else { throw SourceError("source '\(sourceName)' has no path: or url:") }
        let fetched = try await input.open(validators: validators)
        fetchedETag = fetched.etag
        reading = fetched.reading
        lastModified = fetched.lastModified
        return (input, fetched.stream)
    }

    /// Opens each document of the source in turn: one for a file or a URL, one per matching
    /// file, in name order, for a glob such as `drops/*.xml`. A glob that matches nothing is an
    /// empty source, not a failure (a drop folder may be empty). A glob whose files are the ones
    /// the last success read, or have the same bytes, throws `HTTPFetcher.NotModified`, as a
    /// single file does (`GlobReading`).
    public func forEachDocument(_ body: (SourceInput, any ByteStream) async throws -> Void) async throws {
        guard let input else { throw SourceError("source '\(sourceName)' has no path: or url:") }
        if case .file(let url, let display) = input, Glob.isPattern(display) {
            // The files' identities are taken before any is read: a file changed while the
            // source reads it has another identity at the next run, which reads it again.
            let glob = GlobReading(matches: try Glob.expand(url.path))
            try glob.skipIfUnchanged(since: validators?.etag)
            self.glob = glob
            for match in glob.matches {
                try Task.checkCancellation()
                let shown = Glob.display(match, pattern: display, resolvedPattern: url.path)
                let document = SourceInput.file(URL(fileURLWithPath: match), display: shown)
                let fetched = try await document.open()
                glob.add(fetched.reading)
                try await body(document, fetched.stream)
            }
            return
        }
        let (document, stream) = try await openInput()
        try await body(document, stream)
    }

    /// Emits one posting read at `position` (`line 3`, `$.jobs[2]`), or rejects it when it has no
    /// title, or neither a URL nor a source id.
    public func emit(_ p: consuming JobPosting, position: @autoclosure () -> String, raw: @autoclosure () -> String? = nil) async throws {
        // Consumed, not copied: a copy of each posting a source gives was a retain of each of
        // its strings.
        p.source = sourceName
        for assignment in defaults where assignment.path.get(p) == .null {
            try? assignment.path.set(assignment.value, on: &p)
        }
        // The title as given is the raw title, in a reject's JSON too.
        if p.titleRaw == nil, !(p.title?.trimmed ?? "").isEmpty { p.titleRaw = p.title }
        if let reason = Self.incompleteness(of: p) {
            reject(position: position(), reason: reason, raw: raw() ?? p.jsonText)
            return
        }
        if p.id == nil { p.id = PostingID.make(source: sourceName, sourceID: p.sourceID, url: p.url) }
        batch.append(consume p)
        emitted += 1
        if batch.count >= batchSize { try await flush() }
    }

    /// Why `emit` rejects a posting (after the source's defaults are applied): no title, or
    /// neither a URL nor a source id; nil when it has what a posting needs. Sources that keep
    /// a record's raw form only for the postings that may be rejected ask it beforehand.
    public static func incompleteness(of p: JobPosting) -> String? {
        if (p.title?.trimmed ?? "").isEmpty { return "missing title" }
        if p.url == nil, p.sourceID == nil { return "missing both url and source_id; a posting needs one to be identified" }
        return nil
    }

    /// Sends a malformed posting to the rejects.
    public func reject(position: String, reason: String, raw: String?) {
        rejected += 1
        run.reject(source: sourceName, position: position, reason: reason, raw: raw)
    }

    /// Records a warning about this source's data.
    public func warn(_ message: String, position: String) {
        run.warn(source: sourceName, "\(position): \(message)")
    }

    /// Passes on what is batched; sources need not call it, the runner does at the end.
    public func flush() async throws {
        try Task.checkCancellation()
        guard !batch.isEmpty else { return }
        let full = batch
        batch.removeAll(keepingCapacity: true)
        await send(full)
    }
}

/// Stable posting ids: the same source and source id (or URL) give the same id on every run.
public enum PostingID {
    /// A 16-hex-digit id from the source name and the source id, or the URL without one.
    public static func make(source: String, sourceID: String?, url: String?) -> String {
        var hash = StableHash()
        hash.add(source)
        if let sourceID {
            hash.add("id")
            hash.add(sourceID)
        } else {
            hash.add("url")
            hash.add(url ?? "")
        }
        return hash.hex
    }
}
