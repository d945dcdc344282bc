import Foundation
import Testing
import TallyBench
import TallyQuery
import TallyServer
import TallyStorage

/// A real server on a free loopback port over a fresh store, for the load client to drive.
private struct Served {
    static let secret = Array("bench-test-secret-of-at-least-32-bytes!!".utf8)
    let dir: String
    let catalog: Catalog
    let server: LineServer
    let auth: Authenticator

    static func start(_ setup: (Catalog) throws -> Void) async throws -> Served {
        let dir = NSTemporaryDirectory() + "tally-bench-\(UUID().uuidString)"
        let catalog = try Catalog(root: dir)
        try setup(catalog)
        var config = ServerConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.cacheBytes = 0
        let server = try await LineServer.start(catalog: catalog, config: config, secret: secret)
        return Served(dir: dir, catalog: catalog, server: server, auth: try await Authenticator(secret: secret))
    }

    func token(_ tenant: String, _ role: Role) async throws -> String {
        try await auth.issue(tenant: tenant, role: role, subject: "test", ttl: 600)
    }

    func stop() async {
        await server.shutdown()
        try? FileIO.removeTree(dir)
    }
}

@Suite(.serialized)
struct LoadClientTests {
    @Test func queryMixIsAnsweredOnEveryConnectionAndTimed() async throws {
        let s = try await Served.start { c in
            for t in ["a", "b"] {
                try c.createTenant(t)
                _ = try Session(catalog: c, scope: .tenant(t)).executeScript(
                    "CREATE TABLE calls (id BIGINT NOT NULL, v INTEGER); INSERT INTO calls VALUES (1, 10), (2, 20), (3, 30);")
            }
        }
        let mix = [LoadRequest(line: "SELECT count(*) FROM calls"), LoadRequest(line: "SELECT sum(v) FROM calls WHERE id > 1"), LoadRequest(line: "PING")]
        var tokens: [String] = []
        for t in ["a", "b", "a", "b"] { tokens.append(try await s.token(t, .dashboard)) }
        let r = try await LoadClient.run(host: "127.0.0.1", port: s.server.port, tokens: tokens, requests: Array(repeating: mix, count: 4),
                                         warmup: 0.1, seconds: 0.5)
        await s.stop()
        #expect(r.errors == 0, "first error: \(r.firstError ?? "")")
        #expect(r.answers > 20)
        #expect(Int(r.latency.totalCount) == r.answers)
        #expect(r.ms(50) > 0 && r.ms(50) <= r.ms(99))
        #expect(r.rows == 0)
    }

    @Test func refusedRequestsAreCountedAsErrorsWithTheirText() async throws {
        let s = try await Served.start { c in try c.createTenant("a") }
        let token = try await s.token("a", .dashboard)
        let r = try await LoadClient.run(host: "127.0.0.1", port: s.server.port, tokens: [token],
                                         requests: [[LoadRequest(line: "SELECT nope FROM missing_table")]], warmup: 0, seconds: 0.3)
        await s.stop()
        #expect(r.answers == 0)
        #expect(r.errors > 0)
        #expect(r.firstError?.contains("missing_table") == true)
    }

    @Test func badTokenFailsTheRunWithTheServersAnswer() async throws {
        let s = try await Served.start { c in try c.createTenant("a") }
        await #expect(throws: LoadFailure.self) {
            _ = try await LoadClient.run(host: "127.0.0.1", port: s.server.port, tokens: ["not-a-token"],
                                         requests: [[LoadRequest(line: "PING")]], warmup: 0, seconds: 0.2)
        }
        await s.stop()
    }

    @Test func writeBlocksLandDurablyAndEveryAcknowledgedRowIsCounted() async throws {
        // The server provisions the unknown tenant with the data model (agent_metrics) on AUTH.
        let s = try await Served.start { _ in }
        let token = try await s.token("ing", .ingest)
        let blocks = (0..<3).map { WritePoints.block(count: 50, firstCall: $0 * 50, startNs: 1_767_225_600_000_000_000 + Int64($0) * 50_000_000_000) }
        let r = try await LoadClient.run(host: "127.0.0.1", port: s.server.port, tokens: [token], requests: [blocks], warmup: 0, seconds: 0.5)
        #expect(r.errors == 0, "first error: \(r.firstError ?? "")")
        #expect(r.rows == r.answers * 50)
        // The warm-up is zero and the client waits for the answer to every block it sends, so
        // exactly the acknowledged rows are stored.
        let stored = try Session(catalog: s.catalog, scope: .tenant("ing")).execute("SELECT count(*) FROM agent_metrics").result!.row(0)[0]
        await s.stop()
        guard case .int(let n) = stored else { Issue.record("count(*) is \(stored)"); return }
        #expect(Int(n) == r.rows)
    }
}
