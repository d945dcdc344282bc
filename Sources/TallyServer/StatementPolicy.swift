import TallyQuery
import TallyStorage

/// What a statement does, as far as roles are concerned.
public enum StatementClass: Sendable, Equatable {
    /// Reads data: queries, EXPLAIN, SHOW TABLES, DESCRIBE.
    case read
    /// Reads only table definitions (SHOW TABLES, DESCRIBE): allowed to ingest clients too.
    case metadata
    /// Adds rows: INSERT.
    case write
    /// Changes table definitions: CREATE/DROP TABLE, materialized views.
    case ddl
    /// Touches the server's file system: COPY. Never allowed over the network.
    case file
    /// PREPARE, EXECUTE, DEALLOCATE: checked by the statement they prepare or run.
    case session
}

/// Which statements a role may run, and table-name checks the server adds before the engine.
public enum StatementPolicy {
    /// The class of a statement (of the prepared statement itself for PREPARE).
    public static func classify(_ s: Statement) -> StatementClass {
        switch s {
        case .query, .explain: return .read
        case .showTables, .describe: return .metadata
        case .insert: return .write
        case .createTable, .dropTable, .createMaterializedView, .dropMaterializedView: return .ddl
        case .copyFrom, .copyTo: return .file
        case .prepare(let p): return classify(p.statement)
        case .execute, .deallocate: return .session
        }
    }

    /// Nil when `role` may run a statement of class `c`, else the refusal.
    public static func check(_ c: StatementClass, role: Role) -> ProtocolError? {
        switch c {
        case .read where role.canRead, .metadata, .session: return nil
        case .write where role.canWrite, .ddl where role.canRunDDL: return nil
        case .file:
            return ProtocolError(code: "permission_denied", message: "COPY reads and writes files on the server and is not available over the line protocol",
                                 hint: "query the rows and write them on the client side, or use WRITE / INSERT for ingest")
        default:
            let what: String
            switch c {
            case .read: what = "read data"
            case .write: what = "write data"
            default: what = "change table definitions"
            }
            return ProtocolError(code: "permission_denied", message: "the \(role.rawValue) role may not \(what)")
        }
    }

    /// Table names a statement hands straight to the tenant store (not through the query binder).
    /// They must be plain identifiers: the store builds file paths from them, so a quoted name
    /// like "../other/t" must never reach it.
    static func directTableNames(_ s: Statement) -> [Name] {
        switch s {
        case .insert(let i): return [i.table]
        case .dropTable(let d): return [d.name]
        case .describe(let n): return [n]
        case .createTable(let c): return [c.name]
        case .copyFrom(let c): return [c.table]
        case .explain(let e): return directTableNames(e.statement)
        case .prepare(let p): return directTableNames(p.statement)
        default: return []
        }
    }

    /// Refuses statements naming a table that cannot be a table name, with the same error the
    /// engine gives for a table that does not exist (so the answer says nothing about the file system).
    public static func checkTableNames(_ s: Statement) -> ProtocolError? {
        for n in directTableNames(s) where !Identifier.isValid(n.value) {
            let p = n.range.start
            return ProtocolError(code: "unknown_table", message: "table \"\(n.value)\" does not exist",
                                 line: p.isKnown ? p.line : nil, column: p.isKnown ? p.column : nil)
        }
        return nil
    }
}
