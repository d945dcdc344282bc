/// Whole-column operations used by the write path: reorder, slice and concatenate.
extension ColumnData {
    /// The rows at `indices`, in that order.
    public func gather(_ indices: UnsafeBufferPointer<Int32>) -> ColumnData {
        let n = indices.count
        let w = type.width
        let (mem, vOff) = ColumnData.allocate(type: type, count: n)
        let src = values.baseAddress!
        switch w {
        case 1:
            let s = src.assumingMemoryBound(to: UInt8.self), d = mem.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { d[i] = s[Int(indices[i])] }
        case 4:
            let s = src.assumingMemoryBound(to: UInt32.self), d = mem.assumingMemoryBound(to: UInt32.self)
            for i in 0..<n { d[i] = s[Int(indices[i])] }
        default:
            let s = src.assumingMemoryBound(to: UInt64.self), d = mem.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n { d[i] = s[Int(indices[i])] }
        }
        var nulls = 0
        if let v = validity {
            let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
            for i in 0..<n {
                if Validity.isValid(v, Int(indices[i])) { bm[i >> 3] |= 1 << UInt8(i & 7) } else { nulls += 1 }
            }
        }
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: dictionary)
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> ColumnData {
        let idx = (range.lowerBound..<range.upperBound).map { Int32($0) }
        return idx.withUnsafeBufferPointer { gather($0) }
    }

    /// Concatenates columns of one type; string dictionaries are merged and codes remapped.
    public static func concat(_ parts: [ColumnData]) -> ColumnData {
        precondition(!parts.isEmpty, "concat of nothing")
        let type = parts[0].type
        let n = parts.reduce(0) { $0 + $1.count }
        let w = type.width
        let (mem, vOff) = ColumnData.allocate(type: type, count: n)
        var merged: StringDictionary? = nil
        var at = 0
        var nulls = 0
        let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        if type == .string {
            var index: [String: UInt32] = [:]
            var strings: [String] = []
            let dst = mem.assumingMemoryBound(to: UInt32.self)
            for p in parts {
                let d = p.dictionary!
                var remap = [UInt32](repeating: 0, count: d.count)
                for k in 0..<d.count {
                    let s = d[k]
                    if let c = index[s] { remap[k] = c } else {
                        let c = UInt32(strings.count); index[s] = c; strings.append(s); remap[k] = c
                    }
                }
                let codes = p.codes
                for i in 0..<p.count { dst[at + i] = p.isValid(i) ? remap[Int(codes[i])] : 0 }
                at += p.count
            }
            merged = StringDictionary(strings)
        } else {
            for p in parts {
                if p.count > 0 { (mem + at * w).copyMemory(from: p.values.baseAddress!, byteCount: p.count * w) }
                at += p.count
            }
        }
        at = 0
        for p in parts {
            for i in 0..<p.count {
                if p.isValid(i) { bm[(at + i) >> 3] |= 1 << UInt8((at + i) & 7) } else { nulls += 1 }
            }
            at += p.count
        }
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: merged)
    }
}
