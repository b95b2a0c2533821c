import Foundation

/// Where the tests make their files and stores: one folder per test process under the system's
/// temporary folder, removed when the process exits.
///
/// Each test made a folder of its own straight under `/tmp` and left it there: some 800 a run of
/// the suite, which filled a developer's or a CI machine's `/tmp` run after run. Removing each
/// test's folder when the test ends would need every test to say so (and Swift does not promise
/// a value lives to the end of its scope, so a `deinit` could remove a folder still in use); one
/// folder removed at exit needs nothing of them. A process that crashes leaves its folder, named
/// after its process id.
public enum ScratchDirectory {
    /// This process's folder, made on first use; removed at exit with all it holds.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syndicate-tests-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.root) }
        return url
    }()

    /// A new, empty folder under `root`, its name starting with `label`.
    public static func make(_ label: String) throws -> URL {
        let url = path(label)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new name under `root` for a file or a folder the caller makes, starting with `label`.
    public static func path(_ label: String) -> URL {
        root.appendingPathComponent("\(label)-\(UUID().uuidString)")
    }
}
