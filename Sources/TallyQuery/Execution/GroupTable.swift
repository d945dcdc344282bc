/// Maps group keys to dense group ids, a batch at a time.
///
/// Each key column becomes a 64-bit code per row: integers and timestamps their value, doubles their
/// bit pattern, strings an id interned once per dictionary entry (not per row). A single string key
/// is then array-indexed by that id; everything else goes through an open-addressing hash table.
/// @unchecked Sendable: used by one worker at a time, and merged by the owner afterwards.
final class GroupTable: @unchecked Sendable {
    let keyTypes: [DataType]
    private let width: Int            // words per key: one per key column plus one of NULL flags
    private(set) var groupCount = 0
    /// Key words of every group, `width` per group.
    private var keys: [UInt64] = []
    // Open addressing: slot → group id + 1 (0 = empty).
    private var slots: [UInt32]
    private var mask: Int
    /// Per string key column: interned strings and their ids.
    private var interned: [[String: UInt32]]
    private(set) var internedStrings: [[String]]
    /// Single string key without NULLs-or-with: direct map from interned id to group id + 1.
    private var direct: [UInt32] = []
    private var directNullGroup: UInt32 = 0
    private let useDirect: Bool

    init(keyTypes: [DataType]) {
        self.keyTypes = keyTypes
        width = keyTypes.count + 1
        slots = [UInt32](repeating: 0, count: 1024)
        mask = 1023
        interned = Array(repeating: [:], count: keyTypes.count)
        internedStrings = Array(repeating: [], count: keyTypes.count)
        useDirect = keyTypes == [.string]
        if keyTypes.isEmpty { groupCount = 1; keys = [0] }
    }

    /// Fills `out` with the group id of every row of the key vectors.
    func groupIDs(_ cols: [ColumnData], count n: Int, into out: UnsafeMutablePointer<UInt32>) {
        if keyTypes.isEmpty {
            out.initialize(repeating: 0, count: n)
            return
        }
        // Per column: codes for each row.
        var codes: [[UInt64]] = []
        codes.reserveCapacity(cols.count)
        for (k, c) in cols.enumerated() {
            var v = [UInt64](repeating: 0, count: n)
            v.withUnsafeMutableBufferPointer { dst in
                switch c.type {
                case .string:
                    let d = c.dictionary!
                    var map = [UInt32](repeating: 0, count: d.count)
                    for e in 0..<d.count {
                        let s = d[e]
                        if let id = interned[k][s] { map[e] = id } else {
                            let id = UInt32(internedStrings[k].count)
                            interned[k][s] = id
                            internedStrings[k].append(s)
                            map[e] = id
                        }
                    }
                    let cc = c.codes
                    map.withUnsafeBufferPointer { m in
                        if m.isEmpty { return }
                        for i in 0..<n { dst[i] = UInt64(m[Int(cc[i])]) }
                    }
                case .int32: let p = c.int32s; for i in 0..<n { dst[i] = UInt64(bitPattern: Int64(p[i])) }
                case .bool: let p = c.bools; for i in 0..<n { dst[i] = UInt64(p[i]) }
                case .int64, .timestamp: let p = c.int64s; for i in 0..<n { dst[i] = UInt64(bitPattern: p[i]) }
                case .float64:
                    let p = c.float64s
                    for i in 0..<n {
                        // One code for 0.0 and -0.0, one for every NaN.
                        let x = p[i] == 0 ? 0.0 : (p[i].isNaN ? Double.nan : p[i])
                        dst[i] = x.bitPattern
                    }
                }
            }
            codes.append(v)
        }
        if useDirect {
            let c = cols[0]
            let code = codes[0]
            if direct.count < internedStrings[0].count { direct.append(contentsOf: repeatElement(0, count: internedStrings[0].count - direct.count)) }
            for i in 0..<n {
                if !c.isValid(i) {
                    if directNullGroup == 0 { directNullGroup = UInt32(newGroup([0, 1])) + 1 }
                    out[i] = directNullGroup - 1
                    continue
                }
                let id = Int(code[i])
                if direct[id] == 0 { direct[id] = UInt32(newGroup([code[i], 0])) + 1 }
                out[i] = direct[id] - 1
            }
            return
        }
        var key = [UInt64](repeating: 0, count: width)
        let anyNulls = cols.contains { $0.validity != nil }
        for i in 0..<n {
            var nullBits: UInt64 = 0
            for k in 0..<cols.count {
                if anyNulls && !cols[k].isValid(i) { nullBits |= 1 << UInt64(k); key[k] = 0 } else { key[k] = codes[k][i] }
            }
            key[width - 1] = nullBits
            out[i] = lookupOrInsert(key)
        }
    }

