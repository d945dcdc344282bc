import Foundation

/// The built-in scalar functions: time, strings, numbers and NULL handling.
enum BuiltinFunctions {
    static func register(into r: FunctionRegistry) {
        registerTime(r)
        registerStrings(r)
        registerNumbers(r)
        registerNulls(r)
        registerZones(r)
    }

    // MARK: helpers

    /// A constant string argument, or nil.
    static func constString(_ e: BoundExpr) -> String? {
        if case .constant(.string(let s), _) = e { return s }
        return nil
    }

    static func constInt(_ e: BoundExpr) -> Int64? {
        if case .constant(let v, _) = e, case .int(let i) = v { return i }
        return nil
    }

    static func isNumeric(_ t: DataType) -> Bool { t == .int32 || t == .int64 || t == .float64 || t == .bool }

    /// Applies `f` to every valid Int64 (timestamp) value, producing type `t`.
    static func mapInt(_ v: ExprValue, _ n: Int, _ t: DataType, _ f: (Int64) throws -> Int64) rethrows -> ExprValue {
        switch v {
        case .constant(let c, _):
            return .constant(c.isNull ? .null : (t == .timestamp ? .timestamp(try f(Vectors.intValue(c))) : .int(try f(Vectors.intValue(c)))), t)
        case .vector(let c):
            let x = Vectors.int64(c)
            let (mem, vOff) = ColumnData.allocate(type: t, count: n)
            let d = mem.assumingMemoryBound(to: Int64.self)
            try withExtendedLifetime(x) {
                let p = x.int64s
                if x.validity == nil { for i in 0..<n { d[i] = try f(p[i]) } } else {
                    for i in 0..<n where x.isValid(i) { d[i] = try f(p[i]) }
                }
            }
            return .vector(Vectors.withValidity(x, t, mem, vOff))
        }
    }

    /// Applies `f` to every valid value as a Double, producing float64.
    static func mapDouble(_ v: ExprValue, _ n: Int, _ f: (Double) -> Double) -> ExprValue {
        switch v {
        case .constant(let c, _): return .constant(c.isNull ? .null : .double(f(Vectors.doubleValue(c))), .float64)
        case .vector(let c):
            let x = Vectors.float64(c)
            let (mem, vOff) = ColumnData.allocate(type: .float64, count: n)
            let d = mem.assumingMemoryBound(to: Double.self)
            withExtendedLifetime(x) { let p = x.float64s; for i in 0..<n { d[i] = f(p[i]) } }
            return .vector(Vectors.withValidity(x, .float64, mem, vOff))
        }
    }

    /// Applies `f` once per dictionary entry of a string value; the result is a string vector sharing the codes.
    static func mapStrings(_ v: ExprValue, _ n: Int, _ f: (String) -> String) -> ExprValue {
        switch v {
        case .constant(let c, _): return .constant(c.isNull ? .null : .string(f(Vectors.stringValue(c))), .string)
        case .vector(let c):
            let d = c.dictionary!
            let nd = StringDictionary((0..<d.count).map { f(d[$0]) })
            return .vector(ColumnData(type: .string, count: c.count, values: c.values, validity: c.validity, nullCount: c.nullCount, dictionary: nd, owner: c))
        }
    }

    /// Applies `f` once per dictionary entry, producing an integer vector.
    static func mapStringsToInt(_ v: ExprValue, _ n: Int, _ f: (String) -> Int64) -> ExprValue {
        switch v {
        case .constant(let c, _): return .constant(c.isNull ? .null : .int(f(Vectors.stringValue(c))), .int64)
        case .vector(let c):
            let d = c.dictionary!
            let table = (0..<d.count).map { f(d[$0]) }
            let (mem, vOff) = ColumnData.allocate(type: .int64, count: n)
            let out = mem.assumingMemoryBound(to: Int64.self)
            let codes = c.codes
            for i in 0..<n where c.isValid(i) { out[i] = table[Int(codes[i])] }
            return .vector(Vectors.withValidity(c, .int64, mem, vOff))
        }
    }

