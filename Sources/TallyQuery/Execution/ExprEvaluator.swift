import Foundation

/// Evaluates bound expressions over a batch, a vector at a time: one dispatch per node and batch,
/// tight typed loops inside. NULLs follow SQL: they propagate, and AND/OR use three-valued logic.
enum ExprEvaluator {
    static func eval(_ e: BoundExpr, _ b: Batch) throws -> ExprValue {
        switch e {
        case .column(let i, _, _): return .vector(b.columns[i])
        case .constant(let v, let t): return .constant(v, t)
        case .arith(let op, let l, let r, let t): return try arith(op, try eval(l, b), try eval(r, b), t, b.count)
        case .negate(let x):
            let v = try eval(x, b)
            return try arith(.sub, .constant(.int(0), .int64), v, v.type == .float64 ? .float64 : .int64, b.count)
        case .compare(let op, let l, let r): return compare(op, try eval(l, b), try eval(r, b), b.count)
        case .and(let es): return try logic(es.map { try eval($0, b) }, isAnd: true, b.count)
        case .or(let es): return try logic(es.map { try eval($0, b) }, isAnd: false, b.count)
        case .not(let x): return not(try eval(x, b), b.count)
        case .isNull(let x, let negated): return isNull(try eval(x, b), negated: negated, b.count)
        case .inList(let x, let list, let negated): return inList(try eval(x, b), list, negated: negated, b.count)
        case .like(let x, let p, let ci, let negated): return like(try eval(x, b), pattern: p, ci: ci, negated: negated, b.count)
        case .caseWhen(let whens, let els, let t): return try caseWhen(whens, els, t, b)
        case .cast(let x, let t): return try Casts.cast(try eval(x, b), to: t, count: b.count)
        case .call(let f, let args): return try f.eval(try args.map { try eval($0, b) }, b.count)
        }
    }

    /// Evaluates `e` and returns a full vector.
    static func vector(_ e: BoundExpr, _ b: Batch) throws -> ColumnData {
        Vectors.materialize(try eval(e, b), count: b.count)
    }

    /// Evaluates a constant expression (no columns) to a Value.
    static func constantValue(_ e: BoundExpr) throws -> Value {
        let v = try eval(e, Batch(columns: [], count: 1))
        switch v {
        case .constant(let value, _): return value
        case .vector(let c): return c.count > 0 ? c.value(at: 0) : .null
        }
    }

    // MARK: arithmetic

