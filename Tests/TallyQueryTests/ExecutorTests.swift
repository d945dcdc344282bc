import Foundation
import Testing
@testable import TallyQuery

/// A temporary catalog with one tenant holding a small calls table.
final class ExecFixture {
    let dir: String
    let catalog: Catalog
    let tenant: TenantStore
    let schema = TableSchema(name: "calls", columns: [
        ColumnSchema("id", .int64, nullable: false),
        ColumnSchema("at", .timestamp, nullable: false),
        ColumnSchema("sector", .string, nullable: false),
        ColumnSchema("agent", .int32),
        ColumnSchema("talk", .float64),
    ], timeColumn: "at")

    init(rows: [[Value]], flushEvery: Int = 4) throws {
        dir = NSTemporaryDirectory() + "/tally-exec-\(UUID().uuidString)"
        var o = StoreOptions()
        o.rowGroupRows = 8
        catalog = try Catalog(root: dir, options: o)
        tenant = try catalog.createTenant("acme")
        let t = try tenant.createTable(schema)
        var i = 0
        while i < rows.count {
            let chunk = Array(rows[i..<min(i + flushEvery, rows.count)])
            try t.append(RowBatch(columns: schema.columns.enumerated().map { c, col in ColumnData.from(col.type, chunk.map { $0[c] }) }))
            if (i / flushEvery) % 2 == 0 { try t.flush() }
            i += flushEvery
        }
    }

    deinit { try? FileIO.removeTree(dir) }

    var ctx: QueryContext { QueryContext(tables: TenantTables(tenant)) }

    func scan(_ cols: [Int], filters: [BoundExpr] = []) -> LogicalPlan {
        .scan(ScanSource(table: "calls", schema: schema, columns: cols, withClientID: false), filters: filters, qualifier: nil)
    }
}

func col(_ i: Int, _ t: DataType, _ n: String = "c") -> BoundExpr { .column(i, t, name: n) }

func sampleRow(_ i: Int) -> [Value] {
    let sectors = ["retail", "banking", "telecom"]
    let agent: Value = i % 5 == 0 ? .null : .int(Int64(i % 7))
    let talk: Value = i % 4 == 0 ? .null : .double(Double(i) * 1.5)
    return [.int(Int64(i)), .timestamp(Int64(i) * 3_600_000_000), .string(sectors[i % 3]), agent, talk]
}

let sampleRows: [[Value]] = (0..<40).map(sampleRow)