    /// Row-wise evaluation through Values, for functions of several arguments that are not hot.
    static func rowwise(_ args: [ExprValue], _ n: Int, _ t: DataType, _ f: ([Value]) throws -> Value) throws -> ExprValue {
        if args.allSatisfy({ if case .constant = $0 { return true } else { return false } }) {
            return .constant(try f(args.map { if case .constant(let v, _) = $0 { return v }; return .null }), t)
        }
        let cols = args.map { Vectors.materialize($0, count: n) }
        var b = ColumnBuilder(t, capacity: n)
        for i in 0..<n { b.append(try f(cols.map { $0.value(at: i) })) }
        return .vector(b.finish())
    }

    // MARK: time

    static func registerTime(_ r: FunctionRegistry) {
        r.registerScalar("date_trunc", signature: "date_trunc(part VARCHAR, ts TIMESTAMP [, zone VARCHAR])") { args in
            guard args.count == 2 || args.count == 3, let part = constString(args[0]), args[1].type == .timestamp else { return nil }
            let p = part.lowercased()
            _ = try Calendar64.truncate(0, p)
            if args.count == 3 {
                guard let zname = constString(args[2]) else { return nil }
                let zone = try ZoneOffsets.zone(named: zname)
                return ScalarFunction(name: "date_trunc", returnType: .timestamp) { a, n in
                    try zoned(a[1], n, zone) { local in try Calendar64.truncate(local, p) }
                }
            }
            if let unit = fixedUnit(p) {
                // Weeks start on Monday: 1970-01-05 is the first Monday after the epoch.
                let origin: Int64 = unit == 7 * Timestamp.microsPerDay ? 4 * Timestamp.microsPerDay : 0
                return ScalarFunction(name: "date_trunc", returnType: .timestamp) { a, n in
                    if let fast = floorKernel(a[1], n, unit: unit, origin: origin) { return fast }
                    return try mapInt(a[1], n, .timestamp) { try Calendar64.truncate($0, p) }
                }
            }
            return ScalarFunction(name: "date_trunc", returnType: .timestamp) { a, n in try mapInt(a[1], n, .timestamp) { try Calendar64.truncate($0, p) } }
        }
        r.registerScalar("extract", signature: "extract(part FROM ts)") { args in
            guard args.count == 2, let part = constString(args[0]), args[1].type == .timestamp else { return nil }
            let p = part.lowercased()
            _ = try Calendar64.extract(0, p)
            if p == "epoch" {
                return ScalarFunction(name: "extract", returnType: .float64) { a, n in mapDouble(a[1], n) { $0 / 1e6 } }
            }
            return ScalarFunction(name: "extract", returnType: .int64) { a, n in try mapInt(a[1], n, .int64) { Int64(try Calendar64.extract($0, p)) } }
        }
        r.registerScalar("date_part", signature: "date_part(part VARCHAR, ts TIMESTAMP)") { args in try FunctionRegistry.shared.resolveScalar("extract", args) }
        r.registerScalar("hour_of_week", signature: "hour_of_week(ts TIMESTAMP [, zone VARCHAR]) → 0 (Monday 00h) … 167") { args in
            guard (args.count == 1 || args.count == 2), args[0].type == .timestamp else { return nil }
            if args.count == 2 {
                guard let zname = constString(args[1]) else { return nil }
                let zone = try ZoneOffsets.zone(named: zname)
                return ScalarFunction(name: "hour_of_week", returnType: .int64) { a, n in
                    let local = try zoned(a[0], n, zone, back: false) { $0 }
                    return try mapInt(local, n, .int64) { Int64(try Calendar64.extract($0, "hour_of_week")) }
                }
            }
            return ScalarFunction(name: "hour_of_week", returnType: .int64) { a, n in try mapInt(a[0], n, .int64) { Int64(try Calendar64.extract($0, "hour_of_week")) } }
        }
        // time_bucket(width, ts [, zone]): the binder passes the interval as (micros, months) constants.
        r.registerScalar("time_bucket", signature: "time_bucket(width INTERVAL, ts TIMESTAMP [, zone VARCHAR])") { args in
            guard args.count == 3 || args.count == 4, let micros = constInt(args[0]), let months = constInt(args[1]), args[2].type == .timestamp else { return nil }
            guard micros > 0 || months > 0 else { throw EvaluationError("time_bucket width must be positive") }
            guard micros == 0 || months == 0 else { throw EvaluationError("time_bucket width cannot mix months with days or times") }
            if args.count == 4 {
                guard let zname = constString(args[3]) else { return nil }
                let zone = try ZoneOffsets.zone(named: zname)
                return ScalarFunction(name: "time_bucket", returnType: .timestamp) { a, n in
                    try zoned(a[2], n, zone) { try Calendar64.bucket($0, widthMicros: micros, months: months) }
                }
            }
            return ScalarFunction(name: "time_bucket", returnType: .timestamp) { a, n in
                if months == 0, let fast = floorKernel(a[2], n, unit: micros, origin: Calendar64.bucketOrigin) { return fast }
                return try mapInt(a[2], n, .timestamp) { try Calendar64.bucket($0, widthMicros: micros, months: months) }
            }
        }
        r.registerScalar("add_months", signature: "add_months(ts TIMESTAMP, months BIGINT)") { args in
            guard args.count == 2, args[0].type == .timestamp, let m = constInt(args[1]) else { return nil }
            return ScalarFunction(name: "add_months", returnType: .timestamp) { a, n in try mapInt(a[0], n, .timestamp) { try Calendar64.addMonths($0, m) } }
        }
        r.registerScalar("epoch", signature: "epoch(ts TIMESTAMP) → seconds") { args in
            guard args.count == 1, args[0].type == .timestamp else { return nil }
            return ScalarFunction(name: "epoch", returnType: .float64) { a, n in mapDouble(a[0], n) { $0 / 1e6 } }
        }
        r.registerScalar("to_timestamp", signature: "to_timestamp(seconds DOUBLE)") { args in
            guard args.count == 1, isNumeric(args[0].type) else { return nil }
            return ScalarFunction(name: "to_timestamp", returnType: .timestamp) { a, n in
                let d = mapDouble(a[0], n) { ($0 * 1e6).rounded() }
                return try Casts.cast(d, to: .timestamp, count: n)
            }
        }
        r.registerScalar("date_diff", signature: "date_diff(part VARCHAR, start TIMESTAMP, end TIMESTAMP)") { args in
            guard args.count == 3, let part = constString(args[0]), args[1].type == .timestamp, args[2].type == .timestamp else { return nil }
            let p = part.lowercased()
            let unit: Int64
            switch p {
            case "microsecond", "microseconds": unit = 1
            case "millisecond", "milliseconds": unit = 1000
            case "second", "seconds": unit = 1_000_000
            case "minute", "minutes": unit = 60_000_000
            case "hour", "hours": unit = 3_600_000_000
            case "day", "days": unit = Timestamp.microsPerDay
            case "week", "weeks": unit = 7 * Timestamp.microsPerDay
            default: throw EvaluationError("date_diff supports microsecond … week, not '\(part)'")
            }
            return ScalarFunction(name: "date_diff", returnType: .int64) { a, n in
                try rowwise([a[1], a[2]], n, .int64) { v in
                    guard case .timestamp(let s) = v[0], case .timestamp(let e) = v[1] else { return .null }
                    let ts = try Calendar64.truncate(s, p == "week" || p == "weeks" ? "week" : p)
                    let te = try Calendar64.truncate(e, p == "week" || p == "weeks" ? "week" : p)
                    let (d, overflow) = te.subtractingReportingOverflow(ts)
                    guard !overflow else { throw EvaluationError("date_diff: the timestamps are too far apart") }
                    return .int(d / unit)
                }
            }
        }
    }

