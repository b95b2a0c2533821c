import Foundation

/// Reads a password from a `.pgpass` file, as libpq does, so that no password has to be written
/// in a pipeline file or a crontab. Written by hand: no listed package reads the format, and it
/// is a dozen lines.
///
/// Each line is `host:port:database:user:password`; `*` matches anything, `\:` and `\\` escape,
/// `#` starts a comment, and the first matching line wins. Like libpq, a file that others can
/// read is ignored.
///
/// ```swift
/// PgPass.password(host: "db", port: 5432, database: "jobs", user: "syndicate", environment: env)
/// ```
enum PgPass {
    /// The password for the connection, if the file has a line for it.
    static func password(host: String, port: Int, database: String, user: String, environment: [String: String]) -> String? {
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { "\($0)/.pgpass" }
        guard let path, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 == 0,
              let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        let wanted = [host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// Splits a line at unescaped colons, undoing the escapes.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
