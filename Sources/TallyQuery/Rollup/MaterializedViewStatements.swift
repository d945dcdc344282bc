/// CREATE / DROP MATERIALIZED VIEW: rollups kept by the storage layer beside each segment.
extension Session {
    func createMaterializedView(_ v: CreateMaterializedView, _ params: [Value]) throws -> StatementResult {
        let t = try tenantStore(for: "CREATE MATERIALIZED VIEW")
        let provider = try tables()
        let name = v.name.value.lowercased()
        if provider.view(named: name) != nil || t.hasTable(name) {
            if v.ifNotExists { return StatementResult(message: "CREATE MATERIALIZED VIEW (already exists)") }
            throw SQLError(.init(rawValue: "table_exists"), "a table or view named \"\(name)\" already exists", at: v.name.range)
        }
        var binder = Binder(tables: provider, registry: registry, parameters: params, now: Session.clock()) { _ in
            throw TallyError(code: "unsupported", message: "subqueries are not allowed in a materialized view")
        }
        // Bound and pruned but not rewritten: the definition must read the table itself.
        let bound = try binder.bindQuery(v.query)
        let plan = Optimizer.prune(Optimizer.pushFilters(bound), Set(0..<bound.columns.count)).0
        let (table, def) = try RollupDefinitionBinder.definition(v, plan: plan, sql: Statement.createMaterializedView(v).description)
        try t.table(table).defineRollup(def)
        return StatementResult(message: "CREATE MATERIALIZED VIEW", tablesRead: [table])
    }

    func dropMaterializedView(_ d: DropMaterializedView) throws -> StatementResult {
        let t = try tenantStore(for: "DROP MATERIALIZED VIEW")
        guard let v = try tables().view(named: d.name.value.lowercased()) else {
            if d.ifExists { return StatementResult(message: "DROP MATERIALIZED VIEW (did not exist)") }
            throw SQLError(.unknownTable, "materialized view \"\(d.name.value)\" does not exist", at: d.name.range)
        }
        try t.table(v.table).dropRollup(named: v.definition.name)
        return StatementResult(message: "DROP MATERIALIZED VIEW", tablesRead: [v.table])
    }
}