    /// Microseconds of a date_trunc part of fixed length (not month, quarter or year).
    static func fixedUnit(_ part: String) -> Int64? {
        switch part {
        case "microsecond", "microseconds", "us": return 1
        case "millisecond", "milliseconds", "ms": return 1000
        case "second", "seconds", "s": return 1_000_000
        case "minute", "minutes", "m": return 60_000_000
        case "hour", "hours", "h": return 3_600_000_000
        case "day", "days", "d": return Timestamp.microsPerDay
        case "week", "weeks", "w": return 7 * Timestamp.microsPerDay
        default: return nil
        }
    }

    /// t − ((t − origin) mod unit) for a whole vector in one tight loop (no closure per row);
    /// nil when some value is so close to the Int64 limits that the general path must decide.
    static func floorKernel(_ v: ExprValue, _ n: Int, unit: Int64, origin: Int64) -> ExprValue? {
        guard unit > 0, case .vector(let c) = v, c.type == .timestamp || c.type == .int64 else { return nil }
        let (mem, vOff) = ColumnData.allocate(type: .timestamp, count: n)
        let d = mem.assumingMemoryBound(to: Int64.self)
        let p = c.int64s
        var overflow = false
        for i in 0..<n {
            let (shifted, o1) = p[i].subtractingReportingOverflow(origin)
            var r = shifted % unit
            r &+= (r >> 63) & unit
            let (out, o2) = p[i].subtractingReportingOverflow(r)
            d[i] = out
            overflow = overflow || o1 || o2
        }
        if overflow {
            mem.deallocate()
            return nil
        }
        return .vector(Vectors.withValidity(c, .timestamp, mem, vOff))
    }

