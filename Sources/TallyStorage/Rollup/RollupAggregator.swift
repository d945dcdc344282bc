/// Computes a rollup's partial rows from a batch of source rows (a segment being written, or the
/// in-memory buffer at query time). Group keys are folded into one Int64 per row by mixed radix over
/// per-column dense ids, so the only per-row hashing is one Int64 dictionary lookup.
public enum RollupAggregator {
    static let dayMicros: Int64 = 86_400_000_000

    /// The partial rows of `batch` (whose columns follow `source`) under `def`, in `def.partialSchema` order.
    public static func partials(of batch: RowBatch, source: TableSchema, def: RollupDefinition) throws -> RowBatch {
        try def.validate(against: source)
        let n = batch.count
        // 1. One composite key per row.
        var composite = [Int64](repeating: 0, count: n)
        var card: Int64 = 1
        for k in def.keys {
            let col = batch.columns[source.index(of: k.column)!]
            let (ids, c) = denseIDs(col, day: k.day)
            if card.multipliedReportingOverflow(by: c).overflow || (card * c).multipliedReportingOverflow(by: 2).overflow {
                card = redensify(&composite)
            }
            ids.withUnsafeBufferPointer { idp in
                composite.withUnsafeMutableBufferPointer { cp in
                    for i in 0..<n { cp[i] = cp[i] &* c &+ idp[i] }
                }
            }
            card *= c
        }
        // 2. Group ids, and one representative row per group for its key values.
        var groupOf = [Int32](repeating: 0, count: n)
        var firstRow: [Int32] = []
        var index: [Int64: Int32] = [:]
        index.reserveCapacity(min(n, 1 << 16))
        composite.withUnsafeBufferPointer { cp in
            groupOf.withUnsafeMutableBufferPointer { gp in
                var lastKey = Int64.min, lastGroup: Int32 = -1
                for i in 0..<n {
                    let key = cp[i]
                    if key == lastKey { gp[i] = lastGroup; continue }
                    let g: Int32
                    if let found = index[key] { g = found } else {
                        g = Int32(firstRow.count)
                        index[key] = g
                        firstRow.append(Int32(i))
                    }
                    gp[i] = g
                    lastKey = key
                    lastGroup = g
                }
            }
        }
        let groups = firstRow.count
        // 3. Key columns of the partial rows.
        var out: [ColumnData] = []
        for k in def.keys {
            let col = batch.columns[source.index(of: k.column)!]
            if k.day {
                var b = ColumnBuilder(.timestamp, capacity: groups)
                for r in firstRow {
                    if col.isValid(Int(r)) { b.append(integer: floorDiv(col.integer(at: Int(r)), dayMicros) * dayMicros) } else { b.appendNull() }
                }
                out.append(b.finish())
            } else {
                out.append(firstRow.withUnsafeBufferPointer { col.gather($0) })
            }
        }
        // 4. Measures.
        for m in def.measures {
            let pass = filterMask(m.filter, batch: batch, source: source)
            let col = m.column.map { batch.columns[source.index(of: $0)!] }
            out.append(try measure(m, col: col, pass: pass, groupOf: groupOf, groups: groups))
        }
        return RowBatch(columns: out)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Dense ids 0 (NULL) … c-1 for one key column, and c.
    static func denseIDs(_ col: ColumnData, day: Bool) -> ([Int64], Int64) {
        let n = col.count
        var ids = [Int64](repeating: 0, count: n)
        if col.type == .string, let dict = col.dictionary {
            col.values.withMemoryRebound(to: UInt32.self) { codes in
                for i in 0..<n where col.isValid(i) { ids[i] = Int64(codes[i]) + 1 }
            }
            return (ids, Int64(dict.count) + 1)
        }
        var map: [Int64: Int64] = [:]
        var lastV = Int64.min, lastID: Int64 = 0
        for i in 0..<n where col.isValid(i) {
            var v = col.integer(at: i)
            if day { v = floorDiv(v, dayMicros) }
            if v == lastV && lastID != 0 { ids[i] = lastID; continue }
            let id: Int64
            if let f = map[v] { id = f } else { id = Int64(map.count) + 1; map[v] = id }
            ids[i] = id
            lastV = v
            lastID = id
        }
        return (ids, Int64(map.count) + 1)
    }

    /// Renumbers composite keys densely (when the next key's radix would overflow); returns the count.
    static func redensify(_ keys: inout [Int64]) -> Int64 {
        var map: [Int64: Int64] = [:]
        for i in keys.indices {
            if let f = map[keys[i]] { keys[i] = f } else {
                let id = Int64(map.count)
                map[keys[i]] = id
                keys[i] = id
            }
        }
        return max(1, Int64(map.count))
    }

    /// 1 for rows the measure's filter keeps, 0 otherwise; nil when there is no filter.
    static func filterMask(_ f: RollupFilter?, batch: RowBatch, source: TableSchema) -> [UInt8]? {
        guard let f else { return nil }
        let col = batch.columns[source.index(of: f.column)!]
        let n = col.count
        var mask = [UInt8](repeating: 0, count: n)
        switch f.kind {
        case .isNotNull:
            for i in 0..<n where col.isValid(i) { mask[i] = 1 }
        case .isTrue:
            col.values.withMemoryRebound(to: UInt8.self) { v in
                for i in 0..<n where col.isValid(i) && v[i] != 0 { mask[i] = 1 }
            }
        case .equals, .notEquals:
            // Decided once per dictionary entry (a dictionary may hold a string more than once).
            let dict = col.dictionary!
            let eq = f.kind == .equals
            let hit = (0..<dict.count).map { UInt8((dict[$0] == f.value!) == eq ? 1 : 0) }
            col.values.withMemoryRebound(to: UInt32.self) { codes in
                for i in 0..<n where col.isValid(i) { mask[i] = hit[Int(codes[i])] }
            }
        }
        return mask
    }

    static func measure(_ m: RollupMeasure, col: ColumnData?, pass: [UInt8]?, groupOf: [Int32], groups: Int) throws -> ColumnData {
        let n = groupOf.count
        @inline(__always) func keep(_ i: Int) -> Bool { (pass?[i] ?? 1) != 0 && (col?.isValid(i) ?? true) }
        switch m.aggregate {
        case .count:
            var counts = [Int64](repeating: 0, count: groups)
            for i in 0..<n where keep(i) { counts[Int(groupOf[i])] += 1 }
            return ColumnData.fromIntegers(.int64, counts)
        case .sum:
            let c = col!
            var seen = [Bool](repeating: false, count: groups)
            if c.type == .float64 {
                var sums = [Double](repeating: 0, count: groups)
                c.values.withMemoryRebound(to: Double.self) { v in
                    for i in 0..<n where keep(i) { let g = Int(groupOf[i]); sums[g] += v[i]; seen[g] = true }
                }
                return ColumnData.fromDoubles(sums, valid: seen)
            }
            var sums = [Int64](repeating: 0, count: groups)
            for i in 0..<n where keep(i) {
                let g = Int(groupOf[i])
                let (s, o) = sums[g].addingReportingOverflow(c.integer(at: i))
                if o { throw StorageError.badValue(location: "materialized view \(m.name)", column: m.column!, detail: "sum overflows BIGINT") }
                sums[g] = s
                seen[g] = true
            }
            return ColumnData.fromIntegers(.int64, sums, valid: seen)
        case .min, .max:
            let c = col!
            let isMin = m.aggregate == .min
            var seen = [Bool](repeating: false, count: groups)
            if c.type == .float64 {
                var acc = [Double](repeating: 0, count: groups)
                c.values.withMemoryRebound(to: Double.self) { v in
                    for i in 0..<n where keep(i) {
                        let g = Int(groupOf[i]), x = v[i]
                        if !seen[g] || (isMin ? x < acc[g] : x > acc[g]) { acc[g] = x }
                        seen[g] = true
                    }
                }
                return ColumnData.fromDoubles(acc, valid: seen)
            }
            var acc = [Int64](repeating: 0, count: groups)
            for i in 0..<n where keep(i) {
                let g = Int(groupOf[i]), x = c.integer(at: i)
                if !seen[g] || (isMin ? x < acc[g] : x > acc[g]) { acc[g] = x }
                seen[g] = true
            }
            return ColumnData.fromIntegers(c.type, acc, valid: seen)
        }
    }
}
