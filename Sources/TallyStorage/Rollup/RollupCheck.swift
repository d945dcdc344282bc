/// Checks that a table's rollups equal a recomputation from its raw rows (crash torture, tests).
public enum RollupCheck {
    /// One line per difference between each rollup (sidecars + buffer partials, merged) and the
    /// same rollup recomputed from every row of the snapshot; empty when they agree. Doubles are
    /// compared to a relative 1e-9 (sums in a different order differ in the last bits).
    public static func verify(_ table: TableStore) -> [String] {
        var problems: [String] = []
        let snap = table.snapshot()
        for def in table.rollupDefinitions {
            do {
                let kept = try table.rollupSnapshot(def.name, of: snap)
                let fromRollup = try merged(kept.readAll(), def: def, partialSchema: kept.schema)
                let raw = try snap.readAll()
                let recomputed = try merged(RollupAggregator.partials(of: raw, source: table.schema, def: def), def: def, partialSchema: kept.schema)
                problems.append(contentsOf: compare(fromRollup, recomputed, view: def.name))
            } catch {
                problems.append("rollup \(def.name): \(error)")
            }
        }
        return problems
    }

    /// Merges partial rows per key into the view's rows, sorted by their text.
    public static func merged(_ partials: RowBatch, def: RollupDefinition, partialSchema: TableSchema) throws -> [[Value]] {
        // Merging is itself a rollup over the partial rows: counts and sums add up, min/max stay.
        let mergeDef = RollupDefinition(
            name: def.name,
            keys: def.keys.map { RollupKey(name: $0.name, column: $0.name, day: $0.day) },
            measures: def.measures.map { m in
                RollupMeasure(name: m.name, aggregate: m.aggregate == .count ? .sum : m.aggregate, column: m.name)
            })
        let rows = try RollupAggregator.partials(of: partials, source: partialSchema, def: mergeDef)
        return (0..<rows.count).map { rows.row($0) }.sorted { "\($0)" < "\($1)" }
    }

    static func compare(_ a: [[Value]], _ b: [[Value]], view: String) -> [String] {
        guard a.count == b.count else { return ["rollup \(view): \(a.count) groups, recomputation has \(b.count)"] }
        var out: [String] = []
        for (x, y) in zip(a, b) where !same(x, y) {
            out.append("rollup \(view): \(x) differs from recomputation \(y)")
            if out.count >= 5 { break }
        }
        return out
    }

    static func same(_ x: [Value], _ y: [Value]) -> Bool {
        guard x.count == y.count else { return false }
        for (u, v) in zip(x, y) {
            if case .double(let p) = u, case .double(let q) = v {
                if abs(p - q) > 1e-9 * max(1, abs(p), abs(q)) { return false }
            } else if "\(u)" != "\(v)" {
                return false
            }
        }
        return true
    }
}
