/// Any error a statement can end with, in one shape for the REPL, the CLI and the line protocol:
/// a stable code, a message, and (for statement text) a position and a hint.
public struct TallyError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var hint: String?
    public var position: SourcePosition?

    public init(code: String, message: String, hint: String? = nil, position: SourcePosition? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.position = position
    }

    /// Classifies any thrown error.
    public static func from(_ error: Error) -> TallyError {
        switch error {
        case let e as TallyError: return e
        case let e as SQLError: return TallyError(code: e.code.rawValue, message: e.message, hint: e.hint, position: e.position)
        case let e as EvaluationError: return TallyError(code: "invalid_value", message: e.message)
        case let e as QueryError:
            switch e {
            case .cancelled: return TallyError(code: "cancelled", message: e.description)
            case .timeout: return TallyError(code: "timeout", message: e.description)
            case .tooManyRows: return TallyError(code: "too_many_rows", message: e.description, hint: "add a LIMIT or aggregate the rows")
            case .memoryLimit: return TallyError(code: "memory_limit", message: e.description, hint: "filter or aggregate earlier, or add a LIMIT")
            case .execution: return TallyError(code: "execution_error", message: e.description)
            }
        case let e as StorageError:
            switch e {
            case .corrupt: return TallyError(code: "corrupt_data", message: e.description)
            case .noSuchTable: return TallyError(code: "unknown_table", message: e.description)
            case .tableExists: return TallyError(code: "table_exists", message: e.description)
            case .badValue, .schemaMismatch: return TallyError(code: "invalid_value", message: e.description)
            case .invalidName, .invalidSchema: return TallyError(code: "invalid_schema", message: e.description)
            default: return TallyError(code: "storage_error", message: e.description)
            }
        default: return TallyError(code: "internal_error", message: "\(error)")
        }
    }

    public var description: String {
        if let p = position, p.isKnown { return "\(message) (\(p))" }
        return message
    }

    /// Message, source line with a caret under the spot, and hint (as the parser renders it).
    public func render(source: String) -> String {
        SQLError(.init(rawValue: code), message, hint: hint, at: position).render(source: source)
    }
}
