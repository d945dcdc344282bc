import Synchronization
import TallyStorage

/// A value produced by evaluating an expression over a batch: a full vector, or one constant for every row.
public enum ExprValue: Sendable {
    case vector(ColumnData)
    case constant(Value, DataType)

    /// The value's type.
    public var type: DataType {
        switch self {
        case .vector(let c): return c.type
        case .constant(_, let t): return t
        }
    }
}

/// A resolved scalar function: fixed argument types, a return type and a batch-at-a-time body.
public struct ScalarFunction: Sendable {
    public let name: String
    public let returnType: DataType
    /// False for functions like now() or random() that must not be folded or cached blindly.
    public let deterministic: Bool
    /// Computes the function for `count` rows from its evaluated arguments.
    public let eval: @Sendable (_ args: [ExprValue], _ count: Int) throws -> ExprValue

    public init(name: String, returnType: DataType, deterministic: Bool = true,
                eval: @escaping @Sendable (_ args: [ExprValue], _ count: Int) throws -> ExprValue) {
        self.name = name
        self.returnType = returnType
        self.deterministic = deterministic
        self.eval = eval
    }
}

/// What an aggregate macro expands to: native aggregates and an expression over their results
/// (`.column(i)` is the i-th aggregate's result).
public struct AggregateExpansion: Sendable {
    public var aggregates: [BoundAggregate]
    public var result: BoundExpr

    public init(aggregates: [BoundAggregate], result: BoundExpr) {
        self.aggregates = aggregates
        self.result = result
    }
}

/// Resolves a scalar function for argument expressions, or returns nil when the types do not fit.
public typealias ScalarResolver = @Sendable (_ args: [BoundExpr]) throws -> ScalarFunction?
/// Expands a domain aggregate (e.g. nps) into native aggregates, or returns nil when the types do not fit.
public typealias AggregateMacro = @Sendable (_ args: [BoundExpr], _ filter: BoundExpr?) throws -> AggregateExpansion?

/// Errors raised while evaluating expressions (casts, bad arguments).
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The functions the binder can call. Query registers the built-ins; other modules (Analytics)
/// add theirs at start-up. Query never imports those modules.
public final class FunctionRegistry: Sendable {
    struct State {
        var scalars: [String: [ScalarResolver]] = [:]
        var macros: [String: AggregateMacro] = [:]
        var signatures: [String: String] = [:]
    }

    private let state = Locked(State())
    let tableFunctions = Locked([String: TableFunction]())

    /// The registry every session uses.
    public static let shared: FunctionRegistry = {
        let r = FunctionRegistry()
        BuiltinFunctions.register(into: r)
        return r
    }()

    public init() {}

    /// Adds a scalar function overload under `name` (case-insensitive); `signature` documents it in help.
    public func registerScalar(_ name: String, signature: String = "", _ resolver: @escaping ScalarResolver) {
        state.withLock {
            $0.scalars[name.lowercased(), default: []].append(resolver)
            if !signature.isEmpty { $0.signatures[name.lowercased()] = signature }
        }
    }

    /// Adds an aggregate macro under `name`.
    public func registerAggregate(_ name: String, signature: String = "", _ macro: @escaping AggregateMacro) {
        state.withLock {
            $0.macros[name.lowercased()] = macro
            if !signature.isEmpty { $0.signatures[name.lowercased()] = signature }
        }
    }

    /// The first overload of `name` that accepts `args`; nil when the name is unknown, throws when no overload fits.
    public func resolveScalar(_ name: String, _ args: [BoundExpr]) throws -> ScalarFunction? {
        let resolvers = state.withLock { $0.scalars[name.lowercased()] }
        guard let resolvers else { return nil }
        for r in resolvers { if let f = try r(args) { return f } }
        throw EvaluationError("no overload of \(name) accepts (\(args.map { $0.type.description }.joined(separator: ", ")))"
            + (signature(name).map { "; expected \($0)" } ?? ""))
    }

    /// The aggregate macro `name`, if registered.
    public func aggregateMacro(_ name: String) -> AggregateMacro? {
        state.withLock { $0.macros[name.lowercased()] }
    }

    func setSignature(_ name: String, _ signature: String) {
        state.withLock { $0.signatures[name.lowercased()] = signature }
    }

    /// The documented signature of a function.
    public func signature(_ name: String) -> String? { state.withLock { $0.signatures[name.lowercased()] } }

    /// Every registered function name (for suggestions and completion).
    public var names: [String] {
        state.withLock { Array($0.scalars.keys) + Array($0.macros.keys) }.sorted()
    }
}