    static func arith(_ op: ArithOp, _ a: ExprValue, _ b: ExprValue, _ t: DataType, _ n: Int) throws -> ExprValue {
        if case .constant(let x, _) = a, case .constant(let y, _) = b {
            let r = try arith(op, .vector(Vectors.constant(x, a.type, count: 1)), .vector(Vectors.constant(y, b.type, count: 1)), t, 1)
            return .constant(Vectors.materialize(r, count: 1).value(at: 0), t)
        }
        let av = Vectors.materialize(a, count: n), bv = Vectors.materialize(b, count: n)
        let (mem, vOff) = ColumnData.allocate(type: t, count: n)
        let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        var nulls: Int
        if av.validity == nil && bv.validity == nil { Vectors.setAll(mem + vOff, count: n); nulls = 0 } else {
            nulls = Vectors.combineValidity([av, bv], count: n, into: mem + vOff)
        }
        if t == .float64 {
            let x = Vectors.float64(av), y = Vectors.float64(bv)
            let d = mem.assumingMemoryBound(to: Double.self)
            withExtendedLifetime((x, y)) {
                let p = x.float64s, q = y.float64s
                switch op {
                case .add: for i in 0..<n { d[i] = p[i] + q[i] }
                case .sub: for i in 0..<n { d[i] = p[i] - q[i] }
                case .mul: for i in 0..<n { d[i] = p[i] * q[i] }
                case .div:
                    for i in 0..<n {
                        if q[i] == 0 { nulls += Vectors.clear(bm, i); d[i] = 0 } else { d[i] = p[i] / q[i] }
                    }
                case .mod:
                    for i in 0..<n {
                        if q[i] == 0 { nulls += Vectors.clear(bm, i); d[i] = 0 } else { d[i] = fmod(p[i], q[i]) }
                    }
                }
            }
        } else {
            let x = Vectors.int64(av), y = Vectors.int64(bv)
            let d = mem.assumingMemoryBound(to: Int64.self)
            var overflow = false
            withExtendedLifetime((x, y)) {
                let p = x.int64s, q = y.int64s
                switch op {
                case .add: for i in 0..<n { let (r, o) = p[i].addingReportingOverflow(q[i]); d[i] = r; overflow = overflow || o }
                case .sub: for i in 0..<n { let (r, o) = p[i].subtractingReportingOverflow(q[i]); d[i] = r; overflow = overflow || o }
                case .mul: for i in 0..<n { let (r, o) = p[i].multipliedReportingOverflow(by: q[i]); d[i] = r; overflow = overflow || o }
                case .div:
                    for i in 0..<n {
                        if q[i] == 0 { nulls += Vectors.clear(bm, i); d[i] = 0 } else {
                            let (r, o) = p[i].dividedReportingOverflow(by: q[i]); d[i] = r; overflow = overflow || o
                        }
                    }
                case .mod:
                    for i in 0..<n {
                        if q[i] == 0 { nulls += Vectors.clear(bm, i); d[i] = 0 } else {
                            let (r, o) = p[i].remainderReportingOverflow(dividingBy: q[i]); d[i] = r; overflow = overflow || o
                        }
                    }
                }
            }
            if overflow {
                // Only rows that hold values count: NULL slots compute on zeros and cannot overflow.
                mem.deallocate()
                throw EvaluationError("integer overflow in \(op.rawValue)")
            }
        }
        return .vector(ColumnData(type: t, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
    }

    // MARK: comparison

    static func compare(_ op: CompareOp, _ a: ExprValue, _ b: ExprValue, _ n: Int) -> ExprValue {
        if case .constant(let x, _) = a, x.isNull { return .constant(.null, .bool) }
        if case .constant(let y, _) = b, y.isNull { return .constant(.null, .bool) }
        if case .constant(let x, let tx) = a, case .constant(let y, let ty) = b {
            let r = compare(op, .vector(Vectors.constant(x, tx, count: 1)), .vector(Vectors.constant(y, ty, count: 1)), 1)
            return .constant(Vectors.materialize(r, count: 1).value(at: 0), .bool)
        }
        // Keep the vector on the left.
        if case .constant = a { return compare(op.flipped, b, a, n) }
        let av = Vectors.materialize(a, count: n)
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        if av.type == .string || b.type == .string {
            compareStrings(op, av, b, n, d)
            if case .vector(let bv) = b {
                // NULL on either side makes the comparison NULL.
                let nulls = Vectors.combineValidity([av, bv], count: n, into: mem + vOff)
                return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
            }
        } else if case .constant(let c, _) = b {
            if av.type == .float64 || b.type == .float64 {
                let x = Vectors.float64(av)
                let k = Vectors.doubleValue(c)
                withExtendedLifetime(x) { compareConst(op, x.float64s, k, d) }
            } else if av.type == .int32 && Vectors.intValue(c) >= Int64(Int32.min) && Vectors.intValue(c) <= Int64(Int32.max) {
                compareConst(op, av.int32s, Int32(Vectors.intValue(c)), d)
            } else {
                let x = Vectors.int64(av)
                withExtendedLifetime(x) { compareConst(op, x.int64s, Vectors.intValue(c), d) }
            }
        } else {
            let bv = Vectors.materialize(b, count: n)
            if av.type == .float64 || bv.type == .float64 {
                let x = Vectors.float64(av), y = Vectors.float64(bv)
                withExtendedLifetime((x, y)) { compareVec(op, x.float64s, y.float64s, d) }
            } else {
                let x = Vectors.int64(av), y = Vectors.int64(bv)
                withExtendedLifetime((x, y)) { compareVec(op, x.int64s, y.int64s, d) }
            }
            let nulls = Vectors.combineValidity([av, bv], count: n, into: mem + vOff)
            return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
        }
        let nulls = Vectors.combineValidity([av], count: n, into: mem + vOff)
        return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
    }

    @inline(__always)
    static func compareConst<T: Comparable>(_ op: CompareOp, _ p: UnsafeBufferPointer<T>, _ k: T, _ d: UnsafeMutablePointer<UInt8>) {
        let n = p.count
        switch op {
        case .eq: for i in 0..<n { d[i] = p[i] == k ? 1 : 0 }
        case .ne: for i in 0..<n { d[i] = p[i] != k ? 1 : 0 }
        case .lt: for i in 0..<n { d[i] = p[i] < k ? 1 : 0 }
        case .le: for i in 0..<n { d[i] = p[i] <= k ? 1 : 0 }
        case .gt: for i in 0..<n { d[i] = p[i] > k ? 1 : 0 }
        case .ge: for i in 0..<n { d[i] = p[i] >= k ? 1 : 0 }
        }
    }

    @inline(__always)
    static func compareVec<T: Comparable>(_ op: CompareOp, _ p: UnsafeBufferPointer<T>, _ q: UnsafeBufferPointer<T>, _ d: UnsafeMutablePointer<UInt8>) {
        let n = p.count
        switch op {
        case .eq: for i in 0..<n { d[i] = p[i] == q[i] ? 1 : 0 }
        case .ne: for i in 0..<n { d[i] = p[i] != q[i] ? 1 : 0 }
        case .lt: for i in 0..<n { d[i] = p[i] < q[i] ? 1 : 0 }
        case .le: for i in 0..<n { d[i] = p[i] <= q[i] ? 1 : 0 }
        case .gt: for i in 0..<n { d[i] = p[i] > q[i] ? 1 : 0 }
        case .ge: for i in 0..<n { d[i] = p[i] >= q[i] ? 1 : 0 }
        }
    }

    /// Byte-wise (code point) order of UTF-8 strings, as DuckDB compares them.
    static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let m = min(a.count, b.count)
        if m > 0 {
            let r = memcmp(a.baseAddress!, b.baseAddress!, m)
            if r != 0 { return Int(r) }
        }
        return a.count - b.count
    }

    @inline(__always)
    static func holds(_ op: CompareOp, _ c: Int) -> Bool {
        switch op {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        }
    }

    static func compareStrings(_ op: CompareOp, _ av: ColumnData, _ b: ExprValue, _ n: Int, _ d: UnsafeMutablePointer<UInt8>) {
        let da = av.dictionary!
        let codes = av.codes
        if case .constant(let c, _) = b {
            // Decide once per dictionary entry, then map codes: the cost is in the dictionary, not the rows.
            let k = Array(Vectors.stringValue(c).utf8)
            let table = k.withUnsafeBytes { kb in (0..<da.count).map { holds(op, compareBytes(da.utf8($0), kb)) ? UInt8(1) : 0 } }
            table.withUnsafeBufferPointer { t in
                for i in 0..<n { d[i] = t.count > 0 ? t[Int(codes[i])] : 0 }
            }
        } else if case .vector(let bv) = b {
            let db = bv.dictionary!
            let bc = bv.codes
            for i in 0..<n {
                if !av.isValid(i) || !bv.isValid(i) { d[i] = 0; continue }
                d[i] = holds(op, compareBytes(da.utf8(Int(codes[i])), db.utf8(Int(bc[i])))) ? 1 : 0
            }
        }
    }

    // MARK: logic

    static func logic(_ vals: [ExprValue], isAnd: Bool, _ n: Int) throws -> ExprValue {
        var acc = vals[0]
        for v in vals.dropFirst() { acc = logic2(acc, v, isAnd: isAnd, n) }
        return acc
    }

    static func logic2(_ a: ExprValue, _ b: ExprValue, isAnd: Bool, _ n: Int) -> ExprValue {
        // A deciding constant settles every row (FALSE for AND, TRUE for OR).
        for v in [a, b] {
            if case .constant(let c, _) = v, !c.isNull {
                let truth = c == .bool(true) || c == .int(1)
                if truth != isAnd { return .constant(.bool(truth), .bool) }
                return v.isSame(a) ? b : a
            }
        }
        let av = Vectors.materialize(a, count: n), bv = Vectors.materialize(b, count: n)
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        let x = av.bools, y = bv.bools
        if av.validity == nil && bv.validity == nil {
            if isAnd { for i in 0..<n { d[i] = x[i] & y[i] } } else { for i in 0..<n { d[i] = x[i] | y[i] } }
            return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: 0, dictionary: nil))
        }
        let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        var nulls = 0
        for i in 0..<n {
            let va = av.isValid(i), vb = bv.isValid(i)
            let p = x[i] != 0, q = y[i] != 0
            let decided: Bool, value: Bool
            if isAnd {
                let isFalse = (va && !p) || (vb && !q)
                decided = isFalse || (va && vb)
                value = !isFalse && p && q
            } else {
                let isTrue = (va && p) || (vb && q)
                decided = isTrue || (va && vb)
                value = isTrue
            }
            d[i] = decided && value ? 1 : 0
            if decided { bm[i >> 3] |= 1 << UInt8(i & 7) } else { nulls += 1 }
        }
        return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
    }

    static func not(_ a: ExprValue, _ n: Int) -> ExprValue {
        if case .constant(let c, _) = a {
            if c.isNull { return a }
            return .constant(.bool(!(c == .bool(true) || c == .int(1))), .bool)
        }
        let av = Vectors.materialize(a, count: n)
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        let x = av.bools
        for i in 0..<n { d[i] = x[i] ^ 1 }
        return .vector(Vectors.withValidity(av, .bool, mem, vOff))
    }

    static func isNull(_ a: ExprValue, negated: Bool, _ n: Int) -> ExprValue {
        if case .constant(let c, _) = a { return .constant(.bool(c.isNull != negated), .bool) }
        let av = Vectors.materialize(a, count: n)
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        let yes: UInt8 = negated ? 0 : 1
        for i in 0..<n { d[i] = av.isValid(i) ? yes ^ 1 : yes }
        return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: 0, dictionary: nil))
    }

    static func inList(_ a: ExprValue, _ list: [Value], negated: Bool, _ n: Int) -> ExprValue {
        let listHasNull = list.contains { $0.isNull }
        let av = Vectors.materialize(a, count: n)
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        var nulls = Vectors.combineValidity([av], count: n, into: mem + vOff)
        if av.validity == nil { Vectors.setAll(mem + vOff, count: n) }
        let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        var hit = [UInt8](repeating: 0, count: n)
        switch av.type {
        case .string:
            let set = Set(list.compactMap { v -> String? in v.isNull ? nil : Vectors.stringValue(v) })
            let dict = av.dictionary!
            let table = (0..<dict.count).map { set.contains(dict[$0]) ? UInt8(1) : 0 }
            let codes = av.codes
            for i in 0..<n { hit[i] = table.isEmpty ? 0 : table[Int(codes[i])] }
        case .float64:
            let set = Set(list.compactMap { v -> Double? in v.isNull ? nil : Vectors.doubleValue(v) })
            let p = av.float64s
            for i in 0..<n { hit[i] = set.contains(p[i]) ? 1 : 0 }
        default:
            let set = Set(list.compactMap { v -> Int64? in v.isNull ? nil : Vectors.intValue(v) })
            let x = Vectors.int64(av)
            withExtendedLifetime(x) { let p = x.int64s; for i in 0..<n { hit[i] = set.contains(p[i]) ? 1 : 0 } }
        }
        for i in 0..<n {
            if hit[i] == 0 && listHasNull && av.isValid(i) { nulls += Vectors.clear(bm, i) }
            d[i] = negated ? hit[i] ^ 1 : hit[i]
        }
        return .vector(ColumnData(type: .bool, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil))
    }

    static func like(_ a: ExprValue, pattern: String, ci: Bool, negated: Bool, _ n: Int) -> ExprValue {
        let av = Vectors.materialize(a, count: n)
        let dict = av.dictionary!
        let matcher = LikeMatcher(pattern: pattern, caseInsensitive: ci)
        let table = (0..<dict.count).map { matcher.matches(dict.utf8($0)) != negated ? UInt8(1) : 0 }
        let (mem, vOff) = ColumnData.allocate(type: .bool, count: n)
        let d = mem.assumingMemoryBound(to: UInt8.self)
        let codes = av.codes
        for i in 0..<n { d[i] = table.isEmpty ? 0 : table[Int(codes[i])] }
        return .vector(Vectors.withValidity(av, .bool, mem, vOff))
    }

    // MARK: CASE

    static func caseWhen(_ whens: [(BoundExpr, BoundExpr)], _ els: BoundExpr?, _ t: DataType, _ b: Batch) throws -> ExprValue {
        let n = b.count
        var sources: [ColumnData] = []
        var conds: [ColumnData] = []
        for (c, v) in whens {
            conds.append(try vector(c, b))
            sources.append(Vectors.materialize(try Casts.cast(try eval(v, b), to: t, count: n), count: n))
        }
        let elseVec = try els.map { Vectors.materialize(try Casts.cast(try eval($0, b), to: t, count: n), count: n) }
            ?? Vectors.constant(.null, t, count: n)
        sources.append(elseVec)
        // Which source each row takes.
        var pick = [Int32](repeating: Int32(whens.count), count: n)
        for i in 0..<n {
            for (k, c) in conds.enumerated() where c.isValid(i) && c.bools[i] != 0 { pick[i] = Int32(k); break }
        }
        return .vector(choose(sources, pick, t, n))
    }

    /// Row i of the result is row i of `sources[pick[i]]`.
    static func choose(_ sources: [ColumnData], _ pick: [Int32], _ t: DataType, _ n: Int) -> ColumnData {
        var remaps: [[UInt32]] = []
        var dict: StringDictionary? = nil
        if t == .string {
            var index: [String: UInt32] = [:]
            var strings: [String] = []
            for s in sources {
                let d = s.dictionary!
                remaps.append((0..<d.count).map { k in
                    let str = d[k]
                    if let c = index[str] { return c }
                    let c = UInt32(strings.count); index[str] = c; strings.append(str); return c
                })
            }
            dict = StringDictionary(strings)
        }
        let (mem, vOff) = ColumnData.allocate(type: t, count: n)
        let bm = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        var nulls = 0
        let w = t.width
        for i in 0..<n {
            let s = sources[Int(pick[i])]
            guard s.isValid(i) else { nulls += 1; continue }
            bm[i >> 3] |= 1 << UInt8(i & 7)
            if t == .string {
                mem.storeBytes(of: remaps[Int(pick[i])][Int(s.codes[i])], toByteOffset: i * 4, as: UInt32.self)
            } else {
                (mem + i * w).copyMemory(from: s.values.baseAddress! + i * w, byteCount: w)
            }
        }
        return ColumnData(type: t, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: dict)
    }

    // MARK: selection

    /// Row indices where a boolean vector is TRUE (not FALSE, not NULL).
    static func selection(_ v: ExprValue, count n: Int) -> [Int32]? {
        switch v {
        case .constant(let c, _):
            return (c == .bool(true) || c == .int(1)) ? nil : []
        case .vector(let c):
            var sel = [Int32](repeating: 0, count: n)
            var k = 0
            let p = c.bools
            sel.withUnsafeMutableBufferPointer { s in
                if let bm = c.validity {
                    for i in 0..<n {
                        s[k] = Int32(i)
                        k &+= Int(p[i] & ((bm[i >> 3] >> UInt8(i & 7)) & 1))
                    }
                } else {
                    for i in 0..<n {
                        s[k] = Int32(i)
                        k &+= Int(p[i] & 1)
                    }
                }
            }
            if k == n { return nil }
            sel.removeLast(n - k)
            return sel
        }
    }
}

