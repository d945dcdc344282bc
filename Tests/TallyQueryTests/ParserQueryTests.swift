import Testing
@testable import TallyQuery

@Suite struct ParserQueryTests {
    @Test func simpleSelect() throws {
        guard let s = select("SELECT agent_id, count(*) AS calls FROM agent_metrics WHERE sector = 'retail' GROUP BY agent_id HAVING count(*) > 10") else { return }
        #expect(!s.distinct)
        #expect(s.items.count == 2)
        #expect(s.items[0] == .expr(col("agent_id"), alias: nil))
        guard case .expr(let e, let alias) = s.items[1] else { Issue.record("item"); return }
        #expect(alias == Name("calls"))
        #expect(sx(e) == "(fn count *)")
        #expect(s.from == TableRef(.table("agent_metrics", alias: nil)))
        #expect(s.whereClause.map(sx) == "(= sector 'retail')")
        #expect(s.groupBy == [col("agent_id")])
        #expect(s.having.map(sx) == "(> (fn count *) 10)")
    }

    @Test func selectWithoutFrom() {
        guard let s = select("SELECT 1, 'a', now()") else { return }
        #expect(s.from == nil)
        #expect(s.items.count == 3)
    }

    @Test func distinctAndAll() {
        #expect(select("SELECT DISTINCT sector FROM t")?.distinct == true)
        #expect(select("SELECT ALL sector FROM t")?.distinct == false)
    }

    @Test func wildcards() {
        guard let s = select("SELECT *, t.*, \"T 2\".* FROM t") else { return }
        #expect(s.items.count == 3)
        guard case .wildcard(nil, let r0) = s.items[0], case .wildcard(let q1?, _) = s.items[1], case .wildcard(let q2?, _) = s.items[2] else {
            Issue.record("wildcards")
            return
        }
        #expect(r0.start.column == 8)
        #expect(q1.value == "t")
        #expect(q2.value == "T 2" && q2.quoted)
    }

    static let aliases: [(String, String?)] = [
        ("SELECT x AS y FROM t", "y"),
        ("SELECT x y FROM t", "y"),
        ("SELECT x \"My Alias\" FROM t", "My Alias"),
        ("SELECT x AS \"select\" FROM t", "select"),
        ("SELECT x AS value FROM t", "value"),
        ("SELECT x rows FROM t", "rows"),
        ("SELECT count(*) filter FROM t", "filter"),
        ("SELECT x FROM t", nil),
    ]

    @Test(arguments: aliases)
    func selectAliases(_ sql: String, _ alias: String?) {
        guard let s = select(sql), case .expr(_, let a) = s.items[0] else { return }
        #expect(a?.value == alias, "\(sql)")
    }

    @Test func tableAliases() {
        #expect(select("SELECT 1 FROM agents a")?.from == TableRef(.table("agents", alias: "a")))
        #expect(select("SELECT 1 FROM agents AS a")?.from == TableRef(.table("agents", alias: "a")))
        #expect(select("SELECT 1 FROM agents")?.from?.alias == nil)
        #expect(select("SELECT 1 FROM \"Agents\" \"A\"")?.from?.alias?.value == "A")
    }

    @Test func joins() {
        guard let s = select("""
            SELECT a.name, m.talk_s FROM agents a
            JOIN agent_metrics m ON m.agent_id = a.agent_id
            LEFT JOIN customer_satisfaction c ON c.call_id = m.call_id
            LEFT OUTER JOIN x USING (call_id, agent_id)
            INNER JOIN y ON TRUE
            """), let from = s.from else { return }
        guard case .join(let j4) = from.kind else { Issue.record("join"); return }
        #expect(j4.kind == .inner)
        #expect(j4.condition == .on(Expr(.literal(.bool(true)))))
        guard case .join(let j3) = j4.left.kind else { Issue.record("join"); return }
        #expect(j3.kind == .left)
        #expect(j3.condition == .using(["call_id", "agent_id"]))
        guard case .join(let j2) = j3.left.kind else { Issue.record("join"); return }
        #expect(j2.kind == .left)
        #expect(j2.right == TableRef(.table("customer_satisfaction", alias: "c")))
        guard case .join(let j1) = j2.left.kind else { Issue.record("join"); return }
        #expect(j1.kind == .inner)
        #expect(j1.left == TableRef(.table("agents", alias: "a")))
        guard case .on(let cond)? = j1.condition else { Issue.record("on"); return }
        #expect(sx(cond) == "(= m.agent_id a.agent_id)")
        #expect(j1.right.range.start.line == 2)
    }

