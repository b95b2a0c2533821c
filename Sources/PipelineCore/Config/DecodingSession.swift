import Foundation
import Yams

/// What one pipeline file's decoding shares: where it is, the environment for `${VAR}`, and the
/// problems found so far. Decoding records problems here and goes on with placeholders, so one
/// pass reports every problem of a file.
final class DecodingSession {
    let file: String
    let baseDirectory: URL
    let environment: [String: String]
    let checkFiles: Bool
    private(set) var diagnostics: [Diagnostic] = []
    /// The environment variables the file's values name (`${VAR}`), for its fingerprint.
    var variables: Set<String> = []
    /// Keys read from each mapping node (by its position), for unknown-key detection.
    var accessed: [MarkKey: Set<String>] = [:]

    struct MarkKey: Hashable {
        let line: Int
        let column: Int
        init(_ mark: Mark?) {
            line = mark?.line ?? 0
            column = mark?.column ?? 0
        }
    }

    init(file: String, baseDirectory: URL, environment: [String: String], checkFiles: Bool) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.checkFiles = checkFiles
    }

    var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }

    func error(_ message: String, at mark: Mark?, offset: Int = 0) {
        diagnostics.append(Diagnostic(
            file: file, line: mark?.line, column: mark.map { $0.column + offset }, message: message))
    }

    func warning(_ message: String, at mark: Mark?) {
        diagnostics.append(Diagnostic(
            file: file, line: mark?.line, column: mark?.column, severity: .warning, message: message))
    }

    /// Reports the keys of `mapping` that nothing read, with a suggestion from those that were.
    func reportUnknownKeys(in mapping: Node.Mapping, known extra: [String] = [], of owner: String) {
        let read = accessed[MarkKey(mapping.mark)] ?? []
        let known = Array(read) + extra
        for (keyNode, _) in mapping {
            guard let key = keyNode.scalar?.string, !read.contains(key), !extra.contains(key) else { continue }
            var message = "unknown option '\(key)' for \(owner)"
            if let near = Suggestion.closest(to: key, among: known) {
                message += " (did you mean '\(near)'?)"
            } else if !known.isEmpty {
                message += "; expected one of \(known.sorted().joined(separator: ", "))"
            }
            error(message, at: keyNode.mark)
        }
    }

    var userInfo: [CodingUserInfoKey: any Sendable] {
        [configBaseDirectoryKey: baseDirectory, configCheckFilesKey: checkFiles]
    }
}

/// Thrown when decoding cannot continue even with placeholders; the problem is already recorded.
struct DecodingAbandoned: Error {}
