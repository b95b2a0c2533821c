import Foundation
import PostgresNIO
import Testing
@testable import PipelineCore

/// The PostgreSQL server the tests use: `SYNDICATE_TEST_POSTGRES`, which `.ci/with-postgres`
/// sets. Each store test gets a database of its own, so tests run in parallel without meeting.
enum TestPostgres {
    /// The server's URL, if one was given.
    static var url: String? {
        ProcessInfo.processInfo.environment["SYNDICATE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let skipMessage: Comment = "SYNDICATE_TEST_POSTGRES is not set, so the PostgreSQL store tests did not run; run `.ci/with-postgres swift test`"

    /// A store on a new, empty database of the test server.
    static func freshStore() async throws -> PostgresStateStore {
        guard let url else { throw StateStoreError.unavailable("SYNDICATE_TEST_POSTGRES is not set") }
        let admin = try await PostgresStateStore.connect(try PostgresURL(url))
        let name = "syndicate_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.rows(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        await admin.close()
        var target = try PostgresURL(url)
        target.database = name
        return try await PostgresStateStore.connect(target)
    }
}

@Suite("PostgreSQL for the tests")
struct PostgresAvailabilityTests {
    @Test("the PostgreSQL store tests run against a server", .enabled(if: TestPostgres.url != nil, TestPostgres.skipMessage))
    func serverAnswers() async throws {
        let store = try await TestPostgres.freshStore()
        #expect(try await store.status(pipeline: "nothing", runs: 1).active == 0)
        await store.close()
    }

    @Test("in CI they are never skipped", .enabled(if: ProcessInfo.processInfo.environment["CI"] == "true"))
    func requiredInCI() {
        #expect(TestPostgres.url != nil, "CI must run the PostgreSQL store tests: .ci/run starts a server through .ci/with-postgres")
    }
}