    @Test func otherJoinKinds() {
        let cases: [(String, Join.Kind)] = [
            ("SELECT 1 FROM a RIGHT JOIN b ON a.x = b.x", .right),
            ("SELECT 1 FROM a RIGHT OUTER JOIN b ON a.x = b.x", .right),
            ("SELECT 1 FROM a FULL JOIN b ON a.x = b.x", .full),
            ("SELECT 1 FROM a FULL OUTER JOIN b USING (x)", .full),
            ("SELECT 1 FROM a CROSS JOIN b", .cross),
            ("SELECT 1 FROM a, b", .cross),
        ]
        for (sql, kind) in cases {
            guard let from = select(sql)?.from, case .join(let j) = from.kind else { continue }
            #expect(j.kind == kind, "\(sql)")
            #expect((j.condition == nil) == (kind == .cross), "\(sql)")
        }
    }

    @Test func parenthesisedJoin() {
        guard let from = select("SELECT 1 FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x")?.from,
              case .join(let j) = from.kind, case .join(let inner) = j.right.kind else {
            Issue.record("shape")
            return
        }
        #expect(inner.left == TableRef(.table("b", alias: nil)))
    }

    @Test func subqueryInFrom() {
        guard let s = select("SELECT s.n FROM (SELECT count(*) AS n FROM t) AS s"), let from = s.from,
              case .subquery(let q, let alias) = from.kind else { Issue.record("shape"); return }
        #expect(alias?.value == "s")
        #expect(q.description == "SELECT count(*) AS n FROM t")
        guard let s2 = select("SELECT * FROM (SELECT 1) x"), case .subquery(_, let a2)? = s2.from?.kind else { return }
        #expect(a2?.value == "x")
        guard let s3 = select("SELECT * FROM (SELECT 1)"), case .subquery(_, let a3)? = s3.from?.kind else { return }
        #expect(a3 == nil)
    }

    @Test func tableFunction() {
        guard let from = select("SELECT * FROM forecast('agent_metrics', INTERVAL '1 day') f")?.from,
              case .function(let name, let args, let alias) = from.kind else { Issue.record("shape"); return }
        #expect(name.value == "forecast")
        #expect(args.count == 2)
        #expect(alias?.value == "f")
    }

    @Test func commonTableExpressions() {
        guard let q = query("""
            WITH daily AS (SELECT date_trunc('day', started_at) AS d, count(*) AS n FROM agent_metrics GROUP BY 1),
                 peak(d, n) AS (SELECT * FROM daily ORDER BY n DESC LIMIT 1)
            SELECT * FROM peak
            """) else { return }
        #expect(q.with.count == 2)
        #expect(q.with[0].name.value == "daily")
        #expect(q.with[0].columns.isEmpty)
        #expect(q.with[1].columns == ["d", "n"])
        #expect(q.with[1].query.limit == int(1))
        #expect(q.with[1].query.orderBy == [OrderItem(col("n"), descending: true)])
        #expect(q.with[1].name.range.start.line == 2)
    }

    @Test func groupByKeepsOrdinalsAndAliases() {
        guard let s = select("SELECT sector AS s, date_trunc('day', ts) AS d, count(*) FROM t GROUP BY 1, d, sector") else { return }
        #expect(s.groupBy == [int(1), col("d"), col("sector")])
    }