    /// Converts UTC to local wall time, applies `f` (which must not move a time forward), and
    /// (with `back`) converts the result to UTC.
    static func zoned(_ v: ExprValue, _ n: Int, _ zone: TimeZone, back: Bool = true, _ f: (Int64) throws -> Int64) throws -> ExprValue {
        let c = Vectors.materialize(v, count: n)
        var lo = Int64.max, hi = Int64.min
        let x = Vectors.int64(c)
        let p = x.int64s
        for i in 0..<n where x.isValid(i) { lo = min(lo, p[i]); hi = max(hi, p[i]) }
        guard lo <= hi else { return .vector(Vectors.constant(.null, .timestamp, count: n)) }
        let offsets = ZoneOffsets(zone: zone, from: lo, to: hi)
        return try withExtendedLifetime(x) {
            try mapInt(.vector(x), n, .timestamp) { t in
                let r = try f(try Calendar64.add(t, offsets.offset(atUTC: t)))
                return back ? try offsets.utc(fromLocal: r, notAfter: t) : r
            }
        }
    }

    // MARK: strings

    static func registerStrings(_ r: FunctionRegistry) {
        func unary(_ name: String, _ f: @escaping @Sendable (String) -> String) {
            r.registerScalar(name, signature: "\(name)(s VARCHAR)") { args in
                guard args.count == 1, args[0].type == .string else { return nil }
                return ScalarFunction(name: name, returnType: .string) { a, n in mapStrings(a[0], n, f) }
            }
        }
        unary("lower") { $0.lowercased() }
        unary("upper") { $0.uppercased() }
        unary("trim") { $0.trimmingCharacters(in: .whitespaces) }
        unary("ltrim") { String($0.drop { $0 == " " }) }
        unary("rtrim") { s in var t = s; while t.last == " " { t.removeLast() }; return t }
        unary("reverse") { String($0.reversed()) }
        for name in ["length", "char_length", "character_length"] {
            r.registerScalar(name, signature: "\(name)(s VARCHAR)") { args in
                guard args.count == 1, args[0].type == .string else { return nil }
                return ScalarFunction(name: name, returnType: .int64) { a, n in mapStringsToInt(a[0], n) { Int64($0.count) } }
            }
        }
        r.registerScalar("concat", signature: "concat(a, b, …) — NULLs count as empty") { args in
            guard !args.isEmpty else { return nil }
            return ScalarFunction(name: "concat", returnType: .string) { a, n in
                try rowwise(a, n, .string) { v in .string(v.map { $0.isNull ? "" : Casts.text($0) }.joined()) }
            }
        }
        // The || operator: NULL if either side is NULL (the binder maps || here).
        r.registerScalar("||", signature: "a || b") { args in
            guard args.count == 2 else { return nil }
            return ScalarFunction(name: "||", returnType: .string) { a, n in
                try rowwise(a, n, .string) { v in v.contains { $0.isNull } ? .null : .string(v.map { Casts.text($0) }.joined()) }
            }
        }
        for name in ["substring", "substr"] {
            r.registerScalar(name, signature: "\(name)(s VARCHAR, start BIGINT [, length BIGINT]) — 1-based") { args in
                guard args.count == 2 || args.count == 3, args[0].type == .string, args.dropFirst().allSatisfy({ $0.type == .int32 || $0.type == .int64 }) else { return nil }
                return ScalarFunction(name: name, returnType: .string) { a, n in
                    try rowwise(a, n, .string) { v in
                        guard case .string(let s) = v[0], case .int(let start) = v[1] else { return .null }
                        let chars = Array(s)
                        // 0-based [from, to), saturating: positions far outside the string are just empty.
                        let (first, below) = start.subtractingReportingOverflow(1)
                        let from = below ? Int64.min : first
                        var to = Int64(chars.count)
                        if v.count == 3 {
                            guard case .int(let len) = v[2] else { return .null }
                            guard len >= 0 else { throw EvaluationError("negative substring length not allowed") }
                            let (end, beyond) = from.addingReportingOverflow(len)
                            to = beyond ? to : min(to, end)
                        }
                        let lo = Int(max(0, from))
                        return .string(Int64(lo) < to ? String(chars[lo..<Int(to)]) : "")
                    }
                }
            }
        }
        r.registerScalar("replace", signature: "replace(s, from, to)") { args in
            guard args.count == 3, args.allSatisfy({ $0.type == .string }) else { return nil }
            return ScalarFunction(name: "replace", returnType: .string) { a, n in
                try rowwise(a, n, .string) { v in
                    guard case .string(let s) = v[0], case .string(let f) = v[1], case .string(let t) = v[2] else { return .null }
                    return .string(f.isEmpty ? s : s.replacingOccurrences(of: f, with: t))
                }
            }
        }
        r.registerScalar("starts_with", signature: "starts_with(s, prefix)") { args in
            guard args.count == 2, args.allSatisfy({ $0.type == .string }) else { return nil }
            return ScalarFunction(name: "starts_with", returnType: .bool) { a, n in
                try rowwise(a, n, .bool) { v in
                    guard case .string(let s) = v[0], case .string(let p) = v[1] else { return .null }
                    return .bool(s.hasPrefix(p))
                }
            }
        }
        r.registerScalar("contains", signature: "contains(s, part)") { args in
            guard args.count == 2, args.allSatisfy({ $0.type == .string }) else { return nil }
            return ScalarFunction(name: "contains", returnType: .bool) { a, n in
                try rowwise(a, n, .bool) { v in
                    guard case .string(let s) = v[0], case .string(let p) = v[1] else { return .null }
                    return .bool(p.isEmpty || s.contains(p))
                }
            }
        }
    }

