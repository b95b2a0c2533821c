import PostgresNIO

/// A pipeline's run lock across hosts: a session-level advisory lock on the store's connection,
/// keyed on the pipeline's name. PostgreSQL releases it when the connection ends, however it
/// ends, so a host that dies mid-run never leaves the pipeline locked.
///
/// ```swift
/// let lock = try await store.lock(pipeline: "jobs")   // throws .locked if another host runs it
/// await lock.release()
/// ```
final class PostgresRunLock: RunLock {
    private let store: PostgresStateStore
    private let pipeline: String

    private init(store: PostgresStateStore, pipeline: String) {
        self.store = store
        self.pipeline = pipeline
    }

    /// Takes the lock at once, or throws `StateStoreError.locked` naming who holds it (the
    /// application name every syndicate connection sets: its host and pid).
    static func take(pipeline: String, store: PostgresStateStore) async throws -> PostgresRunLock {
        let taken = try await store.value(
            "SELECT pg_try_advisory_lock(\(PostgresSchema.lockClass), hashtext(\(pipeline)))", as: Bool.self) ?? false
        guard taken else {
            let holder = try? await store.value("""
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid::BIGINT = \(Int64(PostgresSchema.lockClass))
                  AND l.objid::BIGINT = (hashtext(\(pipeline))::BIGINT & 4294967295) AND l.objsubid = 2
                LIMIT 1
                """, as: String.self)
            throw StateStoreError.locked(pipeline: pipeline, holder: holder.flatMap { $0 })
        }
        return PostgresRunLock(store: store, pipeline: pipeline)
    }

    func release() async {
        _ = try? await store.rows("SELECT pg_advisory_unlock(\(PostgresSchema.lockClass), hashtext(\(pipeline)))")
    }
}
