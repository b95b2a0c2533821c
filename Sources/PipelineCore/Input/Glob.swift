import Foundation

/// File-name patterns for `path:` (`drops/*.xml`, `feeds/partner-??.json`), expanded with the
/// C library's glob(3).
enum Glob {
    static func isPattern(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The regular files matching `pattern`, sorted by name.
    static func expand(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(pattern, 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw SourceError("\(pattern): cannot list the matching files") }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            guard let p = result.gl_pathv[i] else { continue }
            let path = String(cString: p)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(path)
            }
        }
        return paths.sorted()
    }

    /// A matched file as the operator would write it: the pattern's directory as written, then
    /// the file's name.
    static func display(_ match: String, pattern display: String, resolvedPattern: String) -> String {
        let writtenDirectory = (display as NSString).deletingLastPathComponent
        let name = (match as NSString).lastPathComponent
        return writtenDirectory.isEmpty ? name : "\(writtenDirectory)/\(name)"
    }
}