    // MARK: numbers

    static func registerNumbers(_ r: FunctionRegistry) {
        r.registerScalar("abs", signature: "abs(x)") { args in
            guard args.count == 1, isNumeric(args[0].type) else { return nil }
            if args[0].type == .float64 {
                return ScalarFunction(name: "abs", returnType: .float64) { a, n in mapDouble(a[0], n) { Swift.abs($0) } }
            }
            return ScalarFunction(name: "abs", returnType: .int64) { a, n in
                try mapInt(a[0], n, .int64) { x in
                    guard x != .min else { throw EvaluationError("integer overflow in abs") }
                    return Swift.abs(x)
                }
            }
        }
        func double1(_ name: String, _ f: @escaping @Sendable (Double) -> Double) {
            r.registerScalar(name, signature: "\(name)(x DOUBLE)") { args in
                guard args.count == 1, isNumeric(args[0].type) else { return nil }
                return ScalarFunction(name: name, returnType: .float64) { a, n in mapDouble(a[0], n, f) }
            }
        }
        double1("sqrt") { $0 < 0 ? .nan : $0.squareRoot() }
        double1("ln") { Foundation.log($0) }
        double1("log10") { Foundation.log10($0) }
        double1("exp") { Foundation.exp($0) }
        for (name, rule) in [("floor", FloatingPointRoundingRule.down), ("ceil", .up), ("ceiling", .up), ("trunc", .towardZero)] {
            r.registerScalar(name, signature: "\(name)(x)") { args in
                guard args.count == 1, isNumeric(args[0].type) else { return nil }
                if args[0].type != .float64 {
                    return ScalarFunction(name: name, returnType: .int64) { a, n in try Casts.cast(a[0], to: .int64, count: n) }
                }
                return ScalarFunction(name: name, returnType: .float64) { a, n in mapDouble(a[0], n) { $0.rounded(rule) } }
            }
        }
        r.registerScalar("round", signature: "round(x [, digits])") { args in
            guard args.count == 1 || args.count == 2, isNumeric(args[0].type) else { return nil }
            let digits = args.count == 2 ? constInt(args[1]) : 0
            guard let digits else { return nil }
            if args[0].type != .float64 && digits >= 0 {
                return ScalarFunction(name: "round", returnType: args[0].type == .bool ? .int64 : args[0].type) { a, _ in a[0] }
            }
            // Beyond ±308 digits the scale is not a finite, nonzero double: keep every digit, or none.
            if digits > 308 { return ScalarFunction(name: "round", returnType: .float64) { a, n in try Casts.cast(a[0], to: .float64, count: n) } }
            if digits < -308 { return ScalarFunction(name: "round", returnType: .float64) { a, n in mapDouble(a[0], n) { $0.isFinite ? 0 : $0 } } }
            let scale = Foundation.pow(10.0, Double(digits))
            return ScalarFunction(name: "round", returnType: .float64) { a, n in
                mapDouble(a[0], n) { x in
                    let r = (x * scale).rounded(.toNearestOrAwayFromZero) / scale
                    return r.isFinite || !x.isFinite ? r : x // x * scale overflowed: x has no digits there to round
                }
            }
        }
        for name in ["power", "pow"] {
            r.registerScalar(name, signature: "\(name)(x, y)") { args in
                guard args.count == 2, args.allSatisfy({ isNumeric($0.type) }) else { return nil }
                return ScalarFunction(name: name, returnType: .float64) { a, n in
                    try rowwise(a, n, .float64) { v in
                        v.contains { $0.isNull } ? .null : .double(Foundation.pow(Vectors.doubleValue(v[0]), Vectors.doubleValue(v[1])))
                    }
                }
            }
        }
        r.registerScalar("sign", signature: "sign(x)") { args in
            guard args.count == 1, isNumeric(args[0].type) else { return nil }
            return ScalarFunction(name: "sign", returnType: .int64) { a, n in
                try Casts.cast(mapDouble(a[0], n) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, to: .int64, count: n)
            }
        }
    }

