/// Every failure the storage layer reports; messages name the file or the value at fault.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)
    case corrupt(path: String, detail: String)
    case invalidName(kind: String, name: String)
    case invalidSchema(table: String, reason: String)
    case noSuchTable(tenant: String, table: String)
    case tableExists(tenant: String, table: String)
    case noSuchTenant(String)
    case badValue(location: String, column: String, detail: String)
    case schemaMismatch(detail: String)
    case closed(String)

    public var description: String {
        switch self {
        case .io(let path, let op, let e):
            return "\(op) failed for \(path): \(String(cString: strerror(e))) (errno \(e))"
        case .corrupt(let path, let detail):
            return "corrupt file \(path): \(detail)"
        case .invalidName(let kind, let name):
            return "invalid \(kind) name '\(name)': use 1–64 letters, digits, '_' or '-'"
        case .invalidSchema(let table, let reason):
            return "invalid schema for table \(table): \(reason)"
        case .noSuchTable(let tenant, let table):
            return "table \(table) does not exist for tenant \(tenant)"
        case .tableExists(let tenant, let table):
            return "table \(table) already exists for tenant \(tenant)"
        case .noSuchTenant(let t):
            return "tenant \(t) does not exist"
        case .badValue(let location, let column, let detail):
            return "\(location): column \(column): \(detail)"
        case .schemaMismatch(let detail):
            return "schema mismatch: \(detail)"
        case .closed(let what):
            return "\(what) is closed"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