    private func hash(_ key: [UInt64]) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for w in key { h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 29 }
        return Int(truncatingIfNeeded: h)
    }

    private func lookupOrInsert(_ key: [UInt64]) -> UInt32 {
        var s = hash(key) & mask
        while true {
            let g = slots[s]
            if g == 0 {
                let id = newGroup(key)
                slots[s] = UInt32(id) + 1
                if groupCount * 2 > slots.count { rehash() }
                return UInt32(id)
            }
            let base = Int(g - 1) * width
            var same = true
            for k in 0..<width where keys[base + k] != key[k] { same = false; break }
            if same { return g - 1 }
            s = (s + 1) & mask
        }
    }

    private func newGroup(_ key: [UInt64]) -> Int {
        keys.append(contentsOf: key)
        groupCount += 1
        return groupCount - 1
    }

    private func rehash() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for g in 0..<groupCount {
            let key = Array(keys[(g * width)..<((g + 1) * width)])
            var s = hash(key) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = UInt32(g) + 1
        }
    }

    /// The key of group `g` as Values.
    func keyValues(_ g: Int) -> [Value] {
        let base = g * width
        let nullBits = keys[base + width - 1]
        return keyTypes.enumerated().map { k, t in
            if nullBits & (1 << UInt64(k)) != 0 { return .null }
            let w = keys[base + k]
            switch t {
            case .string: return .string(internedStrings[k][Int(w)])
            case .bool: return .bool(w != 0)
            case .int32, .int64: return .int(Int64(bitPattern: w))
            case .timestamp: return .timestamp(Int64(bitPattern: w))
            case .float64: return .double(Double(bitPattern: w))
            }
        }
    }

    /// Group ids for keys given as Values (merging partial tables); inserts missing groups.
    func groupID(forKey values: [Value]) -> UInt32 {
        var key = [UInt64](repeating: 0, count: width)
        var nullBits: UInt64 = 0
        for (k, v) in values.enumerated() {
            switch v {
            case .null: nullBits |= 1 << UInt64(k)
            case .string(let s):
                if let id = interned[k][s] { key[k] = UInt64(id) } else {
                    let id = UInt32(internedStrings[k].count)
                    interned[k][s] = id
                    internedStrings[k].append(s)
                    key[k] = UInt64(id)
                }
            case .bool(let b): key[k] = b ? 1 : 0
            case .int(let i), .timestamp(let i): key[k] = UInt64(bitPattern: i)
            case .double(let d): key[k] = (d == 0 ? 0.0 : d).bitPattern
            }
        }
        key[width - 1] = nullBits
        if keyTypes.isEmpty { return 0 }
        if useDirect {
            if nullBits != 0 {
                if directNullGroup == 0 { directNullGroup = UInt32(newGroup([0, 1])) + 1 }
                return directNullGroup - 1
            }
            let id = Int(key[0])
            if direct.count <= id { direct.append(contentsOf: repeatElement(0, count: id + 1 - direct.count)) }
            if direct[id] == 0 { direct[id] = UInt32(newGroup(key)) + 1 }
            return direct[id] - 1
        }
        return lookupOrInsert(key)
    }
}
