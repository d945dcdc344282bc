import Foundation
import Testing
import TallyQuery
import TallyStorage
@testable import TallyServer

@Suite struct RequestParserTests {
    func command(_ line: String) -> Command? { try? RequestParser.parse(line).command.get() }
    func error(_ line: String) -> String? {
        if case .failure(let e) = RequestParser.parse(line).command { return e.code }
        return nil
    }

    @Test func textFormWithIDs() {
        #expect(RequestParser.parse("#42 SELECT 1").id == .number(42))
        #expect(RequestParser.parse("#007 PING").id == .string("007"))
        #expect(RequestParser.parse("#dash-1:tile.3 PING").id == .string("dash-1:tile.3"))
        #expect(command("#42   SELECT 1") == .sql("SELECT 1", parameters: []))
        #expect(command("ping") == .ping && command("Quit") == .quit)
        #expect(command("AUTH abc.def.ghi") == .auth(token: "abc.def.ghi"))
        #expect(command("UNSUBSCRIBE 3") == .unsubscribe(3))
        #expect(command("  with x AS (SELECT 1) SELECT * FROM x") == .sql("with x AS (SELECT 1) SELECT * FROM x", parameters: []))
        #expect(error("#" + String(repeating: "9", count: 65) + " PING") == "bad_request")
    }

    @Test func subscribeRunAndWrite() {
        #expect(command("SUBSCRIBE 5s SELECT 1") == .subscribe(period: 5, query: .sql("SELECT 1", parameters: [])))
        #expect(command("SUBSCRIBE 250ms SELECT 1") == .subscribe(period: 0.25, query: .sql("SELECT 1", parameters: [])))
        #expect(command("SUBSCRIBE 2m RUN kpi/x {\"a\":1}") == .subscribe(period: 120, query: .named("kpi/x", parameters: .object([("a", .int(1))]))))
        #expect(command("RUN kpi/x") == .run(name: "kpi/x", parameters: nil))
        #expect(error("RUN kpi/x [1]") == "bad_request")
        #expect(error("RUN kpi/x {\"a\":") == "bad_request")
        #expect(command("WRITE 10") == .writeBlock(count: 10, partial: false))
        #expect(command("WRITE 10 partial") == .writeBlock(count: 10, partial: true))
        #expect(command("WRITE m,t=a f=1i 5") == .write(points: ["m,t=a f=1i 5"], partial: false))
        #expect(RequestParser.parsePeriod("1.5s") == 1.5 && RequestParser.parsePeriod("1h") == 3600 && RequestParser.parsePeriod("-1s") == nil)
    }

    @Test func jsonForm() throws {
        let r = RequestParser.parse(#"{"id":"a","sql":"SELECT $1, $2, $3, $4","params":[1, 2.5, "x", null]}"#)
        #expect(r.id == .string("a"))
        #expect(try r.command.get() == .sql("SELECT $1, $2, $3, $4", parameters: [.int(1), .double(2.5), .string("x"), .null]))
        #expect(command(#"{"write":"m f=1i\nm f=2i\n","partial":true}"#) == .write(points: ["m f=1i", "m f=2i"], partial: true))
        #expect(command(#"{"subscribe":"1s","sql":"SELECT 1"}"#) == .subscribe(period: 1, query: .sql("SELECT 1", parameters: [])))
        #expect(command(#"{"subscribe":2,"run":"q","params":{"x":true}}"#) == .subscribe(period: 2, query: .named("q", parameters: .object([("x", .bool(true))]))))
        #expect(command(#"{"cmd":"UNSUBSCRIBE 4"}"#) == .unsubscribe(4))
        #expect(error(#"{"sql":"SELECT 1","tenant":"b"}"#) == "bad_request")
        #expect(error(#"{"cmd":"PING","params":[1]}"#) == "bad_request")
    }
}

@Suite struct JSONReaderTests {
    @Test func parsesStrictJSON() throws {
        #expect(try JSONReader.parse(#" {"a":[1,-2,3.5,1e3,true,false,null,"\u00e9\ud83d\ude00\n"]} "#)
                == .object([("a", .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null, .string("é😀\n")]))]))
        #expect(try JSONReader.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONReader.parse("9223372036854775808") == .double(9223372036854775808))
        for bad in ["", "01", "1.", "-", "{'a':1}", "[1,]", "\"\u{1}\"", "tru", "{\"a\" 1}", "\"\\x\"", "1e999"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONReader.parse(bad) }
        }
        do { _ = try JSONReader.parse(#"{"a":"b"#); Issue.record("parsed half a document") } catch {
            #expect(error.column == 8 && error.message.contains("cut short"))
        }
    }

    @Test func escapesAnswerText() {
        #expect(JSONText.string("a\"b\\c\n\u{1}\u{2028}") == #""a\"b\\c\n\u0001\u2028""#)
        #expect(JSONText.millis(0.0012345) == "1.235" && JSONText.millis(2) == "2000.000")
    }
}

