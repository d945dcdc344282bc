/// How the query layer names and reaches a rollup's partial rows: the pseudo-table
/// `<base>@<view>` (never a valid table name, so it cannot collide) scans every segment's sidecar
/// plus the buffer's partials, through the ordinary scan operator.
enum RollupTables {
    static func partialTable(base: String, view: String) -> String { base + "@" + view.lowercased() }

    /// (base table, view) of a partial-table name, or nil for an ordinary table.
    static func split(_ name: String) -> (base: String, view: String)? {
        guard let at = name.firstIndex(of: "@") else { return nil }
        return (String(name[..<at]), String(name[name.index(after: at)...]))
    }

    static func partialSchema(_ store: TenantStore, _ name: String) -> TableSchema? {
        guard let (base, view) = split(name), store.hasTable(base), let t = try? store.table(base) else { return nil }
        return t.rollupPartialSchema(view)
    }

    static func partialSnapshot(_ store: TenantStore, _ name: String) throws -> TableSnapshot {
        guard let (base, view) = split(name) else { preconditionFailure("not a partial table: \(name)") }
        let t = try store.table(base)
        return try t.rollupSnapshot(view, of: t.snapshot())
    }

    /// The view `name` in one tenant: its base table and definition.
    static func view(_ store: TenantStore, _ name: String) -> (table: String, definition: RollupDefinition)? {
        for tn in store.tableNames() {
            if let t = try? store.table(tn), let d = t.rollup(named: name) { return (tn, d) }
        }
        return nil
    }
}

extension TenantTables {
    public func rollups(of table: String) -> [RollupDefinition] {
        guard store.hasTable(table), let t = try? store.table(table) else { return [] }
        return t.rollupDefinitions
    }

    public func view(named name: String) -> (table: String, definition: RollupDefinition)? {
        RollupTables.view(store, name)
    }
}

extension AllTenantTables {
    /// Only the rollups every tenant with the table defines identically: a cross-tenant answer
    /// must come from the same partials everywhere.
    public func rollups(of table: String) -> [RollupDefinition] {
        var common: [RollupDefinition]? = nil
        for id in catalog.tenants {
            guard let s = try? catalog.tenant(id), s.hasTable(table), let t = try? s.table(table) else { continue }
            let defs = t.rollupDefinitions
            common = common.map { c in c.filter { d in defs.contains { $0.sameRollup(as: d) } } } ?? defs
        }
        return common ?? []
    }

    public func view(named name: String) -> (table: String, definition: RollupDefinition)? {
        var found: (table: String, definition: RollupDefinition)? = nil
        for id in catalog.tenants {
            guard let s = try? catalog.tenant(id), let v = RollupTables.view(s, name) else { continue }
            found = v
            break
        }
        guard let f = found else { return nil }
        return rollups(of: f.table).contains { $0.sameRollup(as: f.definition) } ? f : nil
    }
}
