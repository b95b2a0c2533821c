import Foundation

/// A folder of files published together: written into a staging folder beside the target, then
/// each file renamed into the target — every file appears whole — and the files of the previous
/// run that this one did not write removed. A failed run removes the staging folder and leaves
/// the target as it was. For sinks that write a file per posting (`jsonld` with
/// `per_posting: true`).
///
/// ```swift
/// let folder = try AtomicDirectory(target: url, fileExtension: "jsonld")
/// try folder.write(name: "4e7140c65b771940.jsonld", bytes)
/// try folder.commit()
/// ```
public final class AtomicDirectory: PublishedOutput {
    /// The folder's final location.
    public let target: URL
    /// The staging folder.
    public let staging: URL
    /// Files of this kind in the target that this run did not write are removed at commit.
    public let fileExtension: String
    private var names: Set<String> = []
    private var done = false
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// Creates the staging folder beside the target (or in `stagingDirectory`, for dry runs).
    public init(target: URL, fileExtension: String, stagingDirectory: URL? = nil) throws {
        self.target = target
        self.fileExtension = fileExtension
        let parent = stagingDirectory ?? target.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw SourceError("cannot create the folder \(staging.path): \(error.localizedDescription)")
        }
    }

    /// Writes one file of the folder; `name` is a plain file name.
    public func write(name: String, _ bytes: [UInt8]) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw SourceError("'\(name)' cannot name a file in \(target.path)")
        }
        guard FileManager.default.createFile(atPath: staging.appendingPathComponent(name).path, contents: Data(bytes)) else {
            throw SourceError("cannot write \(name) in \(staging.path): permission denied or disk full")
        }
        names.insert(name)
        bytesWritten += bytes.count
    }

    /// Moves every file into the target, then removes the target's files of the same kind that
    /// this run did not write.
    public func commit() throws {
        guard !done else { return }
        done = true
        defer { try? FileManager.default.removeItem(at: staging) }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in names.sorted() {
            let from = staging.appendingPathComponent(name), to = target.appendingPathComponent(name)
            if rename(from.path, to.path) != 0 {
                throw SourceError("cannot rename \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
            }
        }
        for old in (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
        where old.hasSuffix(".\(fileExtension)") && !names.contains(old) {
            try? FileManager.default.removeItem(at: target.appendingPathComponent(old))
        }
    }

    /// Removes the staging folder; the target stays as it was.
    public func discard() {
        done = true
        try? FileManager.default.removeItem(at: staging)
    }

    deinit {
        if !done { discard() }
    }
}

/// What a sink's feed is published as: one file, or a folder of files.
public protocol PublishedOutput: AnyObject {
    /// Makes it visible at its target.
    func commit() throws
    /// Forgets it; the target stays as it was.
    func discard()
    /// Bytes written so far.
    var bytesWritten: Int { get }
}

extension AtomicFile: PublishedOutput {}
