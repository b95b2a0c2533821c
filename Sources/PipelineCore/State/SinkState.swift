import Foundation

/// What a store remembers of a sink's last published feed, so that a run whose active set and
/// pipeline are unchanged leaves an untouched feed as it is instead of writing the same bytes.
///
/// The feed is the same if the pipeline's fingerprint (its file, the variables it names, the
/// version) and the active set's digest (`RunTransaction.activeDigest`) are those it was written
/// under, and the file at the target is still the one written (`file`: device, inode, size and
/// modification time). Sinks write nothing that depends on the time of the run.
public struct SinkState: Sendable, Codable, Hashable {
    /// `Pipeline.fingerprint` of the run that wrote it.
    public var fingerprint: String
    /// The active set it was written from.
    public var activeDigest: String
    /// The written file's validator (`FileValidator`).
    public var file: String
    /// Postings it holds and its size, for the report of a run that leaves it as it is.
    public var written: Int
    public var bytes: Int

    /// Creates a state.
    public init(fingerprint: String, activeDigest: String, file: String, written: Int, bytes: Int) {
        self.fingerprint = fingerprint
        self.activeDigest = activeDigest
        self.file = file
        self.written = written
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, file, written, bytes
        case activeDigest = "active_digest"
    }

    /// The state as stored (one JSON text).
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A stored state, or nil when it cannot be read (then the feed is simply written again).
    init?(text: String) {
        guard let state = try? JSONDecoder().decode(SinkState.self, from: Data(text.utf8)) else { return nil }
        self = state
    }
}