@Suite struct LineProtocolTests {
    @Test func parsesPointsWithEscapes() throws {
        let p = try LineProtocol.parse(#"my\ table,site=a\,b,zone=x\=y temp=21.5,count=3i,big=7u,ok=t,msg="he said \"hi\" \\o/" 1700000000000000000"#)
        #expect(p.measurement == "my table")
        #expect(p.tags.map(\.0) == ["site", "zone"] && p.tags.map(\.1) == ["a,b", "x=y"])
        #expect(p.fields.map(\.0) == ["temp", "count", "big", "ok", "msg"])
        #expect(p.fields.map(\.1) == [.float(21.5), .integer(3), .unsigned(7), .boolean(true), .string(#"he said "hi" \o/"#)])
        #expect(p.timestampNanos == 1_700_000_000_000_000_000)
        #expect(try LineProtocol.parse("m f=-1.5e3").fields.first?.1 == .float(-1500))
        #expect(try LineProtocol.parse("m f=\"a,b c=d\",g=FALSE").fields.map(\.1) == [.string("a,b c=d"), .boolean(false)])
    }

    @Test func refusesMalformedPoints() {
        for bad in ["", "m", "m ", "m,t f=1", "m f=", "m f=1 x", "m f=1 1 2", "m f=\"open", "m f=1i,", "m,=v f=1", "m f=abc", "# comment"] {
            #expect(throws: PointSyntaxError.self, "\(bad)") { try LineProtocol.parse(bad) }
        }
    }

    @Test func pointsBecomeRowsOfTheSchema() throws {
        let schema = TableSchema(name: "t", columns: [ColumnSchema("id", .int64, nullable: false), ColumnSchema("at", .timestamp, nullable: false),
                                                     ColumnSchema("n", .int32), ColumnSchema("x", .float64), ColumnSchema("s", .string),
                                                     ColumnSchema("b", .bool)], timeColumn: "at")
        func row(_ line: String) -> Result<[Value], PointProblem> { Ingest.row(try! LineProtocol.parse(line), schema: schema, now: 42) }
        #expect(try row("t,s=hi id=1i,n=2,x=3i,b=true 1500").get() == [.int(1), .timestamp(1), .int(2), .double(3), .string("hi"), .bool(true)])
        #expect(try row("t id=1i").get() == [.int(1), .timestamp(42), .null, .null, .null, .null])
        #expect(try row("t id=1i,at=\"2025-01-01\"").get()[1] == .timestamp(Timestamp.parse("2025-01-01")!))
        #expect(try row("t,n=7 id=1i").get()[2] == .int(7))
        for (bad, why) in [("t n=1i", "NOT NULL"), ("t id=1.5", "not an integer"), ("t id=1i,n=3000000000i", "out of range"), ("t id=1i,s=1i", "VARCHAR"),
                           ("t id=1i,q=1i", "no column"), ("t id=1i,id=2i", "twice"), ("t id=1i,at=5i 7", "both"), ("t id=1i,b=1i", "BOOLEAN")] {
            guard case .failure(let p) = row(bad) else { Issue.record("\(bad) accepted"); continue }
            #expect(p.reason.contains(why), "\(bad): \(p.reason)")
        }
    }
}

@Suite struct NamedQueryTests {
    @Test func headerParametersBindAsValues() throws {
        let q = try NamedQuery.parse("""
            -- A query
            -- param: sector VARCHAR = 'it''s'
            -- param: n INTEGER = 5
            -- param: since TIMESTAMP
            -- param: span INTERVAL = '1 day'
            SELECT '$sector' AS literal, "$n" AS quoted, $sector, $2, $since + $span -- $nothing
            """, path: "/lib/k.sql", defaultName: "k")
        #expect(q.parameters.map(\.name) == ["sector", "n", "since", "span"])
        let (sql, values) = try q.bind(json: .object([("since", .string("2025-01-02")), ("n", .double(7))]))
        #expect(values == [.string("it's"), .int(7), .timestamp(Timestamp.parse("2025-01-02")!), .null])
        let collapsed = sql.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        #expect(collapsed.hasSuffix(#"SELECT '$sector' AS literal, "$n" AS quoted, $1 , $2, $3 + INTERVAL '1 day' -- $nothing"#), "\(sql)")
        // Errors carry the protocol's stable codes; file paths stay out of them.
        do { _ = try q.bind(json: nil); Issue.record("missing parameter accepted") } catch { #expect(error.code == "invalid_parameter" && error.message.contains("since")) }
        #expect(throws: ProtocolError.self) { try q.bind(json: .object([("n", .array([]))])) }
        do {
            _ = try NamedQuery.parse("-- param: x FANCY\nSELECT 1", path: "/lib/k.sql", defaultName: "k")
            Issue.record("unknown type accepted")
        } catch {
            let p = ProtocolError(error, library: "/lib")
            #expect(p.code == "invalid_query_file" && p.message.hasPrefix("k.sql:1:") && !p.message.contains("/lib"), "\(p)")
        }
        let missing = try NamedQuery.parse("SELECT $missing", path: "/lib/k.sql", defaultName: "k")
        do { _ = try missing.bind(json: nil); Issue.record("undeclared parameter accepted") } catch { #expect(error.code == "invalid_query_file") }
    }
}

@Suite struct CacheAndLimiterTests {
    @Test func onlyDeterministicStatementsAreCacheable() {
        #expect(ResultCache.isDeterministic("SELECT count(*) FROM calls WHERE at > TIMESTAMP '2025-01-01'"))
        #expect(!ResultCache.isDeterministic("SELECT rows FROM tally_tables"))
        for q in ["SELECT now()", "SELECT * FROM t WHERE at > NOW() - INTERVAL '1 day'", "SELECT current_date", "SELECT random()"] {
            #expect(!ResultCache.isDeterministic(q), "\(q)")
        }
        #expect(ResultCache.candidateTables("SELECT a FROM calls JOIN agents ON x WHERE y IN (SELECT z FROM other)") { ["calls", "agents"].contains($0) } == ["agents", "calls"])
    }

    @Test func cacheEntriesExpireWithVersionsEpochAndSpace() {
        let cache = ResultCache(capacityBytes: 2000, maxEntryBytes: 1000)
        let key = ResultCache.Key(scope: "t:a", statement: "SELECT 1", parameters: [])
        let v1 = [TableVersion(tenant: "a", table: "t", store: nil, version: 1)]
        cache.store(key, body: "x", rowCount: 1, versions: v1, epoch: cache.epoch)
        #expect(cache.lookup(key) { _ in v1 }?.body == "x")
        #expect(cache.lookup(key) { _ in [TableVersion(tenant: "a", table: "t", store: nil, version: 2)] } == nil)
        #expect(cache.lookup(key) { _ in v1 } == nil)
        cache.store(key, body: "x", rowCount: 1, versions: v1, epoch: cache.epoch)
        cache.tablesChanged()
        #expect(cache.lookup(key) { _ in v1 } == nil)
        cache.store(key, body: String(repeating: "y", count: 5000), rowCount: 1, versions: v1, epoch: cache.epoch)
        #expect(cache.lookup(key) { _ in v1 } == nil)
        for i in 0..<20 {
            cache.store(ResultCache.Key(scope: "t:a", statement: "Q\(i)", parameters: []), body: String(repeating: "z", count: 200), rowCount: 1, versions: v1, epoch: cache.epoch)
        }
        #expect(cache.statistics.bytes <= 2000)
        #expect(cache.lookup(ResultCache.Key(scope: "t:a", statement: "Q19", parameters: [])) { _ in v1 } != nil)
        #expect(cache.lookup(ResultCache.Key(scope: "t:b", statement: "Q19", parameters: [])) { _ in v1 } == nil)
    }

    @Test func limiterQueuesThenRefuses() async {
        let l = TenantLimiter(maxRunning: 2, maxQueued: 1, maxWait: 0.3)
        #expect(await l.acquire("a"))
        #expect(await l.acquire("a"))
        #expect(await l.acquire("b"))
        // The third waits and gets the slot when one is released.
        async let third = l.acquire("a")
        try? await Task.sleep(nanoseconds: 50_000_000)
        // The queue holds one: a fourth is refused at once.
        #expect(await l.acquire("a") == false)
        l.release("a")
        #expect(await third)
        #expect(l.running("a") == 2)
        // A waiter that is never served gives up after maxWait.
        let t0 = Date()
        #expect(await l.acquire("a") == false)
        #expect(Date().timeIntervalSince(t0) >= 0.25)
        l.release("a"); l.release("a"); l.release("b")
        #expect(l.running("a") == 0 && l.running("b") == 0)
    }

    @Test func rolesAndStatementClasses() throws {
        func cls(_ sql: String) throws -> StatementClass { StatementPolicy.classify(try Parser.parse(sql)) }
        #expect(try cls("SELECT 1") == .read && cls("EXPLAIN SELECT 1") == .read && cls("SHOW TABLES") == .metadata)
        #expect(try cls("INSERT INTO t VALUES (1)") == .write && cls("CREATE TABLE t (a INTEGER)") == .ddl)
        #expect(try cls("COPY t TO 'x'") == .file && cls("PREPARE p AS INSERT INTO t VALUES (1)") == .write && cls("EXECUTE p") == .session)
        #expect(StatementPolicy.check(.read, role: .ingest) != nil && StatementPolicy.check(.metadata, role: .ingest) == nil)
        #expect(StatementPolicy.check(.write, role: .dashboard) != nil && StatementPolicy.check(.ddl, role: .admin) == nil)
        #expect(StatementPolicy.check(.file, role: .admin)?.code == "permission_denied")
        #expect(StatementPolicy.checkTableNames(try Parser.parse("DROP TABLE \"../x/y\""))?.code == "unknown_table")
        #expect(StatementPolicy.checkTableNames(try Parser.parse("DROP TABLE calls")) == nil)
    }

    @Test func tokensRoundTripAndExpire() async throws {
        let auth = try await Authenticator(secret: TestServer.secret)
        let t = try await auth.issue(tenant: "acme", role: .dashboard, subject: "wall", ttl: 60)
        let id = try await auth.verify(t)
        #expect(id.tenant == "acme" && id.role == .dashboard && id.subject == "wall" && !id.isExpired())
        let expired = try await auth.issue(tenant: "acme", role: .admin, ttl: -1)
        do { _ = try await auth.verify(expired); Issue.record("expired token accepted") } catch {
            #expect(error.code == "token_expired")
        }
        await #expect(throws: AuthFailure.self) { try await Authenticator(secret: Array("short".utf8)) }
        await #expect(throws: AuthFailure.self) { try await auth.issue(tenant: "../x", role: .admin, ttl: 60) }
    }
}
