/// Maps group keys to dense group ids, a batch at a time.
///
/// Each key column first gets dense ids of its own (`KeyInterner`): strings once per dictionary
/// entry, numbers through a UInt64 hash map with a last-key shortcut (time-ordered data repeats
/// keys in runs), NULL as one more id. One key column's ids are the group ids; with more columns,
/// pairs of ids are folded through further maps. No Swift collection is touched per row.
/// @unchecked Sendable: used by one worker at a time, and merged by the owner afterwards.
final class GroupTable: @unchecked Sendable {
    let keyTypes: [DataType]
    private(set) var groupCount = 0
    private var interners: [KeyInterner]
    /// Fold maps for keys 1…k-1: (previous id << 32 | column id) → dense id.
    private var folds: [U64Map]
    /// Per group, the dense id of each key column (stride = key count), for key output.
    private var components = GrowBuffer<UInt32>(fill: 0)
    private var scratch = GrowBuffer<UInt32>(fill: 0)
    private var scratch2 = GrowBuffer<UInt32>(fill: 0)

    init(keyTypes: [DataType]) {
        self.keyTypes = keyTypes
        interners = keyTypes.map { KeyInterner(type: $0) }
        folds = keyTypes.count > 1 ? (1..<keyTypes.count).map { _ in U64Map() } : []
        if keyTypes.isEmpty { groupCount = 1 }
    }

    deinit {
        for f in folds { f.free() }
        for i in interners { i.free() }
        components.free()
        scratch.free()
        scratch2.free()
    }

    /// Fills `out` with the group id of every row of the key vectors.
    func groupIDs(_ cols: [ColumnData], count n: Int, into out: UnsafeMutablePointer<UInt32>) {
        let k = keyTypes.count
        if k == 0 {
            out.initialize(repeating: 0, count: n)
            return
        }
        if k == 1 {
            interners[0].ids(cols[0], n, into: out)
            groupCount = interners[0].count
            return
        }
        scratch.ensure(n)
        scratch2.ensure(n)
        interners[0].ids(cols[0], n, into: out)
        var cur = out
        for j in 1..<k {
            let colIDs = scratch.ptr
            interners[j].ids(cols[j], n, into: colIDs)
            let dst = j == k - 1 ? out : scratch2.ptr
            var map = folds[j - 1]
            let last = j == k - 1
            var lastKey = UInt64.max, lastID: UInt32 = 0
            for i in 0..<n {
                let key = UInt64(cur[i]) << 32 | UInt64(colIDs[i])
                if key == lastKey { dst[i] = lastID; continue }
                var isNew = false
                let id = map.findOrInsert(key, isNew: &isNew)
                if isNew && last { recordGroup(id, key: key, level: j) }
                lastKey = key
                lastID = id
                dst[i] = id
            }
            folds[j - 1] = map
            // Reading cur[i] before writing dst[i] makes updating in place safe.
            cur = dst
        }
        groupCount = folds[k - 2].count
    }

    /// Remembers the per-column ids of a new group (found by unfolding the chain of fold maps).
    private func recordGroup(_ id: UInt32, key: UInt64, level: Int) {
        let k = keyTypes.count
        components.ensure((Int(id) + 1) * k)
        var comp = [UInt32](repeating: 0, count: k)
        comp[level] = UInt32(truncatingIfNeeded: key)
        var prev = UInt32(key >> 32)
        var l = level - 1
        while l >= 1 {
            let pk = inverseFold(l, prev)
            comp[l] = UInt32(truncatingIfNeeded: pk)
            prev = UInt32(pk >> 32)
            l -= 1
        }
        comp[0] = prev
        for c in 0..<k { components[Int(id) * k + c] = comp[c] }
    }

    /// Intermediate fold ids are few; their keys are found by scanning the fold map.
    private var inverses: [[UInt64]] = []
    private func inverseFold(_ level: Int, _ id: UInt32) -> UInt64 {
        while inverses.count < folds.count { inverses.append([]) }
        let map = folds[level - 1]
        if inverses[level - 1].count != map.count {
            var inv = [UInt64](repeating: 0, count: map.count)
            for s in 0..<map.capacity where map.slots[s] != 0 { inv[Int(map.slots[s] - 1)] = map.keys[s] }
            inverses[level - 1] = inv
        }
        return inverses[level - 1][Int(id)]
    }

    /// The key of group `g` as Values.
    func keyValues(_ g: Int) -> [Value] {
        let k = keyTypes.count
        if k == 0 { return [] }
        if k == 1 { return [interners[0].value(UInt32(g))] }
        return (0..<k).map { interners[$0].value(components[g * k + $0]) }
    }

