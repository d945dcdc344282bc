import Dispatch
import Foundation
import Testing
import TallyQuery
import TallyStorage
@testable import TallyServer

/// Seeds tenant `acme` with five calls.
func seedAcme(_ catalog: Catalog) throws {
    try TestServer.sql(catalog, "acme", callsSchema + """
        INSERT INTO calls VALUES
          (1, '2025-01-01 10:00:00', 'retail', 7, 120.5),
          (2, '2025-01-01 11:30:00', 'banking', 7, 300),
          (3, '2025-01-02 09:15:00', 'retail', 8, NULL),
          (4, '2025-01-02 23:59:59', 'telecom', NULL, 45.25),
          (5, '2025-01-03 00:00:00', 'retail', 9, 80);
        """)
}

/// The real server on a loopback port, driven over TCP as dashboards and collectors drive it.
@Suite(.timeLimit(.minutes(3))) struct ServerEndToEndTests {
    @Test func authThenQueriesWithTypedColumnsAndEchoedIds() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client()
        defer { Task { await c.close() } }

        let before = try await c.request("#1 SELECT count(*) FROM calls")
        #expect(before["id"] == .int(1) && before.errorCode == "unauthenticated")
        #expect(try await c.request("PING")["message"] == .string("PONG"))

        let auth = try await c.request("#a1 AUTH " + (try await s.token("acme", .analyst)))
        #expect(auth.isOK && auth["id"] == .string("a1") && auth["tenant"] == .string("acme") && auth["role"] == .string("analyst"))

        let r = try await c.request("#42 SELECT sector, count(*) AS n, sum(talk) AS talk FROM calls GROUP BY sector ORDER BY sector")
        #expect(r["id"] == .int(42) && r.isOK)
        #expect(r["columns"] == .array([
            .object([("name", .string("sector")), ("type", .string("VARCHAR"))]),
            .object([("name", .string("n")), ("type", .string("BIGINT"))]),
            .object([("name", .string("talk")), ("type", .string("DOUBLE"))]),
        ]))
        #expect(r.rows == [[.string("banking"), .int(1), .double(300)], [.string("retail"), .int(3), .double(200.5)], [.string("telecom"), .int(1), .double(45.25)]])
        #expect(r["row_count"] == .int(3))
        if case .double(let ms)? = r["elapsed_ms"] { #expect(ms >= 0) } else { Issue.record("elapsed_ms missing: \(r.text)") }

        // The JSON form binds parameters; timestamps come back as text.
        let j = try await c.request(#"{"id":"q-7","sql":"SELECT id, at FROM calls WHERE sector = $1 AND talk > $2 ORDER BY id","params":["retail",100]}"#)
        #expect(j["id"] == .string("q-7"))
        #expect(j.rows == [[.int(1), .string("2025-01-01 10:00:00")]])
        let since = try await c.request(#"{"sql":"SELECT count(*) FROM calls WHERE at >= $1","params":["2025-01-02"]}"#)
        #expect(since.rows == [[.int(3)]], "\(since.text)")

        // Statements without rows answer with a message.
        let show = try await c.request("DESCRIBE calls")
        #expect(show.isOK && show.rows.count == 5)
        let quit = try await c.request("QUIT")
        #expect(quit["message"] == .string("BYE"))
        #expect(await c.closedByServer(timeout: 5))
    }

    @Test func preparedStatementsAreAuthorisedByWhatTheyRun() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let a = try await s.client("acme", .analyst)
        defer { Task { await a.close() } }
        #expect(try await a.request("PREPARE by_sector AS SELECT id FROM calls WHERE sector = $1 ORDER BY id").isOK)
        #expect(try await a.request("EXECUTE by_sector('retail')").rows == [[.int(1)], [.int(3)], [.int(5)]])
        let second = try await a.request("EXECUTE by_sector('banking')")
        #expect(second.rows == [[.int(2)]])
        // The analyst may not prepare a write, so no EXECUTE can smuggle one in.
        #expect(try await a.request("PREPARE w AS INSERT INTO calls VALUES ($1, '2025-01-05', 'retail', 1, 1.0)").errorCode == "permission_denied")
        #expect(try await a.request("DEALLOCATE by_sector").isOK)
        let gone = try await a.request("EXECUTE by_sector('retail')")
        #expect(gone.errorCode == "unknown_prepared_statement")

        let ingest = try await s.client("acme", .ingest)
        defer { Task { await ingest.close() } }
        #expect(try await ingest.request("PREPARE w AS INSERT INTO calls VALUES ($1, '2025-01-05', 'retail', 1, 1.0)").isOK)
        #expect(try await ingest.request("EXECUTE w(100)")["rows_affected"] == .int(1))
        #expect(try await ingest.request("SELECT count(*) FROM calls").errorCode == "permission_denied")
        #expect(try await a.request("SELECT count(*) FROM calls WHERE id = 100").rows == [[.int(1)]])
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .dashboard)
        defer { Task { await c.close() } }
        // 300 requests in one write, mixing fast, cached, failing and row-heavy ones.
        var batch = ""
        for i in 0..<300 {
            switch i % 4 {
            case 0: batch += "#\(i) SELECT count(*) FROM calls WHERE id <= \(i % 6)\n"
            case 1: batch += "#\(i) PING\n"
            case 2: batch += "#\(i) SELECT nope FROM calls\n"
            default: batch += "#\(i) SELECT id, sector FROM calls ORDER BY id\n"
            }
        }
        try await c.sendRaw(Array(batch.utf8))
        for i in 0..<300 {
            let r = try await c.receive()
            #expect(r["id"] == .int(Int64(i)), "answer \(i) out of order: \(r.text)")
            switch i % 4 {
            case 0: #expect(r.rows == [[.int(Int64(min(i % 6, 5)))]])
            case 1: #expect(r["message"] == .string("PONG"))
            case 2: #expect(r.errorCode == "unknown_column")
            default: #expect(r["row_count"] == .int(5))
            }
        }
    }

    @Test func subscriptionSeesAnIngestedRowWithinOneSecond() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let dash = try await s.client("acme", .dashboard)
        defer { Task { await dash.close() } }
        let ingest = try await s.client("acme", .ingest)
        defer { Task { await ingest.close() } }

        // A long period: only the change can explain a prompt push.
        let sub = try await dash.request("#s SUBSCRIBE 60s SELECT count(*) AS n FROM calls")
        #expect(sub.isOK && sub["id"] == .string("s") && sub["subscription"] == .int(1) && sub["seq"] == .int(1))
        #expect(sub.rows == [[.int(5)]])

        let t0 = Date()
        let w = try await ingest.request("WRITE calls,sector=retail id=6i,agent=7i,talk=33.5 1736000000000000000")
        #expect(w.isOK && w["rows_affected"] == .int(1), "\(w.text)")
        let push = try await dash.receive(timeout: 5)
        let latency = dash.mailbox.lastArrival.timeIntervalSince(t0)
        #expect(push["subscription"] == .int(1) && push["seq"] == .int(2))
        #expect(push.rows == [[.int(6)]])
        #expect(latency < 1.0, "push came after \(latency) s")
        print("subscription push after ingest: \(String(format: "%.1f", latency * 1000)) ms")

        // An INSERT through SQL is seen the same way.
        let ins = try await ingest.request("INSERT INTO calls VALUES (7, '2025-01-06', 'banking', 8, 10)")
        #expect(ins["rows_affected"] == .int(1))
        let push2 = try await dash.receive(timeout: 5)
        #expect(push2.rows == [[.int(7)]] && push2["seq"] == .int(3))

        // After UNSUBSCRIBE nothing more arrives.
        let un = try await dash.request("#u UNSUBSCRIBE 1")
        #expect(un.isOK && un["id"] == .string("u"))
        _ = try await ingest.request("WRITE calls,sector=retail id=8i 1736000000000000000")
        #expect(try await dash.request("PING")["message"] == .string("PONG"))
        #expect(try await dash.request("UNSUBSCRIBE 1").errorCode == "unknown_subscription")
    }

    @Test func subscriptionPushesEveryPeriodAndNamedQueriesCanBeSubscribed() async throws {
        let dir = NSTemporaryDirectory() + "tally-queries-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/kpi", withIntermediateDirectories: true)
        try "-- Calls of a sector\n-- param: sector VARCHAR = 'retail'\nSELECT count(*) AS n FROM calls WHERE sector = $sector\n"
            .write(toFile: dir + "/kpi/sector_calls.sql", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await TestServer.start({ $0.queriesDirectory = dir }, setup: seedAcme)
        defer { Task { await s.stop() } }
        let dash = try await s.client("acme", .dashboard)
        defer { Task { await dash.close() } }
        let sub = try await dash.request(#"SUBSCRIBE 200ms RUN kpi/sector_calls {"sector":"banking"}"#)
        #expect(sub.rows == [[.int(1)]])
        // Arrival times are taken on the client's network thread, so a late test task cannot skew them.
        let start = dash.mailbox.lastArrival
        for k in 2...4 {
            let p = try await dash.receive(timeout: 5)
            #expect(p["subscription"] == .int(1) && p["seq"] == .int(Int64(k)) && p.rows == [[.int(1)]])
        }
        let elapsed = dash.mailbox.lastArrival.timeIntervalSince(start)
        // The lower bound is the period; the upper one only catches a stalled timer (a loaded CI
        // machine right after a clean build has been seen to take over 3 s).
        #expect(elapsed > 0.4 && elapsed < 15, "three periodic pushes took \(elapsed) s")
        #expect(try await dash.request("UNSUBSCRIBE 1").isOK)
        // Analysts read but do not subscribe.
        let analyst = try await s.client("acme", .analyst)
        defer { Task { await analyst.close() } }
        #expect(try await analyst.request("SUBSCRIBE 1s SELECT 1").errorCode == "permission_denied")
        #expect(try await dash.request("SUBSCRIBE 1s INSERT INTO calls VALUES (9, '2025-01-01', 'x', 1, 1)").errorCode == "not_a_query")
        #expect(try await dash.request("SUBSCRIBE 1ms SELECT 1").errorCode == "bad_request")
        #expect(try await dash.request("SUBSCRIBE 1s PREPARE p AS SELECT 1").errorCode == "not_a_query")
        #expect(try await dash.request("SUBSCRIBE 1s DEALLOCATE ALL").errorCode == "not_a_query")
    }

    @Test func writeOfTenThousandPointsThenCount() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .ingest)
        defer { Task { await c.close() } }
        let base: Int64 = 1_736_000_000_000_000_000
        var block = "#w WRITE 10000\n"
        for i in 0..<10_000 {
            let sector = ["retail", "banking", "telecom"][i % 3]
            block += "calls,sector=\(sector) id=\(1000 + i)i,agent=\(i % 50)i,talk=\(Double(i % 600) + 0.5) \(base + Int64(i) * 1_000_000_000)\n"
        }
        let t0 = Date()
        try await c.sendRaw(Array(block.utf8))
        let w = try await c.receive(timeout: 60)
        let seconds = Date().timeIntervalSince(t0)
        #expect(w.isOK && w["id"] == .string("w") && w["rows_affected"] == .int(10_000), "\(w.text.prefix(500))")
        print("WRITE 10000 points: \(String(format: "%.0f", 10_000 / seconds)) points/s (\(String(format: "%.1f", seconds * 1000)) ms, debug build)")

        let reader = try await s.client("acme", .analyst)
        defer { Task { await reader.close() } }
        #expect(try await reader.request("SELECT count(*) FROM calls").rows == [[.int(10_005)]])
        #expect(try await reader.request("SELECT count(*) FROM calls WHERE sector = 'banking' AND id >= 1000").rows == [[.int(3333)]])
        // The point timestamp (ns) became the time column (µs).
        #expect(try await reader.request("SELECT at FROM calls WHERE id = 1000").rows == [[.string(Timestamp.format(base / 1000))]])

        // The JSON form carries many points in one line too.
        let j = try await c.request(#"{"id":2,"write":"calls,sector=retail id=20001i 1736000000000000000\ncalls,sector=retail id=20002i\n"}"#)
        #expect(j["rows_affected"] == .int(2))
        #expect(try await reader.request("SELECT count(*) FROM calls").rows == [[.int(10_007)]])
    }

    @Test func badPointsRejectTheWholeWriteUnlessPartial() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .ingest)
        defer { Task { await c.close() } }
        let points = [
            "calls,sector=retail id=500i,talk=1.5 1736000000000000000",
            "calls,sector=retail talk=2.5",                                // 1: id is NOT NULL
            "calls,sector=retail id=501i,agent=\"seven\"",                  // 2: agent is INTEGER
            "callz,sector=retail id=502i",                                 // 3: no such table
            "calls,sector=retail id=503i,mood=3i",                          // 4: no such column
            "calls,sector=retail id=504i",
            "calls,sector=retail id=505i,talk=1.5 17360000000000000000000", // 6: bad timestamp
        ]
        try await c.sendRaw(Array(("WRITE \(points.count)\n" + points.joined(separator: "\n") + "\n").utf8))
        let all = try await c.receive()
        #expect(all.errorCode == "invalid_points")
        guard case .array(let listed)? = all["error"]?["points"] else { Issue.record("no points listed: \(all.text)"); return }
        #expect(listed.map { $0["index"] } == [.int(1), .int(2), .int(3), .int(4), .int(6)])
        if case .string(let why)? = listed[3]["reason"] { #expect(why.contains("mood")) }
        if case .string(let why)? = listed[2]["reason"] { #expect(why.contains("callz") && why.contains("did you mean calls")) }
        let reader = try await s.client("acme", .analyst)
        defer { Task { await reader.close() } }
        #expect(try await reader.request("SELECT count(*) FROM calls").rows == [[.int(5)]])

        try await c.sendRaw(Array(("WRITE \(points.count) PARTIAL\n" + points.joined(separator: "\n") + "\n").utf8))
        let some = try await c.receive()
        #expect(some.isOK && some["rows_affected"] == .int(2) && some["rejected"] == .int(5))
        #expect(try await reader.request("SELECT id FROM calls WHERE id >= 500 ORDER BY id").rows == [[.int(500)], [.int(504)]])
        // INSERT is validated against the schema the same way.
        #expect(try await c.request("INSERT INTO calls (id, at) VALUES (1, '2025-01-01')").errorCode == "invalid_value")
    }

    @Test func hundredConcurrentConnections() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let token = try await s.token("acme", .dashboard)
        let t0 = Date()
        let results = try await withThrowingTaskGroup(of: (Bool, Double).self) { group in
            for i in 0..<100 {
                group.addTask {
                    let c = try await LineClient.connect(port: s.port)
                    defer { Task { await c.close() } }
                    let a = try await c.request("AUTH " + token, timeout: 30)
                    let started = Date()
                    var ok = a.isOK
                    for k in 0..<5 {
                        let r = try await c.request("#\(k) SELECT count(*) FROM calls WHERE id <= \(i % 5 + 1)", timeout: 30)
                        ok = ok && r.rows == [[.int(Int64(i % 5 + 1))]] && r["id"] == .int(Int64(k))
                    }
                    return (ok, Date().timeIntervalSince(started) / 5)
                }
            }
            var out: [(Bool, Double)] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(results.count == 100 && results.allSatisfy(\.0))
        let lat = results.map(\.1).sorted()
        print("100 connections × 5 queries in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s; median round trip \(String(format: "%.2f", lat[50] * 1000)) ms, p99 \(String(format: "%.2f", lat[98] * 1000)) ms")
    }

    @Test func repeatedAnswersComeFromTheCacheAndAreNeverStale() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .dashboard)
        defer { Task { await c.close() } }
        let w = try await s.client("acme", .ingest)
        defer { Task { await w.close() } }
        let q = "SELECT sector, count(*) FROM calls GROUP BY sector ORDER BY sector"
        let first = try await c.request(q)
        #expect(first["cached"] == .bool(false))
        // Spacing and keyword case do not matter: the key is the parsed statement's canonical text.
        let second = try await c.request("select   sector, count(*)\tfrom calls group by sector ORDER  by sector")
        #expect(second["cached"] == .bool(true) && second.rows == first.rows)
        #expect(try await w.request("WRITE calls,sector=retail id=77i").isOK)
        let third = try await c.request(q)
        #expect(third["cached"] == .bool(false))
        #expect(third.rows.first { $0.first == .string("retail") }?[1] == .int(4))
        #expect(try await c.request(q)["cached"] == .bool(true))
        // Parameters are part of the key; now() disables caching.
        let p1 = try await c.request(#"{"sql":"SELECT count(*) FROM calls WHERE sector = $1","params":["retail"]}"#)
        let p2 = try await c.request(#"{"sql":"SELECT count(*) FROM calls WHERE sector = $1","params":["banking"]}"#)
        #expect(p1.rows == [[.int(4)]] && p2.rows == [[.int(1)]] && p2["cached"] == .bool(false))
        for _ in 0..<2 { #expect(try await c.request("SELECT count(*) FROM calls WHERE at < now()")["cached"] == .bool(false)) }
        // DDL invalidates: a dropped and re-created table is a new table.
        let admin = try await s.client("acme", .admin)
        defer { Task { await admin.close() } }
        #expect(try await c.request("SELECT count(*) FROM calls")["cached"] == .bool(false))
        #expect(try await c.request("SELECT count(*) FROM calls")["cached"] == .bool(true))
        #expect(try await admin.request("DROP TABLE calls").isOK)
        #expect(try await admin.request("CREATE TABLE calls (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER, talk DOUBLE) WITH (time_column = at)").isOK)
        let fresh = try await c.request("SELECT count(*) FROM calls")
        #expect(fresh.rows == [[.int(0)]] && fresh["cached"] == .bool(false))
        let stats = s.server.engine.cache.statistics
        #expect(stats.hits >= 3)
    }

    @Test func everyStatementLandsInTheAuditLog() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await LineClient.connect(port: s.port)
        defer { Task { await c.close() } }
        #expect(try await c.request("AUTH " + (try await s.token("acme", .dashboard, subject: "wallboard-3"))).isOK)
        #expect(try await c.request("SELECT count(*) FROM calls").isOK)
        #expect(try await c.request("SELECT nope FROM calls").errorCode == "unknown_column")
        #expect(try await c.request("INSERT INTO calls VALUES (9, '2025-01-09', 'retail', 1, 1)").errorCode == "permission_denied")
        #expect(try await c.request("FROB 1").errorCode == "unknown_command")
        var rows: [[JSONValue]] = []
        for _ in 0..<50 {
            try await s.flushAudit()
            rows = try await c.request("SELECT subject, role, statement, row_count, status FROM analytics_audit_log ORDER BY at").rows
            if rows.count >= 4 { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(rows.count >= 4)
        #expect(rows.prefix(4).map { $0[2] } == [.string("SELECT count(*) FROM calls"), .string("SELECT nope FROM calls"),
                                                 .string("INSERT INTO calls VALUES (9, '2025-01-09', 'retail', 1, 1)"), .string("FROB 1")])
        #expect(rows.prefix(4).map { $0[4] } == [.string("ok"), .string("unknown_column"), .string("permission_denied"), .string("unknown_command")])
        #expect(rows[0][0] == .string("wallboard-3") && rows[0][1] == .string("dashboard") && rows[0][3] == .int(1))
    }

    @Test func adminReadsAcrossTenantsAndRunsDDLInItsOwnTenant() async throws {
        let s = try await TestServer.start(setup: { cat in
            try seedAcme(cat)
            try TestServer.sql(cat, "globex", callsSchema + "INSERT INTO calls VALUES (1, '2025-01-01', 'retail', 1, 10), (2, '2025-01-01', 'retail', 2, 20);")
            try cat.createTenant("ops")
        })
        defer { Task { await s.stop() } }
        let admin = try await s.client("ops", .admin)
        defer { Task { await admin.close() } }
        let r = try await admin.request("SELECT client_id, count(*) FROM calls GROUP BY client_id ORDER BY client_id")
        #expect(r.rows == [[.string("acme"), .int(5)], [.string("globex"), .int(2)]])
        #expect(try await admin.request("CREATE TABLE notes (at TIMESTAMP NOT NULL, body VARCHAR)").isOK)
        #expect(try s.catalog.tenant("ops").hasTable("notes") && !s.catalog.tenant("acme").hasTable("notes"))
        let analyst = try await s.client("acme", .analyst)
        defer { Task { await analyst.close() } }
        #expect(try await analyst.request("CREATE TABLE x (a INTEGER)").errorCode == "permission_denied")
        #expect(try await analyst.request("DROP TABLE calls").errorCode == "permission_denied")
        // The admin's statements are audited in its home tenant.
        try await s.flushAudit()
        let audit = try await admin.request("SELECT client_id, statement FROM analytics_audit_log WHERE statement LIKE 'CREATE TABLE notes%'")
        #expect(audit.rows.first?.first == .string("ops"))
    }

    @Test func namedQueriesRunWithTypedParametersAndDefaults() async throws {
        let dir = NSTemporaryDirectory() + "tally-queries-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/kpi", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/ops", withIntermediateDirectories: true)
        try """
            -- Talk time of a sector since a day, in a window
            -- param: sector VARCHAR = 'retail'
            -- param: since TIMESTAMP = '2025-01-01'
            -- param: span INTERVAL = '2 days'
            -- param: min_talk DOUBLE
            SELECT count(*) AS n, sum(talk) AS talk FROM calls
            WHERE sector = $sector AND at >= $since AND at < $since + $span AND talk >= $4 -- '$sector' in a comment stays
            """.write(toFile: dir + "/kpi/sector_talk.sql", atomically: true, encoding: .utf8)
        try "SELECT 1 AS one\n".write(toFile: dir + "/kpi/one.sql", atomically: true, encoding: .utf8)
        try "SELECT 2 AS two\n".write(toFile: dir + "/ops/one.sql", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await TestServer.start({ $0.queriesDirectory = dir }, setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        let r = try await c.request(#"RUN kpi/sector_talk {"min_talk": 50}"#)
        #expect(r.rows == [[.int(1), .double(120.5)]], "\(r.text)")
        let r2 = try await c.request(#"{"id":3,"run":"sector_talk","params":{"min_talk":0,"span":"3 days","since":"2025-01-01"}}"#)
        #expect(r2["id"] == .int(3) && r2.rows == [[.int(2), .double(200.5)]], "\(r2.text)")
        #expect(try await c.request("RUN kpi/sector_talk").errorCode == "invalid_parameter")
        #expect(try await c.request(#"RUN kpi/sector_talk {"min_talk": 1, "tenant": "globex"}"#).errorCode == "invalid_parameter")
        #expect(try await c.request(#"RUN kpi/sector_talk {"min_talk": "lots"}"#).errorCode == "invalid_parameter")
        #expect(try await c.request(#"RUN kpi/sector_talk {"min_talk": 1, "span": "forever"}"#).errorCode == "invalid_parameter")
        #expect(try await c.request("RUN one").errorCode == "ambiguous_query")
        #expect(try await c.request("RUN ops/one").rows == [[.int(2)]])
        let missing = try await c.request("RUN kpi/sector_tlak")
        #expect(missing.errorCode == "unknown_query")
        #expect(missing["error"]?["hint"] == .string("did you mean kpi/sector_talk?"))
        #expect(try await c.request("RUN ../kpi/one").errorCode == "unknown_query")
        #expect(try await c.request("RUN /etc/passwd").errorCode == "unknown_query")
    }

    @Test func limitsAnswerWithClearErrors() async throws {
        let s = try await TestServer.start({ c in
            c.maxRowsPerAnswer = 3
            c.maxAnswerBytes = 400
            c.maxConnections = 3
            c.maxLineBytes = 2048
        }, setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        #expect(try await c.request("SELECT * FROM calls").errorCode == "too_many_rows")
        #expect(try await c.request("SELECT id FROM calls ORDER BY id LIMIT 3").rows.count == 3)
        #expect(try await c.request("SELECT repeat_me, id FROM (SELECT 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS repeat_me, id FROM calls) t ORDER BY id LIMIT 3").errorCode == "answer_too_large")
        let c2 = try await s.client("acme", .analyst)
        defer { Task { await c2.close() } }
        let c3 = try await s.client()
        defer { Task { await c3.close() } }
        // An answer shows that the server has counted c3 (it registers a connection on its own task).
        #expect(try await c3.request("PING").isOK)
        let c4 = try await LineClient.connect(port: s.port)
        defer { Task { await c4.close() } }
        let refused = try await c4.receive()
        #expect(refused.errorCode == "too_many_connections")
        #expect(await c4.closedByServer(timeout: 5))
        #expect(try await c.request("PING").isOK)
    }

    @Test func aTenantOverItsStatementLimitGetsBusyAndOthersAreUnaffected() async throws {
        let s = try await TestServer.start({ c in
            c.maxConcurrentQueriesPerTenant = 1
            c.maxQueuedQueriesPerTenant = 1
            // Long enough that the freed slot reaches the waiting statement on a loaded machine.
            c.maxQueueWait = 2.0
        }, setup: { cat in
            try seedAcme(cat)
            try TestServer.sql(cat, "globex", callsSchema)
        })
        defer { Task { await s.stop() } }
        // Hold acme's only slot with a statement that waits for the test.
        let gate = DispatchSemaphore(value: 0)
        let held = Task { await s.server.engine.withSlot("acme") { () throws(ProtocolError) -> Int in gate.wait(); return 1 } }
        while s.server.engine.limiter.running("acme") == 0 { try await Task.sleep(nanoseconds: 5_000_000) }
        let a1 = try await s.client("acme", .analyst)
        defer { Task { await a1.close() } }
        let a2 = try await s.client("acme", .analyst)
        defer { Task { await a2.close() } }
        // One statement may wait (and gives up after the queue wait); the next is refused at once.
        try await a1.send("#wait SELECT count(*) FROM calls")
        try await Task.sleep(nanoseconds: 50_000_000)
        let refused = try await a2.request("#now SELECT count(*) FROM calls")
        #expect(refused.errorCode == "busy" && refused["id"] == .string("now"))
        let waited = try await a1.receive()
        #expect(waited.errorCode == "busy" && waited["id"] == .string("wait"))
        // Another tenant is not held up by acme's load.
        let g = try await s.client("globex", .analyst)
        defer { Task { await g.close() } }
        #expect(try await g.request("SELECT count(*) FROM calls").rows == [[.int(0)]])
        // Once the slot is free, a waiting statement gets it.
        try await a1.send("#later SELECT count(*) FROM calls")
        try await Task.sleep(nanoseconds: 50_000_000)
        gate.signal()
        _ = await held.value
        let later = try await a1.receive()
        #expect(later["id"] == .string("later") && later.rows == [[.int(5)]])
    }

    @Test func queriesPastTheTimeLimitAreStopped() async throws {
        let s = try await TestServer.start({ $0.queryTimeLimit = 1e-9 }, setup: seedAcme)
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        let r = try await c.request("SELECT sector, count(*) FROM calls GROUP BY sector")
        #expect(r.errorCode == "timeout", "\(r.text)")
        #expect(try await c.request("PING").isOK)
    }

    @Test func idleConnectionsAreClosedButSubscribersStay() async throws {
        // Two seconds: long enough that a loaded CI machine gets the SUBSCRIBE in before the subscriber idles out.
        let s = try await TestServer.start({ $0.idleTimeout = 2.0 }, setup: seedAcme)
        defer { Task { await s.stop() } }
        let idle = try await s.client("acme", .analyst)
        defer { Task { await idle.close() } }
        let sub = try await s.client("acme", .dashboard)
        defer { Task { await sub.close() } }
        #expect(try await sub.request("SUBSCRIBE 0.3s SELECT count(*) FROM calls").isOK)
        let bye = try await idle.receive(timeout: 10)
        #expect(bye.errorCode == "idle_timeout")
        #expect(await idle.closedByServer(timeout: 5))
        // The subscriber kept receiving pushes past the idle timeout and can still talk.
        for _ in 0..<4 { #expect(try await sub.receive(timeout: 5)["subscription"] == .int(1)) }
        try await sub.send("#p PING")
        var answer = try await sub.receive(timeout: 5)
        while answer["subscription"] != nil { answer = try await sub.receive(timeout: 5) }
        #expect(answer["id"] == .string("p") && answer["message"] == .string("PONG"))
    }

    @Test func aSlowReaderDoesNotStallOtherConnections() async throws {
        let s = try await TestServer.start(setup: seedAcme)
        defer { Task { await s.stop() } }
        let slow = try await s.client("acme", .analyst)
        defer { Task { await slow.close() } }
        let other = try await s.client("acme", .analyst)
        defer { Task { await other.close() } }
        // Pipeline 3000 answers of ~1 KB without reading any of them yet.
        let q = "SELECT id, sector, at, talk, id * 2 AS a, id * 3 AS b FROM calls ORDER BY id\n"
        let flood = Task { try await slow.sendRaw(Array(String(repeating: q, count: 3000).utf8)) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let t0 = Date()
        #expect(try await other.request("SELECT count(*) FROM calls", timeout: 5).rows == [[.int(5)]])
        #expect(other.mailbox.lastArrival.timeIntervalSince(t0) < 2)
        for _ in 0..<3000 { #expect(try await slow.receive(timeout: 30)["row_count"] == .int(5)) }
        try await flood.value
    }
}
