/// Per-chunk statistics used to skip row groups: null count and the range of the valid values.
public struct ZoneMap: Sendable, Equatable {
    /// The bounds of the chunk's valid values, in the column's natural order.
    public enum Bounds: Sendable, Equatable {
        case none
        case int(Int64, Int64)
        case double(Double, Double)
        case string(String, String)
    }

    public var nullCount: Int
    public var bounds: Bounds

    public init(nullCount: Int, bounds: Bounds) {
        self.nullCount = nullCount
        self.bounds = bounds
    }

    /// Longest string kept in a zone map; longer bounds are dropped rather than truncated, so they stay exact.
    static let maxStringBound = 64

    /// Computes the zone map of a column.
    public static func compute(_ c: ColumnData) -> ZoneMap {
        guard c.nullCount < c.count else { return ZoneMap(nullCount: c.nullCount, bounds: .none) }
        switch c.type {
        case .bool, .int32, .int64, .timestamp:
            var lo = Int64.max, hi = Int64.min
            switch c.type {
            case .bool: for i in 0..<c.count where c.isValid(i) { let v = Int64(c.bools[i]); lo = min(lo, v); hi = max(hi, v) }
            case .int32:
                let p = c.int32s
                if c.validity == nil { for v in p { lo = min(lo, Int64(v)); hi = max(hi, Int64(v)) } }
                else { for i in 0..<c.count where c.isValid(i) { lo = min(lo, Int64(p[i])); hi = max(hi, Int64(p[i])) } }
            default:
                let p = c.int64s
                if c.validity == nil { for v in p { lo = min(lo, v); hi = max(hi, v) } }
                else { for i in 0..<c.count where c.isValid(i) { lo = min(lo, p[i]); hi = max(hi, p[i]) } }
            }
            return ZoneMap(nullCount: c.nullCount, bounds: .int(lo, hi))
        case .float64:
            var lo = Double.infinity, hi = -Double.infinity, any = false
            let p = c.float64s
            for i in 0..<c.count where c.isValid(i) && !p[i].isNaN { lo = min(lo, p[i]); hi = max(hi, p[i]); any = true }
            // NaN sorts above everything in SQL; a chunk with NaN has no finite upper bound.
            let hasNaN = (0..<c.count).contains { c.isValid($0) && p[$0].isNaN }
            if hasNaN { hi = .nan }
            return ZoneMap(nullCount: c.nullCount, bounds: any && !hasNaN ? .double(lo, hi) : .none)
        case .string:
            let d = c.dictionary!
            var used = [Bool](repeating: false, count: d.count)
            let codes = c.codes
            for i in 0..<c.count where c.isValid(i) { used[Int(codes[i])] = true }
            var lo: [UInt8]? = nil, hi: [UInt8]? = nil
            for k in 0..<d.count where used[k] {
                let s = Array(d.utf8(k))
                if lo == nil || s.lexicographicallyPrecedes(lo!) { lo = s }
                if hi == nil || hi!.lexicographicallyPrecedes(s) { hi = s }
            }
            guard let lo, let hi, lo.count <= maxStringBound, hi.count <= maxStringBound else {
                return ZoneMap(nullCount: c.nullCount, bounds: .none)
            }
            return ZoneMap(nullCount: c.nullCount, bounds: .string(String(decoding: lo, as: UTF8.self), String(decoding: hi, as: UTF8.self)))
        }
    }

    func write(_ w: inout ByteWriter) {
        w.u32(UInt32(nullCount))
        switch bounds {
        case .none: w.u8(0)
        case .int(let a, let b): w.u8(1); w.i64(a); w.i64(b)
        case .double(let a, let b): w.u8(2); w.f64(a); w.f64(b)
        case .string(let a, let b): w.u8(3); w.string(a); w.string(b)
        }
    }

    static func read(_ r: inout ByteReader) throws -> ZoneMap {
        let nulls = Int(try r.u32())
        switch try r.u8() {
        case 0: return ZoneMap(nullCount: nulls, bounds: .none)
        case 1: return ZoneMap(nullCount: nulls, bounds: .int(try r.i64(), try r.i64()))
        case 2: return ZoneMap(nullCount: nulls, bounds: .double(try r.f64(), try r.f64()))
        case 3: return ZoneMap(nullCount: nulls, bounds: .string(try r.string(), try r.string()))
        case let k: throw StorageError.corrupt(path: r.path, detail: "unknown zone map kind \(k)")
        }
    }
}
