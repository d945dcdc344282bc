import Foundation
import Synchronization
import TallyStorage

/// Whose data a session sees: one tenant's, or (admin) every tenant's with a virtual client_id column.
public enum SessionScope: Sendable, Equatable {
    case tenant(String)
    case allTenants
}

/// What a statement produced: rows, or a status message (with the rows it affected).
public struct StatementResult: Sendable {
    public var result: QueryResult?
    public var message: String?
    public var rowsAffected: Int?
    /// Wall time in seconds.
    public var elapsed: Double
    /// Tables the statement read (lowercase), for result caching and subscriptions.
    public var tablesRead: [String]

    public init(result: QueryResult? = nil, message: String? = nil, rowsAffected: Int? = nil, elapsed: Double = 0, tablesRead: [String] = []) {
        self.result = result
        self.message = message
        self.rowsAffected = rowsAffected
        self.elapsed = elapsed
        self.tablesRead = tablesRead
    }
}

/// Limits a session enforces on every statement.
public struct SessionLimits: Sendable {
    /// Largest number of rows a result may have.
    public var maxRows = 1_000_000
    /// Longest a statement may run, in seconds (nil: no limit).
    public var timeLimit: Double? = nil
    /// Whether COPY may read and write files on the server's file system.
    public var allowFileAccess = true
    /// Most bytes one statement may hold in sorts, join builds, windows, group tables and its
    /// result (nil: no limit).
    public var maxQueryMemory: Int? = nil
    /// Whether aggregate queries may be answered from materialized views (off: always raw rows).
    public var useRollups = true
    public init() {}
}

/// One client's connection to a store: parses, binds, plans and runs statements in its scope.
/// The scope is fixed at creation (from the authenticated identity); no statement can change it.
public final class Session: Sendable {
    public let catalog: Catalog
    public let scope: SessionScope
    public let registry: FunctionRegistry
    public let limits: SessionLimits
    private let prepared = Locked<[String: Statement]>([:])
    private let running = Locked<QueryContext?>(nil)

    public init(catalog: Catalog, scope: SessionScope, registry: FunctionRegistry = .shared, limits: SessionLimits = SessionLimits()) {
        self.catalog = catalog
        self.scope = scope
        self.registry = registry
        self.limits = limits
    }

    /// The tables this session may read.
    public func tables() throws -> TableProvider {
        switch scope {
        case .tenant(let t): return TenantTables(try catalog.tenant(t))
        case .allTenants: return AllTenantTables(catalog)
        }
    }

    /// The tenant store for writes and DDL (tenant scope only).
    func tenantStore(for what: String) throws -> TenantStore {
        guard case .tenant(let t) = scope else {
            throw TallyError(code: "wrong_scope", message: "\(what) needs a tenant session; the all-tenants scope is read-only")
        }
        return try catalog.tenant(t)
    }

    /// Cancels the statement running in this session, if any.
    public func cancel() { running.withLock { $0?.cancel() } }

    /// Runs every statement of a script in order; stops at the first error.
    public func executeScript(_ sql: String) throws -> [StatementResult] {
        let parsed: [ParsedStatement]
        do { parsed = try Parser.parseScript(sql) } catch { throw TallyError.from(error) }
        return try parsed.map { try execute(statement: $0.statement, parameters: []) }
    }

    /// Parses and runs one statement with `$n` parameters.
    public func execute(_ sql: String, parameters: [Value] = []) throws -> StatementResult {
        let stmt: Statement
        do { stmt = try Parser.parse(sql) } catch { throw TallyError.from(error) }
        return try execute(statement: stmt, parameters: parameters)
    }

