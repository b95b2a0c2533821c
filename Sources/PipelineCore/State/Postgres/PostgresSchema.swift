import PostgresNIO

/// The PostgreSQL store's tables, created and upgraded by numbered migrations recorded in
/// `syndicate_schema`. Every table is prefixed `syndicate_`, because the database is usually one
/// the board already runs other things in, and every row is keyed by the pipeline's name, so that
/// many pipelines share one database.
///
/// The layout follows the SQLite store's ideas with PostgreSQL's strengths: records live in the
/// posting's row (PostgreSQL keeps a 2 KB value out of line by itself, and the run's changes are
/// one transaction, so a failed source never loses the version it still lists), and staging is a
/// temporary table of the run's connection.
enum PostgresSchema {
    /// One migration: its number, what it does, and its statements (one per query: the
    /// extended protocol takes one statement at a time).
    struct Migration {
        var version: Int
        var description: String
        var statements: [String]
    }

    /// Every migration, in order. A migration, once released, never changes: a new one is added.
    static let migrations: [Migration] = [
        Migration(version: 1, description: "postings, sources, runs", statements: [
            """
            CREATE TABLE syndicate_postings (
                pipeline TEXT NOT NULL,
                id TEXT NOT NULL,
                source TEXT NOT NULL,
                hash TEXT NOT NULL,
                record TEXT NOT NULL,
                first_seen TIMESTAMPTZ NOT NULL,
                last_seen TIMESTAMPTZ,
                updated_at TIMESTAMPTZ NOT NULL,
                missing_runs INTEGER NOT NULL DEFAULT 0,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                expired_at TIMESTAMPTZ,
                expire_reason TEXT,
                valid_through TIMESTAMPTZ,
                date_posted TIMESTAMPTZ,
                PRIMARY KEY (pipeline, id)
            )
            """,
            "CREATE INDEX syndicate_postings_active_by_source ON syndicate_postings (pipeline, source) WHERE active",
            "CREATE INDEX syndicate_postings_active_by_date ON syndicate_postings (pipeline, date_posted DESC) WHERE active",
            "CREATE INDEX syndicate_postings_expired ON syndicate_postings (pipeline, expired_at) WHERE NOT active",
            """
            CREATE TABLE syndicate_sources (
                pipeline TEXT NOT NULL,
                name TEXT NOT NULL,
                etag TEXT,
                last_modified TEXT,
                last_attempt TIMESTAMPTZ,
                last_success TIMESTAMPTZ,
                last_error TEXT,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (pipeline, name)
            )
            """,
            """
            CREATE TABLE syndicate_runs (
                pipeline TEXT NOT NULL,
                run_id TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                exit_code INTEGER,
                duration_seconds DOUBLE PRECISION,
                report TEXT,
                PRIMARY KEY (pipeline, run_id)
            )
            """,
        ]),
        // The validators of a source hold only while the pipeline reads it the same way.
        Migration(version: 2, description: "sources remember the pipeline's fingerprint", statements: [
            "ALTER TABLE syndicate_sources ADD COLUMN fingerprint TEXT",
        ]),
        // A feed whose pipeline and active set are unchanged is left as it is.
        Migration(version: 3, description: "sinks remember their last feed", statements: [
            "CREATE TABLE syndicate_sinks (pipeline TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (pipeline, name))",
        ]),
    ]

    /// The first key of every advisory lock syndicate takes ('SYND'), so that its locks never
    /// meet another application's single-key locks on the same database.
    static let lockClass: Int32 = 0x5359_4E44
}

extension PostgresStateStore {
    /// Brings the schema up to date. Two hosts starting at once are serialized by a
    /// transaction-level advisory lock; a database that a newer syndicate upgraded is refused
    /// rather than misread.
    func migrate() async throws {
        try await transaction {
            try await rows("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockClass), 0)")
            try await rows("""
                CREATE TABLE IF NOT EXISTS syndicate_schema (
                    version INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
            let current = try await value("SELECT COALESCE(MAX(version), 0) FROM syndicate_schema", as: Int.self) ?? 0
            let known = PostgresSchema.migrations.last?.version ?? 0
            guard current <= known else {
                throw StateStoreError.unavailable(
                    "the state database \(location) has schema version \(current), newer than this syndicate knows (\(known)); upgrade syndicate")
            }
            for migration in PostgresSchema.migrations where migration.version > current {
                for statement in migration.statements {
                    try await rows(PostgresQuery(unsafeSQL: statement))
                }
                try await rows("INSERT INTO syndicate_schema (version, description) VALUES (\(migration.version), \(migration.description))")
            }
        }
    }
}
