import Testing
@testable import TallyQuery

@Suite struct ParserStatementTests {
    @Test func createTable() {
        guard case .createTable(let c)? = statement("""
            CREATE TABLE IF NOT EXISTS calls (
                id BIGINT NOT NULL,
                agent INT NULL,
                score DOUBLE PRECISION,
                at TIMESTAMP WITH TIME ZONE NOT NULL,
                note VARCHAR(200),
                ok BOOLEAN
            ) WITH (time_column = at, ttl = '400 days')
            """) else { Issue.record("not CREATE TABLE"); return }
        #expect(c.name.value == "calls")
        #expect(c.ifNotExists)
        #expect(c.columns.map(\.name.value) == ["id", "agent", "score", "at", "note", "ok"])
        #expect(c.columns.map(\.type.type) == [.data(.int64), .data(.int32), .data(.float64), .data(.timestamp), .data(.string), .data(.bool)])
        #expect(c.columns.map(\.nullable) == [false, true, nil, false, nil, nil])
        #expect(c.options == [
            SQLOption(name: "time_column", value: .identifier("at")),
            SQLOption(name: "ttl", value: .string("400 days")),
        ])
        #expect(c.columns[3].type.range.start.line == 5)
    }

    static let typeNames: [(String, SQLType)] = [
        ("BOOLEAN", .data(.bool)), ("bool", .data(.bool)),
        ("INTEGER", .data(.int32)), ("int", .data(.int32)), ("INT4", .data(.int32)), ("smallint", .data(.int32)),
        ("tinyint", .data(.int32)), ("int2", .data(.int32)), ("int32", .data(.int32)),
        ("BIGINT", .data(.int64)), ("int8", .data(.int64)), ("int64", .data(.int64)),
        ("DOUBLE", .data(.float64)), ("DOUBLE PRECISION", .data(.float64)), ("float", .data(.float64)),
        ("float8", .data(.float64)), ("real", .data(.float64)), ("float4", .data(.float64)), ("float64", .data(.float64)),
        ("numeric", .data(.float64)), ("NUMERIC(12, 2)", .data(.float64)), ("decimal(10,2)", .data(.float64)),
        ("TIMESTAMP", .data(.timestamp)), ("timestamptz", .data(.timestamp)), ("datetime", .data(.timestamp)),
        ("TIMESTAMP WITH TIME ZONE", .data(.timestamp)), ("timestamp without time zone", .data(.timestamp)),
        ("VARCHAR", .data(.string)), ("varchar(255)", .data(.string)), ("TEXT", .data(.string)), ("string", .data(.string)),
        ("char", .data(.string)), ("CHAR(3)", .data(.string)), ("character varying", .data(.string)), ("character(2)", .data(.string)),
        ("DATE", .date), ("INTERVAL", .interval),
    ]

    @Test(arguments: typeNames)
    func typeNamesParse(_ spelled: String, _ type: SQLType) {
        guard case .createTable(let c)? = statement("CREATE TABLE t (c \(spelled) NOT NULL)") else { return }
        #expect(c.columns[0].type.type == type, "\(spelled)")
        #expect(c.columns[0].nullable == false, "\(spelled)")
        #expect(expr("CAST(x AS \(spelled))").map(sx) == "(cast x \(type))", "\(spelled)")
    }

    @Test func dropTable() {
        #expect(statement("DROP TABLE t") == .dropTable(DropTable(name: "t")))
        #expect(statement("drop table if exists t;") == .dropTable(DropTable(name: "t", ifExists: true)))
    }

    @Test func insertValues() {
        guard case .insert(let ins)? = statement("INSERT INTO agents (agent_id, name, sector) VALUES (1, 'Ann', 'retail'), (2, 'Bob', NULL)") else {
            Issue.record("shape")
            return
        }
        #expect(ins.table.value == "agents")
        #expect(ins.columns == ["agent_id", "name", "sector"])
        #expect(ins.source == .values([
            [int(1), str("Ann"), str("retail")],
            [int(2), str("Bob"), Expr(.literal(.null))],
        ]))
        #expect(statement("INSERT INTO t VALUES (-1, 2.5, TIMESTAMP '2025-01-01', $1)") != nil)
    }

    @Test func insertSelect() {
        guard case .insert(let ins)? = statement("INSERT INTO daily SELECT date_trunc('day', ts), count(*) FROM t GROUP BY 1") else { return }
        #expect(ins.columns.isEmpty)
        guard case .query(let q) = ins.source else { Issue.record("source"); return }
        #expect(q.description == "SELECT date_trunc('day', ts), count(*) FROM t GROUP BY 1")
        guard case .insert(let i2)? = statement("INSERT INTO daily (d, n) (SELECT 1, 2)") else { return }
        #expect(i2.columns == ["d", "n"])
        guard case .insert(let i3)? = statement("INSERT INTO daily (SELECT 1, 2)") else { return }
        #expect(i3.columns.isEmpty)
        guard case .insert(let i4)? = statement("INSERT INTO daily WITH x AS (SELECT 1) SELECT * FROM x") else { return }
        guard case .query(let q4) = i4.source else { return }
        #expect(q4.with.count == 1)
    }

    @Test func copyFrom() {
        #expect(statement("COPY agent_metrics FROM 'calls.csv'") == .copyFrom(CopyFrom(table: "agent_metrics", path: "calls.csv")))
        guard case .copyFrom(let c)? = statement("COPY agents (agent_id, name) FROM '/data/agents.csv' (HEADER, DELIMITER ',')") else { return }
        #expect(c.columns == ["agent_id", "name"])
        #expect(c.options == [SQLOption(name: "HEADER"), SQLOption(name: "DELIMITER", value: .string(","))])
        guard case .copyFrom(let c2)? = statement("COPY t FROM 'x.csv' WITH (FORMAT csv, HEADER true, NULL 'NA', skip 1)") else { return }
        #expect(c2.options == [
            SQLOption(name: "FORMAT", value: .identifier("csv")),
            SQLOption(name: "HEADER", value: .bool(true)),
            SQLOption(name: "NULL", value: .string("NA")),
            SQLOption(name: "skip", value: .integer(1)),
        ])
    }

    @Test func copyTo() {
        guard case .copyTo(let c)? = statement("COPY (SELECT * FROM t WHERE x > 1) TO 'out.json' (FORMAT json)") else { return }
        guard case .query(let q) = c.source else { Issue.record("source"); return }
        #expect(q.description == "SELECT * FROM t WHERE x > 1")
        #expect(c.path == "out.json")
        #expect(c.options == [SQLOption(name: "FORMAT", value: .identifier("json"))])
        #expect(statement("COPY t TO 'it''s.csv'") == .copyTo(CopyTo(source: .table("t", columns: []), path: "it's.csv")))
        #expect(statement("COPY t (a, b) TO 'x.csv' (FORMAT csv, HEADER)")
            == .copyTo(CopyTo(source: .table("t", columns: ["a", "b"]), path: "x.csv",
                              options: [SQLOption(name: "FORMAT", value: .identifier("csv")), SQLOption(name: "HEADER")])))
    }

    @Test func showDescribe() {
        #expect(statement("SHOW TABLES") == .showTables)
        #expect(statement("show tables;") == .showTables)
        #expect(statement("DESCRIBE agent_metrics") == .describe("agent_metrics"))
        #expect(statement("describe \"Agents\"") == .describe(Name("Agents", quoted: true)))
    }

    @Test func explain() {
        guard case .explain(let e)? = statement("EXPLAIN SELECT 1") else { return }
        #expect(!e.analyze)
        guard case .explain(let e2)? = statement("EXPLAIN ANALYZE SELECT * FROM t WHERE x = 1") else { return }
        #expect(e2.analyze)
        guard case .query = e2.statement else { Issue.record("inner"); return }
        guard case .explain(let e3)? = statement("EXPLAIN INSERT INTO t SELECT * FROM u") else { return }
        guard case .insert = e3.statement else { Issue.record("inner"); return }
    }

    @Test func prepareExecuteDeallocate() {
        guard case .prepare(let p)? = statement("PREPARE top_agents AS SELECT * FROM t WHERE sector = $1 LIMIT $2") else { return }
        #expect(p.name.value == "top_agents")
        #expect(p.parameterTypes.isEmpty)
        guard case .query(let q) = p.statement else { Issue.record("inner"); return }
        #expect(q.limit == Expr(.parameter(2)))
        guard case .prepare(let p2)? = statement("PREPARE q (VARCHAR, INT) AS SELECT $1, $2") else { return }
        #expect(p2.parameterTypes.map(\.type) == [.data(.string), .data(.int32)])
        #expect(statement("EXECUTE top_agents('retail', 10)") == .execute(Execute(name: "top_agents", arguments: [str("retail"), int(10)])))
        #expect(statement("EXECUTE q") == .execute(Execute(name: "q")))
        #expect(statement("EXECUTE q (1)") == .execute(Execute(name: "q", arguments: [int(1)])))
        #expect(statement("DEALLOCATE q") == .deallocate("q"))
        #expect(statement("DEALLOCATE PREPARE q") == .deallocate("q"))
        #expect(statement("DEALLOCATE ALL") == .deallocate(nil))
    }

    @Test func materializedViews() {
        guard case .createMaterializedView(let v)? = statement("""
            CREATE MATERIALIZED VIEW daily_performance_summary AS
            SELECT date_trunc('day', started_at) AS day, agent_id, count(*) AS calls
            FROM agent_metrics GROUP BY 1, 2
            """) else { return }
        #expect(v.name.value == "daily_performance_summary")
        #expect(!v.ifNotExists)
        #expect(v.query.description.hasPrefix("SELECT date_trunc('day', started_at) AS day"))
        guard case .createMaterializedView(let v2)? = statement("CREATE MATERIALIZED VIEW IF NOT EXISTS v AS (SELECT 1)") else { return }
        #expect(v2.ifNotExists)
        #expect(statement("DROP MATERIALIZED VIEW v") == .dropMaterializedView(DropMaterializedView(name: "v")))
        #expect(statement("DROP MATERIALIZED VIEW IF EXISTS v") == .dropMaterializedView(DropMaterializedView(name: "v", ifExists: true)))
    }

    @Test func keywordsThatAreAlsoNames() {
        // Non-reserved keywords stay usable as names (the data model has columns `at`, `status`, `value`, ...).
        #expect(statement("SELECT at, status, value, rows, first, last, time, zone, date, interval FROM agent_status_events") != nil)
        #expect(statement("CREATE TABLE if (at TIMESTAMP, table VARCHAR, view INT)") != nil)
        #expect(statement("SELECT at FROM e WHERE at > now() - INTERVAL '1 hour' AND at AT TIME ZONE 'UTC' < now()") != nil)
        #expect(statement("SELECT interval, date FROM t") != nil)
    }

    @Test func trailingSemicolonsAndComments() {
        #expect(statement("SELECT 1;") != nil)
        #expect(statement("SELECT 1;;;") != nil)
        #expect(statement("-- leading comment\nSELECT /* inline */ 1 -- trailing") != nil)
        #expect(statement("/* nested /* comments */ are fine */ SELECT 1") != nil)
    }
}
