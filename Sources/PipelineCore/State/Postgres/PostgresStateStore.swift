import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The state store for pipelines that run on several hosts: one PostgreSQL database that every
/// host reaches, holding what the SQLite store holds beside a pipeline file (active postings,
/// each source's fetch state and health, the run history) and the run lock, as an advisory lock.
///
/// One connection serves a run from its lock to its commit: the advisory lock is the
/// connection's, so a host that dies loses it with the connection, and the run's staging lives
/// in temporary tables of the connection, so an interrupted run leaves nothing behind. What a
/// run changes in the shared tables is one transaction, opened by `applyRun` and ended by
/// `commit` or `rollback`.
///
/// ```swift
/// let store = try await PostgresStateStore.connect(try PostgresURL("postgres://syndicate@db/jobs"))
/// defer { Task { await store.close() } }
/// ```
public final class PostgresStateStore: StateStore {
    /// Where it is, without the password.
    public let location: PostgresURL
    let connection: PostgresConnection
    /// PostgresNIO logs connection events at debug level; the run's own messages say what
    /// matters, so its logger stays quiet.
    let logger = Logger(label: "syndicate.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(location: PostgresURL, connection: PostgresConnection) {
        self.location = location
        self.connection = connection
    }

    /// Connects, creates or upgrades the schema, and returns the store. Throws
    /// `StateStoreError.unavailable` with a one-line reason (never the password).
    public static func connect(_ location: PostgresURL) async throws -> PostgresStateStore {
        let connection: PostgresConnection
        do {
            var configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database, tls: try tls(location))
            configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
            let host = ProcessInfo.processInfo.hostName
            // Shown in pg_stat_activity, and so in the message of a run that finds the lock held.
            configuration.options.additionalStartupParameters = [
                ("application_name", "syndicate on \(host) pid \(ProcessInfo.processInfo.processIdentifier)")
            ]
            connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1,
                logger: Logger(label: "syndicate.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            throw StateStoreError.unavailable("cannot connect to the state database \(location): \(explain(error))")
        }
        let store = PostgresStateStore(location: location, connection: connection)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw StateStoreError.unavailable("cannot prepare the state database \(location): \(explain(error))")
        }
        return store
    }

    /// The TLS that `sslmode` asks for. `prefer` and `require` encrypt without checking the
    /// certificate, as libpq does; `verify-ca` checks the chain, `verify-full` the host name too.
    static func tls(_ location: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable: return .disable
        case .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let root = location.rootCertificate { configuration.trustRoots = .file(root) }
        let context = try NIOSSLContext(configuration: configuration)
        switch location.tls {
        case .allow, .prefer: return .prefer(context)
        default: return .require(context)
        }
    }

    /// Closes the connection, which also releases the lock.
    public func close() async {
        guard !connection.isClosed else { return }
        try? await connection.close()
    }

    deinit {
        // A store dropped without `close()` still closes its connection; the closure keeps the
        // connection until it has.
        let connection = self.connection
        if !connection.isClosed { connection.close().whenComplete { _ in _ = connection } }
    }

    // MARK: - Queries

    /// Runs a statement and returns its rows, all read. Errors become one line that names the
    /// database (without its password).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try checkOpen()
        do {
            return try await connection.query(query, logger: logger).collect()
        } catch {
            throw failure(error)
        }
    }

    /// Runs a statement whose first column of the first row is the answer.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
        guard let cell = try await rows(query).first?.first, cell.bytes != nil else { return nil }
        do {
            return try cell.decode(T.self)
        } catch {
            throw failure(error)
        }
    }

    /// Streams a statement's rows to `visit`, one at a time, until it returns false.
    func stream(_ query: PostgresQuery, _ visit: (PostgresRow) throws -> Bool) async throws {
        try checkOpen()
        do {
            for try await row in try await connection.query(query, logger: logger) {
                guard try visit(row) else { break }
            }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw failure(error)
        }
    }

    /// Fails at once on a connection the server closed (it stopped, or ended the session): a
    /// query sent on it would wait for an answer that never comes.
    func checkOpen() throws {
        if connection.isClosed {
            throw StateStoreError.unavailable("the state database \(location): the connection was lost (the server stopped or closed it)")
        }
    }

    /// A store error for a failed query.
    func failure(_ error: any Error) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        return .unavailable("the state database \(location): \(Self.explain(error))")
    }

    /// One line for an error of PostgresNIO, whose own description is deliberately generic.
    static func explain(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            return explain(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? error)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            var line = message
            if let state = info[.sqlState] { line += " (SQLSTATE \(state))" }
            if let hint = info[.hint] { line += "; \(hint)" }
            return line
        }
        switch error.code {
        case .connectionError:
            return error.underlying.map(explainConnection) ?? "the connection failed"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server closed the connection"
        case .clientClosedConnection:
            return "the connection is closed"
        case .authMechanismRequiresPassword:
            return "the server asks for a password: put it in the URL, in PGPASSWORD or in ~/.pgpass"
        case .sslUnsupported:
            return "the server does not offer TLS; use sslmode=disable or sslmode=prefer"
        default:
            return error.underlying.map { "\($0)" } ?? "\(error.code)"
        }
    }

    /// Refreshes the planner's statistics of the postings table after a write of `changed`
    /// rows that is large beside what the statistics describe. Autovacuum would get there, but
    /// maybe not before the next run: a rerun straight after a first run into an empty table
    /// then looked its batches' ids up by walking the whole table (80 ms a batch instead of 2,
    /// a 100,000-posting rerun 24 s instead of 10). Failing to analyze costs speed only.
    func analyzeIfStale(changed: Int) async {
        guard changed > 0,
              let tuples = try? await value("SELECT reltuples::FLOAT8 FROM pg_class WHERE oid = 'syndicate_postings'::REGCLASS", as: Double.self),
              tuples < 0 || Double(changed) > 0.1 * tuples + 500
        else { return }
        // The columns the run's queries filter and join on; not the records, whose 2 KB texts
        // made a full ANALYZE cost 2.8 s after a 100,000-posting first run.
        _ = try? await rows("ANALYZE syndicate_postings (pipeline, id, source, active, missing_runs, date_posted, valid_through, expired_at)")
    }

    /// Why a connection could not be made, in the words of the system call that failed
    /// ("connection refused", "no such host"), not NIO's nested descriptions.
    static func explainConnection(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot look up \(error.host): \(explainConnection(dns))" }
            return error.connectionErrors.first.map { explainConnection($0.error) } ?? "no address of \(error.host) answered"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout(let timeout):
            return "no answer within \(timeout.nanoseconds / 1_000_000_000) s"
        case let error as SocketAddressError.UnknownHost:
            return error.errorDescription.lowercased()
        default:
            return "\(error)"
        }
    }

    // MARK: - The store protocol

    public func lock(pipeline: String) async throws -> any RunLock {
        try await PostgresRunLock.take(pipeline: pipeline, store: self)
    }

    public func sourceStates(pipeline: String) async throws -> [String: SourceState] {
        var states: [String: SourceState] = [:]
        for row in try await rows("""
            SELECT name, etag, last_modified, last_attempt, last_success, last_error, consecutive_failures, fingerprint
            FROM syndicate_sources WHERE pipeline = \(pipeline)
            """) {
            let (name, etag, lastModified, attempt, success, error, failures, fingerprint) =
                try row.decode((String, String?, String?, Date?, Date?, String?, Int, String?).self)
            states[name] = SourceState(
                etag: etag, lastModified: lastModified, lastAttempt: attempt, lastSuccess: success, lastError: error,
                consecutiveFailures: failures, fingerprint: fingerprint)
        }
        return states
    }

    public func sinkStates(pipeline: String) async throws -> [String: SinkState] {
        var states: [String: SinkState] = [:]
        for row in try await rows("SELECT name, state FROM syndicate_sinks WHERE pipeline = \(pipeline)") {
            let (name, state) = try row.decode((String, String).self)
            states[name] = SinkState(text: state)
        }
        return states
    }

    public func beginRun(pipeline: String, runID: String) async throws {
        // Temporary tables belong to the connection: what a killed run staged dies with it, and
        // two hosts never see each other's staging.
        try await rows("""
            CREATE TEMP TABLE IF NOT EXISTS syndicate_staged (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL,
                source TEXT NOT NULL,
                hash TEXT NOT NULL,
                record TEXT,
                change SMALLINT NOT NULL,
                valid_through TIMESTAMPTZ,
                date_posted TIMESTAMPTZ
            )
            """)
        try await rows("CREATE INDEX IF NOT EXISTS syndicate_staged_by_id ON syndicate_staged (id)")
        try await rows("CREATE TEMP TABLE IF NOT EXISTS syndicate_merged_away (id TEXT PRIMARY KEY)")
        try await rows("TRUNCATE syndicate_staged, syndicate_merged_away")
    }

    public func stage(_ postings: consuming [JobPosting], pipeline: String, runID: String) async throws {
        try await PostgresStager(store: self, pipeline: pipeline).stage(postings)
    }

    public func applyRun(_ plan: RunPlan) async throws -> any RunTransaction {
        try await rows("BEGIN")
        do {
            let counts = try await PostgresRunApplier(store: self, plan: plan).apply()
            return PostgresRunTransaction(store: self, plan: plan, counts: counts)
        } catch {
            _ = try? await rows("ROLLBACK")
            throw error
        }
    }

    public func recordFailedRun(_ plan: RunPlan) async throws {
        try await transaction {
            let applier = PostgresRunApplier(store: self, plan: plan)
            try await applier.updateSources()
            try await applier.insertRun(exitCode: plan.exitCode, report: plan.reportJSON)
        }
        try await rows("TRUNCATE syndicate_staged, syndicate_merged_away")
    }

    /// Runs `body` in a transaction of its own.
    func transaction(_ body: () async throws -> Void) async throws {
        try await rows("BEGIN")
        do {
            try await body()
            try await rows("COMMIT")
        } catch {
            _ = try? await rows("ROLLBACK")
            throw error
        }
    }

    public func status(pipeline: String, runs: Int) async throws -> PipelineStatus {
        let active = try await value("SELECT COUNT(*)::BIGINT FROM syndicate_postings WHERE pipeline = \(pipeline) AND active", as: Int.self) ?? 0
        let expired = try await value("SELECT COUNT(*)::BIGINT FROM syndicate_postings WHERE pipeline = \(pipeline) AND NOT active", as: Int.self) ?? 0
        var runList: [PipelineStatus.Run] = []
        for row in try await rows("""
            SELECT run_id, started_at, finished_at, exit_code, duration_seconds FROM syndicate_runs
            WHERE pipeline = \(pipeline) ORDER BY started_at DESC, run_id DESC LIMIT \(runs)
            """) {
            let (id, started, finished, code, duration) = try row.decode((String, Date, Date?, Int?, Double?).self)
            runList.append(PipelineStatus.Run(
                runID: id, startedAt: RFC3339.format(started), finishedAt: finished.map(RFC3339.format),
                exitCode: Int32(clamping: code ?? -1), durationSeconds: duration))
        }
        var activeBySource: [String: Int] = [:]
        for row in try await rows("""
            SELECT source, COUNT(*)::BIGINT FROM syndicate_postings WHERE pipeline = \(pipeline) AND active GROUP BY source
            """) {
            let (source, n) = try row.decode((String, Int).self)
            activeBySource[source] = n
        }
        let states = try await sourceStates(pipeline: pipeline)
        return PipelineStatus(
            pipeline: pipeline, active: active, expired: expired, runs: runList,
            sources: states.keys.sorted().compactMap { name in
                guard let s = states[name] else { return nil }
                return PipelineStatus.Source(
                    name: name, lastAttempt: s.lastAttempt.map(RFC3339.format), lastSuccess: s.lastSuccess.map(RFC3339.format),
                    lastError: s.lastError, consecutiveFailures: s.consecutiveFailures, active: activeBySource[name] ?? 0)
            })
    }

    public func forEachActive(pipeline: String, where wanted: (String, Date) throws -> Bool, _ visit: (EarlierPosting) throws -> Void) async throws {
        try await stream("SELECT id, first_seen, record FROM syndicate_postings WHERE pipeline = \(pipeline) AND active") { row in
            let (id, firstSeen, record) = try row.decode((String, Date, ByteBuffer).self)
            guard try wanted(id, firstSeen) else { return true }
            try visit(EarlierPosting(id: id, firstSeen: firstSeen, stored: StoredPosting(json: Array(record.readableBytesView))))
            return true
        }
    }
}
