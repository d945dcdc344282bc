/// Turning `CREATE TABLE` statements into TallyStorage table schemas.
extension CreateTable {
    /// The storage schema this statement defines. Errors are positioned on the bad name, type or option:
    /// - `invalid_schema`: invalid or duplicate names, a type that cannot be stored (DATE, INTERVAL),
    ///   a time column that is missing or not TIMESTAMP/BIGINT;
    /// - `invalid_option`: an unknown or repeated option, a ttl that is not a positive interval.
    ///
    /// Options: `time_column = c` (rows are sorted by it; TIMESTAMP or BIGINT) and
    /// `ttl = '400 days'` (or `INTERVAL '400 days'`; months count as 30 days).
    public func tableSchema() throws(SQLError) -> TableSchema {
        guard Identifier.isValid(name.value) else {
            throw SQLError(.invalidSchema, "invalid table name '\(name.value)'",
                           hint: "use 1–64 letters, digits, '_' or '-'", at: name.range)
        }
        var columns: [ColumnSchema] = []
        var seen: [String: Name] = [:]
        for col in self.columns {
            guard Identifier.isValid(col.name.value) else {
                throw SQLError(.invalidSchema, "invalid column name '\(col.name.value)'",
                               hint: "use 1–64 letters, digits, '_' or '-'", at: col.name.range)
            }
            let key = col.name.value.lowercased()
            if let first = seen[key] {
                throw SQLError(.invalidSchema, "column \(col.name.value) is defined twice",
                               hint: first.range.isKnown ? "it is first defined at \(first.range.start)" : nil, at: col.name.range)
            }
            seen[key] = col.name
            guard let type = col.type.type.dataType else {
                throw SQLError(.invalidSchema, "column \(col.name.value) cannot be stored as \(col.type.type)",
                               hint: col.type.type == .date ? "use TIMESTAMP" : "column types are BOOLEAN, INTEGER, BIGINT, DOUBLE, TIMESTAMP and VARCHAR",
                               at: col.type.range)
            }
            columns.append(ColumnSchema(col.name.value, type, nullable: col.nullable ?? true))
        }
        var timeColumn: String?
        var ttl: Int64?
        var seenOptions: Set<String> = []
        for opt in options {
            let key = opt.name.value.lowercased()
            guard seenOptions.insert(key).inserted else {
                throw SQLError(.invalidOption, "option \(opt.name.value) is given twice", at: opt.name.range)
            }
            switch key {
            case "time_column":
                let column: String
                switch opt.value {
                case .identifier(let c)?, .string(let c)?: column = c
                default:
                    throw SQLError(.invalidOption, "time_column must name a column",
                                   hint: "e.g. WITH (time_column = started_at)", at: opt.valueRange)
                }
                guard let i = columns.firstIndex(where: { $0.name.lowercased() == column.lowercased() }) else {
                    let hint = NameSuggestion.closest(to: column, in: columns.map(\.name)).map { "did you mean \($0)?" }
                    throw SQLError(.invalidSchema, "time column \(column) is not a column of table \(name.value)", hint: hint, at: opt.valueRange)
                }
                guard columns[i].type == .timestamp || columns[i].type == .int64 else {
                    throw SQLError(.invalidSchema, "time column \(columns[i].name) must be TIMESTAMP or BIGINT, not \(columns[i].type)", at: opt.valueRange)
                }
                timeColumn = columns[i].name
            case "ttl":
                let interval: Interval
                switch opt.value {
                case .string(let s)?:
                    do {
                        interval = try Interval.parse(s, defaultUnit: .second)
                    } catch {
                        throw SQLError(.invalidOption, "invalid ttl '\(s)': \(error.message)",
                                       hint: error.hint ?? "write a retention such as ttl = '400 days'", at: opt.valueRange)
                    }
                case .interval(let iv)?:
                    interval = iv
                default:
                    throw SQLError(.invalidOption, "ttl must be an interval", hint: "write a retention such as ttl = '400 days'", at: opt.valueRange)
                }
                guard let micros = interval.approximateMicros, micros > 0 else {
                    throw SQLError(.invalidOption, "ttl must be positive", hint: "write a retention such as ttl = '400 days'", at: opt.valueRange)
                }
                ttl = micros
            default:
                let hint = NameSuggestion.closest(to: opt.name.value, in: ["time_column", "ttl"]).map { "did you mean \($0)?" }
                throw SQLError(.invalidOption, "unknown table option \(opt.name.value)",
                               hint: hint ?? "table options are time_column and ttl", at: opt.name.range)
            }
        }
        let schema = TableSchema(name: name.value, columns: columns, timeColumn: timeColumn, ttlMicros: ttl)
        do {
            try schema.validate()
        } catch {
            throw SQLError(.invalidSchema, "\(error)", at: name.range)
        }
        return schema
    }
}

extension TableSchema {
    /// The schemas of a script made of CREATE TABLE statements (such as the shipped `schema.sql`).
    public static func schemas(fromSQL script: String) throws(SQLError) -> [TableSchema] {
        var result: [TableSchema] = []
        for parsed in try Parser.parseScript(script) {
            guard case .createTable(let create) = parsed.statement else {
                throw SQLError(.invalidSchema, "a schema script may contain only CREATE TABLE statements", at: parsed.range)
            }
            result.append(try create.tableSchema())
        }
        return result
    }
}