    // MARK: NULL handling and comparisons of several values

    static func registerNulls(_ r: FunctionRegistry) {
        r.registerScalar("coalesce", signature: "coalesce(a, b, …)") { args in
            guard let t = commonType(of: args) else { return nil }
            return ScalarFunction(name: "coalesce", returnType: t) { a, n in
                let cols = try a.map { Vectors.materialize(try Casts.cast($0, to: t, count: n), count: n) }
                var pick = [Int32](repeating: Int32(cols.count - 1), count: n)
                for i in 0..<n { for (k, c) in cols.enumerated() where c.isValid(i) { pick[i] = Int32(k); break } }
                return .vector(ExprEvaluator.choose(cols, pick, t, n))
            }
        }
        r.registerScalar("nullif", signature: "nullif(a, b)") { args in
            guard args.count == 2, let t = commonType(of: args) else { return nil }
            return ScalarFunction(name: "nullif", returnType: t) { a, n in
                let x = try Casts.cast(a[0], to: t, count: n), y = try Casts.cast(a[1], to: t, count: n)
                let eq = Vectors.materialize(ExprEvaluator.compare(.eq, x, y, n), count: n)
                let xv = Vectors.materialize(x, count: n)
                let pick = (0..<n).map { Int32(eq.isValid($0) && eq.bools[$0] != 0 ? 1 : 0) }
                return .vector(ExprEvaluator.choose([xv, Vectors.constant(.null, t, count: n)], pick, t, n))
            }
        }
        for (name, wantMax) in [("greatest", true), ("least", false)] {
            r.registerScalar(name, signature: "\(name)(a, b, …)") { args in
                guard !args.isEmpty, let t = commonType(of: args) else { return nil }
                return ScalarFunction(name: name, returnType: t) { a, n in
                    let cols = try a.map { Vectors.materialize(try Casts.cast($0, to: t, count: n), count: n) }
                    var pick = [Int32](repeating: 0, count: n)
                    for i in 0..<n {
                        var best = -1
                        for (k, c) in cols.enumerated() where c.isValid(i) {
                            if best < 0 { best = k; continue }
                            let cmp = compareValues(c.value(at: i), cols[best].value(at: i))
                            if wantMax ? cmp > 0 : cmp < 0 { best = k }
                        }
                        pick[i] = Int32(max(best, 0))
                    }
                    return .vector(ExprEvaluator.choose(cols, pick, t, n))
                }
            }
        }
    }

