/// One argument of a table function call: a constant, or the rows of a subquery argument.
public enum TableFunctionArgument: Sendable {
    case value(Value, DataType)
    case relation(QueryResult)
}

/// A table function call as the function sees it: positional then named arguments, already evaluated.
public struct TableFunctionCall: Sendable {
    public var name: String
    public var positional: [TableFunctionArgument]
    /// Named arguments (`name => value`), by lowercase name.
    public var named: [String: TableFunctionArgument]
    /// The statement's clock (UTC microseconds), for columns such as generated_at.
    public var now: Int64

    public init(name: String, positional: [TableFunctionArgument], named: [String: TableFunctionArgument], now: Int64) {
        self.name = name
        self.positional = positional
        self.named = named
        self.now = now
    }
}

/// A function usable in FROM: computes a whole result from its arguments. Its errors
/// (EvaluationError) are reported at the call.
public typealias TableFunction = @Sendable (TableFunctionCall) throws -> QueryResult

extension FunctionRegistry {
    /// Adds a table function under `name` (case-insensitive); `signature` documents it in help and errors.
    public func registerTable(_ name: String, signature: String = "", _ function: @escaping TableFunction) {
        tableFunctions.withLock { $0[name.lowercased()] = function }
        if !signature.isEmpty { setSignature(name, signature) }
    }

    /// The table function `name`, if registered.
    public func tableFunction(_ name: String) -> TableFunction? {
        tableFunctions.withLock { $0[name.lowercased()] }
    }

    /// Every registered table function name.
    public var tableFunctionNames: [String] { tableFunctions.withLock { Array($0.keys) }.sorted() }
}
