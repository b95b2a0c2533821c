import Foundation

/// A `postgres://` state location as an operator writes it (`state:` or `--state`), read the way
/// libpq reads one, so that the URL a board already uses for its other tools works here:
/// `postgres://user:password@host:5432/db?sslmode=require`.
///
/// The password comes from the URL, else `PGPASSWORD`, else the `.pgpass` file (`PGPASSFILE` or
/// `~/.pgpass`). It never appears in `description`, which is what messages, logs and reports
/// show.
///
/// ```swift
/// let url = try PostgresURL("postgres://syndicate@db.internal/jobs?sslmode=require")
/// print(url)   // postgres://syndicate@db.internal:5432/jobs
/// ```
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The user; `PGUSER` or the login name when the URL names none.
    public var user: String
    /// The password, if any source gave one.
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database; the user's name when the URL names none (as libpq does).
    public var database: String
    /// `sslmode`, `prefer` by default (as libpq).
    public var tls: TLSMode
    /// `sslrootcert`: the CA file that `verify-ca` and `verify-full` trust, instead of the
    /// system's.
    public var rootCertificate: String?
    /// `connect_timeout` in seconds.
    public var connectTimeout: Int

    /// The query parameters understood; anything else is an error rather than silently ignored.
    public static let parameters = ["sslmode", "sslrootcert", "connect_timeout", "application_name"]

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func matches(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `text`; `environment` supplies `PGUSER`, `PGPASSWORD`, `PGPASSFILE` and `HOME`.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigValueError) {
        guard Self.matches(text), let components = URLComponents(string: text) else {
            throw ConfigValueError("not a PostgreSQL URL; write postgres://user@host:5432/database")
        }
        guard let host = components.host.flatMap({ $0.removingPercentEncoding }), !host.isEmpty else {
            throw ConfigValueError("the PostgreSQL URL names no host; write postgres://user@host:5432/database")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw ConfigValueError("port \(port) is out of range") }
        let login = environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 } ?? login
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !name.contains("/") else { throw ConfigValueError("'\(name)' is not a database name; write postgres://user@host/database") }
        database = name.isEmpty ? user : name
        tls = .prefer
        connectTimeout = 10
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw ConfigValueError("sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                rootCertificate = (value as NSString).expandingTildeInPath
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw ConfigValueError("connect_timeout '\(value)' must be a whole number of seconds")
                }
                connectTimeout = seconds
            case "application_name":
                break
            default:
                throw ConfigValueError("unknown PostgreSQL URL parameter '\(item.name)'; known: \(Self.parameters.joined(separator: ", "))")
            }
        }
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
            ?? environment["PGPASSWORD"]
            ?? PgPass.password(host: self.host, port: port, database: database, user: user, environment: environment)
    }

    /// The URL without its password: what every message shows.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }
}