    /// The type several arguments unify to; NULL literals (typed VARCHAR) adapt to the others.
    static func commonType(of args: [BoundExpr]) -> DataType? {
        let typed = args.filter { !Binder.isNullConstant($0) }
        if typed.isEmpty { return args.isEmpty ? nil : .string }
        return commonType(typed.map(\.type))
    }

    /// The type several values unify to (numbers widen), or nil.
    static func commonType(_ ts: [DataType]) -> DataType? {
        guard let first = ts.first else { return nil }
        var t = first
        for u in ts.dropFirst() where u != t {
            if isNumeric(t) && isNumeric(u) { t = (t == .float64 || u == .float64) ? .float64 : .int64 } else { return nil }
        }
        return t
    }

    /// Orders two non-NULL values of one type.
    static func compareValues(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y ? 0 : (Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1)
        case (.double, _), (_, .double):
            let x = Vectors.doubleValue(a), y = Vectors.doubleValue(b)
            return x == y ? 0 : (x < y ? -1 : 1)
        default:
            let x = Vectors.intValue(a), y = Vectors.intValue(b)
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }
}

extension BuiltinFunctions {
    /// `ts AT TIME ZONE 'Zone'` / timezone(zone, ts): the wall-clock time in that zone.
    static func registerZones(_ r: FunctionRegistry) {
        r.registerScalar("timezone", signature: "timezone(zone VARCHAR, ts TIMESTAMP) → local wall-clock time") { args in
            guard args.count == 2, let zname = constString(args[0]), args[1].type == .timestamp else { return nil }
            let zone = try ZoneOffsets.zone(named: zname)
            return ScalarFunction(name: "timezone", returnType: .timestamp) { a, n in try zoned(a[1], n, zone, back: false) { $0 } }
        }
    }
}