extension ExprValue {
    func isSame(_ other: ExprValue) -> Bool {
        switch (self, other) {
        case (.vector(let a), .vector(let b)): return a === b
        case (.constant(let a, let t), .constant(let b, let u)): return a == b && t == u
        default: return false
        }
    }
}

/// SQL LIKE matching over UTF-8 bytes: `%` any run, `_` one character, `\` escapes.
struct LikeMatcher {
    enum Part { case literal([UInt8]), one, any }
    let parts: [Part]
    let ci: Bool

    init(pattern: String, caseInsensitive: Bool) {
        ci = caseInsensitive
        var parts: [Part] = []
        var lit: [UInt8] = []
        var chars = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        var i = 0
        func flush() { if !lit.isEmpty { parts.append(.literal(lit)); lit = [] } }
        while i < chars.count {
            let c = chars[i]
            if c == "\\" && i + 1 < chars.count { lit.append(contentsOf: Array(String(chars[i + 1]).utf8)); i += 2; continue }
            if c == "%" { flush(); if case .any? = parts.last {} else { parts.append(.any) } } else if c == "_" { flush(); parts.append(.one) } else {
                lit.append(contentsOf: Array(String(c).utf8))
            }
            i += 1
        }
        flush()
        chars = []
        self.parts = parts
    }

    func matches(_ raw: UnsafeRawBufferPointer) -> Bool {
        let s: [UInt8] = ci ? Array(String(decoding: raw, as: UTF8.self).lowercased().utf8) : Array(raw)
        return match(s, 0, 0)
    }

    private func match(_ s: [UInt8], _ si: Int, _ pi: Int) -> Bool {
        var si = si
        var pi = pi
        while pi < parts.count {
            switch parts[pi] {
            case .literal(let l):
                guard si + l.count <= s.count, s[si..<(si + l.count)].elementsEqual(l) else { return false }
                si += l.count
                pi += 1
            case .one:
                guard si < s.count else { return false }
                si += utf8Length(s[si])
                pi += 1
            case .any:
                if pi == parts.count - 1 { return true }
                var k = si
                while k <= s.count {
                    if match(s, k, pi + 1) { return true }
                    if k == s.count { break }
                    k += utf8Length(s[k])
                }
                return false
            }
        }
        return si == s.count
    }

    private func utf8Length(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >> 5 == 0b110 { return 2 }
        if lead >> 4 == 0b1110 { return 3 }
        return lead >> 3 == 0b11110 ? 4 : 1
    }
}