    @Test func orderByLimitOffset() {
        guard let q = query("SELECT a, b FROM t ORDER BY a DESC NULLS LAST, b ASC, 1 NULLS FIRST LIMIT 10 OFFSET 20") else { return }
        #expect(q.orderBy == [
            OrderItem(col("a"), descending: true, nulls: .last),
            OrderItem(col("b")),
            OrderItem(int(1), nulls: .first),
        ])
        #expect(q.limit == int(10))
        #expect(q.offset == int(20))
    }

    @Test func limitAndOffsetForms() {
        let cases: [(String, Expr?, Expr?)] = [
            ("SELECT 1 LIMIT 5", int(5), nil),
            ("SELECT 1 OFFSET 5", nil, int(5)),
            ("SELECT 1 OFFSET 5 LIMIT 2", int(2), int(5)),
            ("SELECT 1 LIMIT ALL", nil, nil),
            ("SELECT 1 LIMIT $1 OFFSET $2", Expr(.parameter(1)), Expr(.parameter(2))),
            ("SELECT 1 OFFSET 3 ROWS", nil, int(3)),
        ]
        for (sql, limit, offset) in cases {
            guard let q = query(sql) else { continue }
            #expect(q.limit == limit, "\(sql)")
            #expect(q.offset == offset, "\(sql)")
        }
    }

    @Test func unions() {
        guard let q = query("SELECT a FROM t UNION ALL SELECT a FROM u UNION SELECT a FROM v ORDER BY a LIMIT 3") else { return }
        guard case .setOperation(let outer) = q.body, case .setOperation(let inner) = outer.left else { Issue.record("shape"); return }
        #expect(outer.op == .union && !outer.all)
        #expect(inner.op == .union && inner.all)
        #expect(q.orderBy.count == 1)
        #expect(q.limit == int(3))
    }

    @Test func intersectBindsTighterThanUnion() {
        guard let q = query("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4") else { return }
        guard case .setOperation(let top) = q.body else { return }
        #expect(top.op == .except)
        guard case .setOperation(let u) = top.left, case .setOperation(let i) = u.right else { Issue.record("shape"); return }
        #expect(u.op == .union)
        #expect(i.op == .intersect)
    }

    @Test func unionDistinctIsPlainUnion() {
        #expect(query("SELECT 1 UNION DISTINCT SELECT 2") == query("SELECT 1 UNION SELECT 2"))
    }

    @Test func parenthesesAroundQueries() {
        // Redundant parentheses leave no trace.
        #expect(query("(SELECT 1)") == query("SELECT 1"))
        #expect(query("((SELECT 1)) UNION ALL (SELECT 2)") == query("SELECT 1 UNION ALL SELECT 2"))
        // Needed ones become a nested query.
        guard let q = query("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u LIMIT 1)"),
              case .setOperation(let op) = q.body, case .nested(let l) = op.left, case .nested(let r) = op.right else {
            Issue.record("shape")
            return
        }
        #expect(l.limit == int(1) && r.limit == int(1))
        // Right-nested set operations keep their grouping.
        guard let q2 = query("SELECT 1 UNION (SELECT 2 UNION ALL SELECT 3)"), case .setOperation(let o2) = q2.body,
              case .setOperation(let right) = o2.right else { Issue.record("shape"); return }
        #expect(right.all)
    }

    @Test func scalarAndExistsSubqueriesInWhere() {
        guard let s = select("""
            SELECT * FROM agents a
            WHERE EXISTS (SELECT 1 FROM agent_metrics m WHERE m.agent_id = a.agent_id)
              AND a.agent_id IN (SELECT agent_id FROM customer_satisfaction WHERE csat >= 4)
              AND (SELECT count(*) FROM queue_events) > 0
            """) else { return }
        #expect(s.whereClause.map(sx)?.hasPrefix("(and (and (exists {SELECT 1 FROM agent_metrics AS m WHERE m.agent_id = a.agent_id})") == true)
    }

    @Test func queryRangeCoversTheQuery() {
        let sql = "  SELECT a FROM t WHERE b LIMIT 4  "
        guard let q = query(sql) else { return }
        #expect(q.range.text(in: sql) == "SELECT a FROM t WHERE b LIMIT 4")
        guard case .select(let s) = q.body else { return }
        #expect(s.range.text(in: sql) == "SELECT a FROM t WHERE b")
    }

    @Test func dashboardQuery() {
        let sql = """
            -- agent leaderboard for the last 7 days
            WITH recent AS (
                SELECT m.agent_id, a.name, a.team,
                       count(*) AS calls,
                       avg(m.handle_s) AS aht,
                       count(*) FILTER (WHERE m.first_contact_resolved) * 100.0 / count(*) AS fcr_pct,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY m.queue_wait_s) AS p90_wait
                FROM agent_metrics m
                JOIN agents a ON a.agent_id = m.agent_id
                WHERE m.started_at >= now() - INTERVAL '7 days'
                  AND m.outcome <> 'abandoned'
                  AND m.sector = $1
                GROUP BY m.agent_id, a.name, a.team
                HAVING count(*) >= 20
            )
            SELECT *, rank() OVER (ORDER BY fcr_pct DESC, aht) AS position
            FROM recent
            ORDER BY position
            LIMIT 10;
            """
        guard let st = statement(sql), case .query(let q) = st else { return }
        #expect(q.with.count == 1)
        #expect(q.limit == int(10))
    }
}