@Suite struct ExecutorTests {
    @Test func groupByStringWithAggregatesMatchesHandComputation() throws {
        let f = try ExecFixture(rows: sampleRows)
        let plan = LogicalPlan.sort(.aggregate(f.scan([2, 3, 4]), keys: [col(0, .string)], keyNames: ["sector"], aggregates: [
            BoundAggregate(kind: .countStar, args: [], type: .int64),
            BoundAggregate(kind: .count, args: [col(1, .int32)], type: .int64),
            BoundAggregate(kind: .sum, args: [col(1, .int32)], type: .int64),
            BoundAggregate(kind: .avg, args: [col(2, .float64)], type: .float64),
            BoundAggregate(kind: .max, args: [col(2, .float64)], type: .float64),
            BoundAggregate(kind: .count, args: [col(1, .int32)], distinct: true, type: .int64),
        ], aggNames: ["n", "agents", "s", "avg_talk", "max_talk", "distinct_agents"]), [SortKey(col(0, .string))])
        let r = try Executor.run(plan, ctx: f.ctx)
        #expect(r.rowCount == 3)
        for row in r.rows {
            guard case .string(let sector) = row[0] else { Issue.record("no sector"); continue }
            let mine = sampleRows.filter { $0[2] == .string(sector) }
            let agents = mine.compactMap { r -> Int64? in if case .int(let a) = r[3] { return a }; return nil }
            let talks = mine.compactMap { r -> Double? in if case .double(let d) = r[4] { return d }; return nil }
            #expect(row[1] == .int(Int64(mine.count)))
            #expect(row[2] == .int(Int64(agents.count)))
            #expect(row[3] == .int(agents.reduce(0, +)))
            if case .double(let avg) = row[4] { #expect(abs(avg - talks.reduce(0, +) / Double(talks.count)) < 1e-9) } else { Issue.record("avg") }
            #expect(row[5] == .double(talks.max()!))
            #expect(row[6] == .int(Int64(Set(agents).count)))
        }
        #expect(r.rows.map { $0[0] } == [.string("banking"), .string("retail"), .string("telecom")])
    }

    @Test func zoneMapsPruneTimeRanges() throws {
        let f = try ExecFixture(rows: sampleRows)
        let cutoff = Int64(30) * 3_600_000_000
        let filter = BoundExpr.compare(.ge, col(0, .timestamp), .constant(.timestamp(cutoff), .timestamp))
        let plan = LogicalPlan.aggregate(f.scan([1], filters: [filter]), keys: [], keyNames: [], aggregates: [
            BoundAggregate(kind: .countStar, args: [], type: .int64)], aggNames: ["n"])
        let r = try Executor.run(plan, ctx: f.ctx)
        #expect(r.rows == [[.int(10)]])
        let ex = try Executor.explain(plan, ctx: f.ctx, analyze: true)
        let text = ex.rows.map { $0[0].description }.joined(separator: "\n")
        #expect(text.contains("pruned="))
        let pruned = text.components(separatedBy: "pruned=")[1].prefix { $0.isNumber }
        #expect(Int(pruned)! > 0, "\(text)")
    }

    @Test func emptyInputGivesOneRowForGlobalAggregatesAndNoneForGroups() throws {
        let f = try ExecFixture(rows: sampleRows)
        let never = BoundExpr.compare(.lt, col(0, .int64), .constant(.int(-1), .int64))
        let global = LogicalPlan.aggregate(f.scan([0], filters: [never]), keys: [], keyNames: [], aggregates: [
            BoundAggregate(kind: .countStar, args: [], type: .int64), BoundAggregate(kind: .sum, args: [col(0, .int64)], type: .int64)],
            aggNames: ["n", "s"])
        #expect(try Executor.run(global, ctx: f.ctx).rows == [[.int(0), .null]])
        let grouped = LogicalPlan.aggregate(f.scan([0], filters: [never]), keys: [col(0, .int64)], keyNames: ["id"], aggregates: [], aggNames: [])
        #expect(try Executor.run(grouped, ctx: f.ctx).rowCount == 0)
    }

    @Test func topKEqualsSortThenLimitWithNullsLast() throws {
        let f = try ExecFixture(rows: sampleRows)
        let keys = [SortKey(col(1, .float64), descending: false, nullsFirst: false), SortKey(col(0, .int64), descending: true)]
        let full = try Executor.run(.limit(.sort(f.scan([0, 4]), keys), limit: 7, offset: 2), ctx: f.ctx)
        let top = try Executor.run(.topK(f.scan([0, 4]), keys, limit: 7, offset: 2), ctx: f.ctx)
        #expect(full.rows == top.rows)
        #expect(full.rowCount == 7)
    }

    @Test func threeValuedLogicAndDivisionByZero() throws {
        let f = try ExecFixture(rows: sampleRows)
        let agentIsNull = BoundExpr.isNull(col(1, .int32), negated: false)
        let e = BoundExpr.or([.compare(.gt, col(1, .int32), .constant(.int(3), .int64)), .constant(.null, .bool)])
        let div = BoundExpr.arith(.div, col(1, .int32), .constant(.int(0), .int64), .float64)
        let plan = LogicalPlan.project(f.scan([0, 3]), exprs: [col(0, .int64), agentIsNull, e, div], names: ["id", "n", "e", "d"])
        let r = try Executor.run(plan, ctx: f.ctx)
        for row in r.rows {
            guard case .int(let id) = row[0] else { continue }
            let agent = sampleRows[Int(id)][3]
            #expect(row[1] == .bool(agent.isNull))
            if case .int(let a) = agent { #expect(row[2] == (a > 3 ? .bool(true) : .null)) } else { #expect(row[2] == .null) }
            #expect(row[3] == .null)
        }
    }

    @Test func leftJoinKeepsUnmatchedRows() throws {
        let f = try ExecFixture(rows: sampleRows)
        let names = LogicalPlan.values(rows: [[.int(1), .string("one")], [.int(2), .string("two")]], columns: [PlanColumn("agent", .int64), PlanColumn("name", .string)])
        let plan = LogicalPlan.join(f.scan([0, 3]), names, kind: .left, leftKeys: [col(1, .int32)], rightKeys: [col(0, .int64)], residual: nil)
        let r = try Executor.run(plan, ctx: f.ctx)
        #expect(r.rowCount == 40)
        for row in r.rows {
            switch row[1] {
            case .int(1): #expect(row[3] == .string("one"))
            case .int(2): #expect(row[3] == .string("two"))
            default: #expect(row[3] == .null)
            }
        }
    }

    @Test func windowRunningSumAndLag() throws {
        let f = try ExecFixture(rows: Array(sampleRows.prefix(9)))
        let w = [
            BoundWindow(kind: .aggregate(.sum), args: [col(0, .int64)], partitionBy: [col(1, .string)], orderBy: [SortKey(col(0, .int64))], frame: nil, type: .int64),
            BoundWindow(kind: .lag(1), args: [col(0, .int64)], partitionBy: [col(1, .string)], orderBy: [SortKey(col(0, .int64))], frame: nil, type: .int64),
            BoundWindow(kind: .rowNumber, args: [], partitionBy: [], orderBy: [SortKey(col(0, .int64), descending: true)], frame: nil, type: .int64),
            BoundWindow(kind: .aggregate(.avg), args: [col(0, .int64)], partitionBy: [], orderBy: [SortKey(col(0, .int64))], frame: BoundFrame(start: -1, end: 1), type: .float64),
        ]
        let r = try Executor.run(.sort(.window(f.scan([0, 2]), w, names: ["running", "prev", "rn", "avg3"]), [SortKey(col(0, .int64))]), ctx: f.ctx)
        // ids 0..8; sectors cycle retail, banking, telecom: retail ids 0, 3, 6.
        #expect(r.rows[6][2] == .int(0 + 3 + 6))
        #expect(r.rows[6][3] == .int(3))
        #expect(r.rows[0][3] == .null)
        #expect(r.rows[0][4] == .int(9))
        #expect(r.rows[4][5] == .double(4))
        #expect(r.rows[0][5] == .double(0.5))
    }
}