    /// Runs a parsed statement.
    public func execute(statement: Statement, parameters: [Value]) throws -> StatementResult {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            var r = try run(statement, parameters)
            r.elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return r
        } catch {
            throw TallyError.from(error)
        }
    }

    /// Binds and optimises a query (for EXPLAIN, caching and subscriptions).
    public func plan(_ q: Query, parameters: [Value] = []) throws -> LogicalPlan {
        let provider = try tables()
        let ctx = QueryContext(tables: provider, timeLimitSeconds: limits.timeLimit, memoryLimit: limits.maxQueryMemory)
        var binder = Binder(tables: provider, registry: registry, parameters: parameters, now: Session.clock()) { p in
            try Executor.run(p, ctx: ctx, maxRows: 10_000_000)
        }
        return Optimizer.optimize(try binder.bindQuery(q), tables: provider, rollups: limits.useRollups)
    }

    static func clock() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    func withContext<T>(_ provider: TableProvider, _ body: (QueryContext) throws -> T) throws -> T {
        let ctx = QueryContext(tables: provider, timeLimitSeconds: limits.timeLimit, memoryLimit: limits.maxQueryMemory)
        running.withLock { $0 = ctx }
        defer { running.withLock { $0 = nil } }
        return try body(ctx)
    }

    func runQuery(_ q: Query, _ parameters: [Value]) throws -> (QueryResult, [String]) {
        let provider = try tables()
        let plan = try self.plan(q, parameters: parameters)
        let result = try withContext(provider) { ctx in try Executor.run(plan, ctx: ctx, maxRows: limits.maxRows) }
        return (result, Session.tablesRead(plan))
    }

    /// The tables a plan scans.
    public static func tablesRead(_ p: LogicalPlan) -> [String] {
        var out = Set<String>()
        func walk(_ p: LogicalPlan) {
            switch p {
            case .scan(let s, _, _): out.insert(RollupTables.split(s.table)?.base ?? s.table)
            case .values: break
            case .filter(let c, _), .project(let c, _, _), .aggregate(let c, _, _, _, _), .sort(let c, _), .limit(let c, _, _),
                 .topK(let c, _, _, _), .window(let c, _, _), .distinct(let c), .gapFill(let c, _, _, _, _, _, _): walk(c)
            case .join(let l, let r, _, _, _, _): walk(l); walk(r)
            case .unionAll(let cs): cs.forEach(walk)
            }
        }
        walk(p)
        return out.sorted()
    }

    // MARK: statements

    func run(_ s: Statement, _ params: [Value]) throws -> StatementResult {
        switch s {
        case .query(let q):
            let (r, read) = try runQuery(q, params)
            return StatementResult(result: r, tablesRead: read)
        case .explain(let e):
            guard case .query(let q) = e.statement else {
                throw TallyError(code: "unsupported", message: "EXPLAIN works on queries")
            }
            let provider = try tables()
            let plan = try self.plan(q, parameters: params)
            let r = try withContext(provider) { ctx in try Executor.explain(plan, ctx: ctx, analyze: e.analyze) }
            return StatementResult(result: r, tablesRead: Session.tablesRead(plan))
        case .createTable(let ct):
            let t = try tenantStore(for: "CREATE TABLE")
            let schema = try ct.tableSchema()
            if SystemTables.names.contains(schema.name.lowercased()) {
                throw SQLError(.init(rawValue: "table_exists"), "\(schema.name.lowercased()) is a system table of Tally; choose another name", at: ct.name.range)
            }
            if t.hasTable(schema.name) {
                if ct.ifNotExists { return StatementResult(message: "CREATE TABLE (already exists)") }
                throw SQLError(.init(rawValue: "table_exists"), "table \"\(schema.name)\" already exists", at: ct.name.range)
            }
            try t.createTable(schema)
            return StatementResult(message: "CREATE TABLE")
        case .dropTable(let d):
            let t = try tenantStore(for: "DROP TABLE")
            guard t.hasTable(d.name.value) else {
                if d.ifExists { return StatementResult(message: "DROP TABLE (did not exist)") }
                throw SQLError(.unknownTable, "table \"\(d.name.value)\" does not exist", at: d.name.range)
            }
            try t.dropTable(d.name.value)
            return StatementResult(message: "DROP TABLE")
        case .insert(let ins):
            let n = try insert(ins, params)
            return StatementResult(message: "INSERT \(n)", rowsAffected: n, tablesRead: [ins.table.value.lowercased()])
        case .copyFrom(let c):
            guard limits.allowFileAccess else { throw TallyError(code: "permission_denied", message: "COPY … FROM a file is not allowed in this session") }
            let t = try tenantStore(for: "COPY FROM")
            guard t.hasTable(c.table.value) else { throw SQLError(.unknownTable, "table \"\(c.table.value)\" does not exist", at: c.table.range) }
            var delimiter = UInt8(ascii: ",")
            for o in c.options {
                switch o.name.value.lowercased() {
                case "delimiter", "delim", "sep":
                    guard case .string(let d)? = o.value, d.utf8.count == 1 else {
                        throw SQLError(.invalidOption, "DELIMITER must be one character", at: o.valueRange)
                    }
                    delimiter = d.utf8.first!
                case "header", "format": break
                default: throw SQLError(.invalidOption, "unknown COPY option \(o.name.value)", at: o.name.range)
                }
            }
            let r = try CSVLoader.load(path: c.path, into: try t.table(c.table.value), delimiter: delimiter)
            return StatementResult(message: "COPY \(r.rows)", rowsAffected: r.rows)
        case .copyTo(let c):
            guard limits.allowFileAccess else { throw TallyError(code: "permission_denied", message: "COPY … TO a file is not allowed in this session") }
            let q: Query
            switch c.source {
            case .query(let qq): q = qq
            case .table(let name, let cols):
                let items: [SelectItem] = cols.isEmpty ? [.wildcard(table: nil, range: .unknown)] : cols.map { .expr(Expr(.column(ColumnRef(name: $0)), range: $0.range), alias: nil) }
                q = Query(body: .select(Select(items: items, from: TableRef(.table(name, alias: nil), range: name.range))))
            }
            var format = ResultFormat.csv
            if c.path.lowercased().hasSuffix(".json") || c.path.lowercased().hasSuffix(".ndjson") { format = .json }
            for o in c.options where o.name.value.lowercased() == "format" {
                let v: String
                switch o.value {
                case .identifier(let s)?, .string(let s)?: v = s.lowercased()
                default: throw SQLError(.invalidOption, "FORMAT must be csv or json", at: o.valueRange)
                }
                guard let f = ResultFormat(rawValue: v), f == .csv || f == .json else {
                    throw SQLError(.invalidOption, "FORMAT must be csv or json, not \(v)", at: o.valueRange)
                }
                format = f
            }
            let (r, read) = try runQuery(q, params)
            let text = format == .json ? ResultFormatter.jsonLines(r) : ResultFormatter.csv(r)
            try FileIO.writeAtomically(c.path, Array(text.utf8))
            return StatementResult(message: "COPY \(r.rowCount)", rowsAffected: r.rowCount, tablesRead: read)
        case .showTables:
            let names = try tables().tableNames()
            return StatementResult(result: .text("name", names))
        case .describe(let name):
            guard let schema = try tables().schema(of: name.value.lowercased()) else {
                throw SQLError(.unknownTable, "table \"\(name.value)\" does not exist",
                               hint: NameSuggestion.closest(to: name.value, in: try tables().tableNames()).map { "did you mean \($0)?" }, at: name.range)
            }
            var cols = schema.columns.map { ($0.name, $0.type.description, $0.nullable ? "YES" : "NO", $0.name == schema.timeColumn ? "time column" : "") }
            if scope == .allTenants { cols.append(("client_id", "VARCHAR", "NO", "virtual: the tenant")) }
            let r = QueryResult(columns: [PlanColumn("column_name", .string), PlanColumn("column_type", .string), PlanColumn("null", .string), PlanColumn("extra", .string)],
                                data: [ColumnData.from(.string, cols.map { .string($0.0) }), ColumnData.from(.string, cols.map { .string($0.1) }),
                                       ColumnData.from(.string, cols.map { .string($0.2) }), ColumnData.from(.string, cols.map { .string($0.3) })],
                                rowCount: cols.count)
            return StatementResult(result: r)
        case .prepare(let p):
            let key = p.name.value.lowercased()
            prepared.withLock { $0[key] = p.statement }
            return StatementResult(message: "PREPARE")
        case .execute(let e):
            guard let stmt = prepared.withLock({ $0[e.name.value.lowercased()] }) else {
                throw SQLError(.init(rawValue: "unknown_prepared_statement"), "prepared statement \"\(e.name.value)\" does not exist", at: e.name.range)
            }
            let provider = try tables()
            let binder = Binder(tables: provider, registry: registry, parameters: params, now: Session.clock()) { _ in
                throw TallyError(code: "unsupported", message: "subqueries are not allowed in EXECUTE arguments")
            }
            let args = try e.arguments.map { a -> Value in
                let b = try binder.bind(a, Scope([]))
                guard b.isConstant else { throw SQLError(.typeMismatch, "EXECUTE arguments must be constants", at: a.range) }
                return try ExprEvaluator.constantValue(b)
            }
            return try run(stmt, args)
        case .deallocate(let name):
            if let n = name {
                guard prepared.withLock({ $0.removeValue(forKey: n.value.lowercased()) }) != nil else {
                    throw SQLError(.init(rawValue: "unknown_prepared_statement"), "prepared statement \"\(n.value)\" does not exist", at: n.range)
                }
            } else {
                prepared.withLock { $0.removeAll() }
            }
            return StatementResult(message: "DEALLOCATE")
        case .createMaterializedView(let v):
            return try createMaterializedView(v, params)
        case .dropMaterializedView(let d):
            return try dropMaterializedView(d)
        }
    }

    /// INSERT … VALUES / INSERT … SELECT: rows are checked against the schema and appended durably.
    func insert(_ ins: Insert, _ params: [Value]) throws -> Int {
        let t = try tenantStore(for: "INSERT")
        guard t.hasTable(ins.table.value) else {
            throw SQLError(.unknownTable, "table \"\(ins.table.value)\" does not exist",
                           hint: NameSuggestion.closest(to: ins.table.value, in: t.tableNames()).map { "did you mean \($0)?" }, at: ins.table.range)
        }
        let table = try t.table(ins.table.value)
        let schema = table.schema
        var target: [Int] = []
        if ins.columns.isEmpty { target = Array(schema.columns.indices) } else {
            for c in ins.columns {
                guard let i = schema.index(of: c.value) else {
                    throw SQLError(.unknownColumn, "column \"\(c.value)\" of table \(schema.name) does not exist",
                                   hint: NameSuggestion.closest(to: c.value, in: schema.columns.map(\.name)).map { "did you mean \($0)?" }, at: c.range)
                }
                guard !target.contains(i) else { throw SQLError(.typeMismatch, "column \"\(c.value)\" is listed twice", at: c.range) }
                target.append(i)
            }
        }
        for (i, c) in schema.columns.enumerated() where !target.contains(i) && !c.nullable {
            throw TallyError(code: "invalid_value", message: "column \(c.name) of table \(schema.name) is NOT NULL and must be given a value")
        }
        var builders = schema.columns.map { ColumnBuilder($0.type) }
        var rows = 0
        switch ins.source {
        case .values(let valueRows):
            let binder = Binder(tables: try tables(), registry: registry, parameters: params, now: Session.clock()) { _ in
                throw TallyError(code: "unsupported", message: "subqueries are not allowed in VALUES")
            }
            for (rn, row) in valueRows.enumerated() {
                guard row.count == target.count else {
                    throw SQLError(.typeMismatch, "row \(rn + 1) has \(row.count) values, \(target.count) columns are being inserted", at: row.first?.range ?? .unknown)
                }
                var values = [Value](repeating: .null, count: schema.columns.count)
                for (k, e) in row.enumerated() {
                    let col = schema.columns[target[k]]
                    let b = try binder.bind(e, Scope([]))
                    guard b.isConstant else { throw SQLError(.typeMismatch, "VALUES must be constants", at: e.range) }
                    let v = try binder.coerce(b, to: col.type, explicit: b.type == .string || Binder.isNumeric(b.type), at: e.range)
                    let value = try ExprEvaluator.constantValue(v)
                    if value.isNull && !col.nullable {
                        throw SQLError(.init(rawValue: "invalid_value"), "NULL in NOT NULL column \(col.name) (row \(rn + 1))", at: e.range)
                    }
                    values[target[k]] = value
                }
                for (c, v) in values.enumerated() { builders[c].append(v) }
                rows += 1
            }
        case .query(let q):
            let (r, _) = try runQuery(q, params)
            guard r.columns.count == target.count else {
                throw TallyError(code: "type_mismatch", message: "the query returns \(r.columns.count) columns, \(target.count) are being inserted")
            }
            let converted = try r.data.enumerated().map { k, d in try Casts.castVector(d, to: schema.columns[target[k]].type) }
            for i in 0..<r.rowCount {
                var values = [Value](repeating: .null, count: schema.columns.count)
                for k in 0..<target.count { values[target[k]] = converted[k].value(at: i) }
                for (c, v) in values.enumerated() { builders[c].append(v) }
            }
            rows = r.rowCount
        }
        guard rows > 0 else { return 0 }
        try table.append(RowBatch(columns: builders.map { $0.finish() }))
        return rows
    }
}