    /// The group of a key given as Values (merging partial tables); inserts it when missing.
    func groupID(forKey values: [Value]) -> UInt32 {
        let k = keyTypes.count
        if k == 0 { return 0 }
        let cols = zip(keyTypes, values).map { t, v in ColumnData.from(t, [v]) }
        var out: UInt32 = 0
        groupIDs(cols, count: 1, into: &out)
        return out
    }
}

/// Dense ids for the values of one key column.
final class KeyInterner {
    let type: DataType
    private var numeric = U64Map()
    private var stringIDs: [String: UInt32] = [:]
    /// What each id stands for: the value bits (numbers), the string index, or NULL.
    private var bits = GrowBuffer<UInt64>(fill: 0)
    private var strings: [String] = []
    private var nullID: UInt32 = .max
    private var mapToID = GrowBuffer<UInt32>(fill: 0)
    private(set) var count = 0

    init(type: DataType) { self.type = type }

    func free() {
        numeric.free()
        bits.free()
        mapToID.free()
    }

    private func newID(_ b: UInt64) -> UInt32 {
        bits.ensure(count + 1)
        bits[count] = b
        count += 1
        return UInt32(count - 1)
    }

    /// The id of every row of `c`. Ids are assigned only to values some row has, so a dictionary
    /// entry (or a NULL slot's 0) that no row uses never becomes a group.
    func ids(_ c: ColumnData, _ n: Int, into out: UnsafeMutablePointer<UInt32>) {
        let validity = c.validity
        switch c.type {
        case .string:
            let d = c.dictionary!
            guard d.count > 0 else { break }
            var table = [UInt32](repeating: .max, count: d.count)
            let codes = c.codes
            table.withUnsafeMutableBufferPointer { t in
                for i in 0..<n {
                    if let v = validity, !Validity.isValid(v, i) { continue }
                    let e = Int(codes[i])
                    var id = t[e]
                    if id == .max {
                        let s = d[e]
                        if let known = stringIDs[s] { id = known } else {
                            id = newID(UInt64(strings.count))
                            strings.append(s)
                            stringIDs[s] = id
                        }
                        t[e] = id
                    }
                    out[i] = id
                }
            }
        case .int32: let p = c.int32s; numericIDs(n, out, validity) { Int64(p[$0]) }
        case .bool: let p = c.bools; numericIDs(n, out, validity) { Int64(p[$0]) }
        case .int64, .timestamp: let p = c.int64s; numericIDs(n, out, validity) { p[$0] }
        case .float64:
            let p = c.float64s
            // One id for 0.0 and -0.0, one for every NaN.
            numericIDs(n, out, validity) { i in
                let x = p[i] == 0 ? 0.0 : (p[i].isNaN ? Double.nan : p[i])
                return Int64(bitPattern: x.bitPattern)
            }
        }
        if let v = validity {
            for i in 0..<n where !Validity.isValid(v, i) {
                if nullID == .max { nullID = newID(0) }
                out[i] = nullID
            }
        }
    }

    @inline(__always)
    private func numericIDs(_ n: Int, _ out: UnsafeMutablePointer<UInt32>, _ validity: UnsafeRawBufferPointer?, _ value: (Int) -> Int64) {
        var map = numeric
        var lastKey = UInt64.max, lastID: UInt32 = .max
        for i in 0..<n {
            if let v = validity, !Validity.isValid(v, i) { continue }
            let key = UInt64(bitPattern: value(i))
            if key == lastKey && lastID != .max { out[i] = lastID; continue }
            var isNew = false
            let mapID = map.findOrInsert(key, isNew: &isNew)
            if isNew {
                // Map ids count numbers only; interner ids also count NULL, so translate.
                mapToID.ensure(Int(mapID) + 1)
                mapToID[Int(mapID)] = newID(key)
            }
            let id = mapToID[Int(mapID)]
            lastKey = key
            lastID = id
            out[i] = id
        }
        numeric = map
    }

    /// The value id `id` stands for.
    func value(_ id: UInt32) -> Value {
        if id == nullID { return .null }
        let b = bits[Int(id)]
        switch type {
        case .string: return .string(strings[Int(b)])
        case .bool: return .bool(b != 0)
        case .int32, .int64: return .int(Int64(bitPattern: b))
        case .timestamp: return .timestamp(Int64(bitPattern: b))
        case .float64: return .double(Double(bitPattern: b))
        }
    }
}
