/// Binding `FROM f(args)`: arguments are evaluated while binding (subquery arguments run as
/// uncorrelated subqueries) and the function's result becomes literal rows of the plan.
extension Binder {
    func bindTableFunction(_ name: Name, _ args: [Expr], _ names: [Name?], alias: String?, _ r: SourceRange) throws -> LogicalPlan {
        guard let function = registry.tableFunction(name.value) else {
            throw SQLError(.unknownFunction, "table function \(name.value) does not exist",
                           hint: NameSuggestion.closest(to: name.value, in: registry.tableFunctionNames).map { "did you mean \($0)?" }, at: name.range)
        }
        var positional: [TableFunctionArgument] = []
        var named: [String: TableFunctionArgument] = [:]
        for (i, a) in args.enumerated() {
            let value: TableFunctionArgument
            if case .subquery(let q) = a.kind {
                value = .relation(try subquery(q, a.range))
            } else {
                let b = try bind(a, Scope(plan: .values(rows: [], columns: []), qualifier: nil))
                guard b.isConstant else {
                    throw SQLError(.typeMismatch, "arguments of \(name.value) must be constants or (SELECT …) subqueries", at: a.range)
                }
                value = .value(try ExprEvaluator.constantValue(b), b.type)
            }
            if i < names.count, let n = names[i] {
                let key = n.value.lowercased()
                guard named[key] == nil else { throw SQLError(.syntaxError, "argument \(n.value) is given twice", at: n.range) }
                named[key] = value
            } else {
                positional.append(value)
            }
        }
        let result: QueryResult
        do {
            result = try function(TableFunctionCall(name: name.value.lowercased(), positional: positional, named: named, now: now))
        } catch let e as EvaluationError {
            throw SQLError(.typeMismatch, "\(name.value): \(e.message)", hint: registry.signature(name.value).map { "expected \($0)" }, at: r)
        }
        let columns = result.columns.map { PlanColumn($0.name, $0.type, qualifier: alias ?? name.value) }
        return .values(rows: result.rows, columns: columns)
    }
}
