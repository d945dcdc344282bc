import Foundation
import Testing
import TallyQuery
import TallyStorage
@testable import TallyServer

/// Two tenants: alpha (the one the tests hold tokens for) and bravo (whose data must stay unseen).
func seedTwoTenants(_ catalog: Catalog) throws {
    try TestServer.sql(catalog, "alpha", callsSchema + """
        INSERT INTO calls VALUES (1, '2025-01-01 10:00:00', 'retail', 7, 100), (2, '2025-01-01 11:00:00', 'banking', 8, 200);
        """)
    try TestServer.sql(catalog, "bravo", callsSchema + """
        INSERT INTO calls VALUES (1, '2025-01-01 10:00:00', 'retail', 7, 111111), (2, '2025-01-01 10:00:00', 'retail', 7, 222222),
                                 (3, '2025-01-01 10:00:00', 'retail', 7, 333333);
        CREATE TABLE bravo_payroll (agent INTEGER NOT NULL, salary DOUBLE, note VARCHAR);
        INSERT INTO bravo_payroll VALUES (7, 98765.43, 'SECRET-NOTE-OF-BRAVO');
        """)
}

/// With tenant alpha's tokens, nothing reveals anything of tenant bravo.
@Suite(.timeLimit(.minutes(3))) struct IsolationTests {
    /// Text that would betray bravo: its data, its private names, or file paths.
    static let secrets = ["111111", "222222", "333333", "98765", "SECRET-NOTE", "salary", "tenants/", "bravo/", "/tmp", NSTemporaryDirectory()]

    /// Checks an answer for bravo's secrets, except text the client itself typed in `request`.
    static func expectNothingOfBravo(_ answer: JSONValue, _ request: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = answer.text
        for s in secrets where !s.isEmpty && !request.contains(s) {
            #expect(!text.contains(s), "\(request) revealed \"\(s)\": \(text)", sourceLocation: sourceLocation)
        }
    }

    /// Asks `template` about bravo (`$T` a table bravo has, `$P` bravo's name) and the same about
    /// a table and tenant nobody has; the answers must be the same apart from those names.
    static func sameAsMissing(_ c: LineClient, _ template: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let realSQL = template.replacingOccurrences(of: "$T", with: "bravo_payroll").replacingOccurrences(of: "$P", with: "bravo")
        let noneSQL = template.replacingOccurrences(of: "$T", with: "zzzzz_payroll").replacingOccurrences(of: "$P", with: "nobody")
        let real = try await c.request(realSQL)
        let none = try await c.request(noneSQL)
        func normalised(_ m: String) -> String {
            m.replacingOccurrences(of: "bravo_payroll", with: "zzzzz_payroll").replacingOccurrences(of: "bravo", with: "nobody")
        }
        #expect(!real.isOK, "\(realSQL) succeeded: \(real.text)", sourceLocation: sourceLocation)
        #expect(real.errorCode == none.errorCode, "\(realSQL): \(real.text) vs \(none.text)", sourceLocation: sourceLocation)
        #expect(normalised(real.errorMessage) == none.errorMessage, "\(realSQL): \(real.text) vs \(none.text)", sourceLocation: sourceLocation)
        #expect(real["error"]?["hint"] == none["error"]?["hint"], "\(realSQL): hints differ", sourceLocation: sourceLocation)
        expectNothingOfBravo(real, realSQL, sourceLocation: sourceLocation)
    }

    @Test func tableNamesJoinsAndSubqueriesSeeOnlyTheOwnTenant() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let a = try await s.client("alpha", .analyst)
        defer { Task { await a.close() } }
        for template in [
            "SELECT * FROM $T",
            "SELECT * FROM calls c JOIN $T p ON c.agent = p.agent",
            "SELECT * FROM calls WHERE agent IN (SELECT agent FROM $T)",
            "SELECT (SELECT count(*) FROM $T) AS n",
            "WITH x AS (SELECT * FROM $T) SELECT * FROM x",
            "SELECT * FROM calls UNION ALL SELECT * FROM $T",
            "EXPLAIN SELECT * FROM $T",
            "DESCRIBE $T",
            "SELECT * FROM \"../$P/$T\"",
            "SELECT * FROM \"../$P/calls\"",
            "DESCRIBE \"../$P/$T\"",
            "SELECT * FROM $P.$T",
            "SELECT * FROM $P.calls",
            "SELECT * FROM $Tt",
        ] {
            try await IsolationTests.sameAsMissing(a, template)
        }
        // Misspelt names are matched against the own tenant's tables only.
        let typo = try await a.request("SELECT * FROM bravo_payrol")
        #expect(typo["error"]?["hint"] == nil || !(typo.text.contains("bravo_payroll")))
        let tables = try await a.request("SHOW TABLES")
        #expect(tables.rows.contains([.string("calls")]) && !tables.text.contains("payroll"))
        let own = try await a.request("SELECT count(*), sum(talk) FROM calls")
        #expect(own.rows == [[.int(2), .double(300)]])
        IsolationTests.expectNothingOfBravo(own, "own query")
    }

    @Test func clientIDIsNotAColumnForTenantRoles() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        for role in [Role.analyst, .dashboard] {
            let a = try await s.client("alpha", role)
            defer { Task { await a.close() } }
            for q in ["SELECT count(*) FROM calls WHERE client_id = 'bravo'",
                      "SELECT client_id, count(*) FROM calls GROUP BY client_id",
                      "SELECT * FROM calls WHERE sector = 'retail' OR client_id <> 'alpha'"] {
                let r = try await a.request(q)
                #expect(r.errorCode == "unknown_column", "\(q): \(r.text)")
                IsolationTests.expectNothingOfBravo(r, q)
            }
        }
    }

    @Test func writesCannotReachTheOtherTenant() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let ingest = try await s.client("alpha", .ingest)
        defer { Task { await ingest.close() } }
        try await IsolationTests.sameAsMissing(ingest, "INSERT INTO $T VALUES (1, 2.0, 'x')")
        try await IsolationTests.sameAsMissing(ingest, "INSERT INTO \"../$P/$T\" VALUES (1, 2.0, 'x')")
        try await IsolationTests.sameAsMissing(ingest, "INSERT INTO \"../$P/calls\" VALUES (1, '2025-01-01', 'x', 1, 1)")
        let w1 = try await ingest.request("WRITE bravo_payroll agent=1i,salary=1.0")
        let w2 = try await ingest.request("WRITE zzzzz_payroll agent=1i,salary=1.0")
        #expect(w1.errorCode == "invalid_points" && w2.errorCode == "invalid_points")
        #expect(w1.text.replacingOccurrences(of: "bravo_payroll", with: "zzzzz_payroll").replacingOccurrences(of: #""elapsed_ms":[0-9.]+"#, with: "", options: .regularExpression)
                == w2.text.replacingOccurrences(of: #""elapsed_ms":[0-9.]+"#, with: "", options: .regularExpression))
        let w3 = try await ingest.request(#"WRITE ../bravo/calls,sector=x id=1i"#)
        #expect(!w3.isOK)
        IsolationTests.expectNothingOfBravo(w3, "WRITE ../bravo/calls,sector=x id=1i")

        // An admin of alpha reads across tenants by design, but its DDL stays in alpha.
        let admin = try await s.client("alpha", .admin)
        defer { Task { await admin.close() } }
        for q in ["DROP TABLE \"../bravo/bravo_payroll\"", "DROP TABLE \"../bravo/calls\"", "CREATE TABLE \"../bravo/evil\" (a INTEGER)"] {
            let r = try await admin.request(q)
            #expect(!r.isOK, "\(q): \(r.text)")
        }
        let bravo = try s.catalog.tenant("bravo")
        #expect(bravo.hasTable("bravo_payroll") && bravo.hasTable("calls") && !bravo.hasTable("evil"))
        #expect(try bravo.table("calls").snapshot().rowCount == 3)
        #expect(try bravo.table("bravo_payroll").snapshot().rowCount == 1)
    }

    @Test func copyIsRefusedForEveryRole() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let out = NSTemporaryDirectory() + "tally-copy-\(UUID().uuidString).csv"
        for role in Role.allCases {
            let c = try await s.client("alpha", role)
            defer { Task { await c.close() } }
            for q in ["COPY calls FROM '\(s.dir)/tenants/bravo/calls/schema'",
                      "COPY (SELECT * FROM calls) TO '\(out)'",
                      "COPY calls TO '\(out)' (FORMAT csv)",
                      "PREPARE p AS COPY calls TO '\(out)'"] {
                let r = try await c.request(q)
                #expect(r.errorCode == "permission_denied", "\(role) \(q): \(r.text)")
                IsolationTests.expectNothingOfBravo(r, q)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func namedQueriesRunInTheCallersTenantOnly() async throws {
        let dir = NSTemporaryDirectory() + "tally-queries-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/kpi", withIntermediateDirectories: true)
        try "-- param: sector VARCHAR = 'retail'\nSELECT count(*) AS n, sum(talk) AS talk FROM calls WHERE sector = $sector\n"
            .write(toFile: dir + "/kpi/sector.sql", atomically: true, encoding: .utf8)
        try "SELECT * FROM bravo_payroll\n".write(toFile: dir + "/kpi/payroll.sql", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await TestServer.start({ $0.queriesDirectory = dir }, setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let a = try await s.client("alpha", .analyst)
        defer { Task { await a.close() } }
        let b = try await s.client("bravo", .analyst)
        defer { Task { await b.close() } }
        #expect(try await a.request("RUN kpi/sector").rows == [[.int(1), .double(100)]])
        #expect(try await b.request("RUN kpi/sector").rows == [[.int(3), .double(666666)]])
        // A query naming bravo's table finds nothing in alpha.
        let p = try await a.request("RUN kpi/payroll")
        #expect(p.errorCode == "unknown_table")
        IsolationTests.expectNothingOfBravo(p, "RUN kpi/payroll")
        // Values are bound, never pasted: an injection attempt is just a sector nobody has.
        let inj = try await a.request(#"RUN kpi/sector {"sector": "x' OR 1=1 UNION ALL SELECT count(*), sum(salary) FROM bravo_payroll --"}"#)
        #expect(inj.rows == [[.int(0), .null]], "\(inj.text)")
        for bad in [#"{"client_id":"bravo"}"#, #"{"tenant":"bravo"}"#] {
            let r = try await a.request("RUN kpi/sector " + bad)
            #expect(r.errorCode == "invalid_parameter")
        }
        #expect(try await a.request(#"{"run":"kpi/sector","params":{},"tenant":"bravo"}"#).errorCode == "bad_request")
        #expect(try await a.request(#"{"sql":"SELECT count(*) FROM calls","client_id":"bravo"}"#).errorCode == "bad_request")
    }

    @Test func cachedAnswersAreNeverSharedAcrossTenants() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let a = try await s.client("alpha", .dashboard)
        defer { Task { await a.close() } }
        let b = try await s.client("bravo", .dashboard)
        defer { Task { await b.close() } }
        let q = "SELECT count(*) AS n, sum(talk) AS t FROM calls"
        _ = try await b.request(q)
        let bHit = try await b.request(q)
        #expect(bHit["cached"] == .bool(true) && bHit.rows == [[.int(3), .double(666666)]])
        // Bravo's cached answer does not make alpha's first answer faster or different.
        let aFirst = try await a.request(q)
        #expect(aFirst["cached"] == .bool(false) && aFirst.rows == [[.int(2), .double(300)]])
        IsolationTests.expectNothingOfBravo(aFirst, "alpha after bravo cached")
        let aHit = try await a.request(q)
        #expect(aHit["cached"] == .bool(true) && aHit.rows == [[.int(2), .double(300)]])
        // Bravo's writes neither invalidate alpha's entry nor wake alpha's subscriptions.
        let bw = try await s.client("bravo", .ingest)
        defer { Task { await bw.close() } }
        let sub = try await a.request("SUBSCRIBE 60s " + q)
        #expect(sub.rows == [[.int(2), .double(300)]])
        #expect(try await bw.request("WRITE calls,sector=retail id=9i,talk=5.0").isOK)
        #expect(try await a.request(q)["cached"] == .bool(true))
        try await Task.sleep(nanoseconds: 300_000_000)
        try await a.send("#after PING")
        let next = try await a.receive()
        #expect(next["id"] == .string("after"), "a push reached alpha after bravo's write: \(next.text)")
    }

    @Test func tokensDecideTheTenantAndNothingElseDoes() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let a = try await s.client("alpha", .analyst)
        defer { Task { await a.close() } }
        // The same connection cannot switch to bravo, even with a valid bravo token.
        let switchAttempt = try await a.request("AUTH " + (try await s.token("bravo", .analyst)))
        #expect(switchAttempt.errorCode == "reauth_mismatch")
        #expect(try await a.request("SELECT count(*) FROM calls").rows == [[.int(2)]])
        // A token signed with another secret, or naming a tenant path, is refused.
        let other = try await Authenticator(secret: Array("another-secret-of-at-least-thirty-two-bytes".utf8))
        let forged = try await other.issue(tenant: "bravo", role: .admin, ttl: 3600)
        let c = try await s.client()
        defer { Task { await c.close() } }
        #expect(try await c.request("AUTH " + forged).errorCode == "bad_token")
        let sneaky = TallyClaims(clientID: "../bravo", role: "admin", expiresAt: Date().addingTimeInterval(3600), subject: nil, issuedAt: Date())
        #expect(try await c.request("AUTH " + (try await s.auth.sign(sneaky))).errorCode == "bad_token")
        #expect(try await c.request("SELECT 1").errorCode == "unauthenticated")
    }

    @Test func errorAnswersTakeTheSameTimeWhetherOrNotBravoHasTheTable() async throws {
        let s = try await TestServer.start(setup: seedTwoTenants)
        defer { Task { await s.stop() } }
        let a = try await s.client("alpha", .analyst)
        defer { Task { await a.close() } }
        func median(_ sql: String) async throws -> Double {
            var t: [Double] = []
            for _ in 0..<40 {
                let start = Date()
                _ = try await a.request(sql)
                t.append(Date().timeIntervalSince(start))
            }
            return t.sorted()[20]
        }
        // Interleave to share the machine's noise; the paths are the same code, so the medians
        // should be within a fraction of a millisecond.
        var real: [Double] = [], none: [Double] = []
        for _ in 0..<3 {
            real.append(try await median("SELECT * FROM bravo_payroll"))
            none.append(try await median("SELECT * FROM zzzzz_payroll"))
        }
        let r = real.sorted()[1], n = none.sorted()[1]
        print("unknown-table answers: bravo's table \(String(format: "%.3f", r * 1000)) ms, nobody's \(String(format: "%.3f", n * 1000)) ms")
        // Generous bound: under load (or a sanitizer) the noise is milliseconds; a real
        // difference in work (reading bravo's files, say) would show as a multiple.
        #expect(abs(r - n) < 0.005 + min(r, n))
    }
}
