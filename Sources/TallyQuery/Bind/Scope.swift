/// The columns visible while binding an expression: each with the qualifier (table alias) it can
/// be referred to by, in the position it has in the input plan.
struct Scope {
    struct Column {
        var qualifier: String?
        var name: String
        var type: DataType
        /// The second copy of a `JOIN … USING` column: reachable only qualified (and by `t.*`).
        var mergedAway = false
    }

    var columns: [Column]

    init(_ columns: [Column]) { self.columns = columns }

    /// The columns of a plan, all under one qualifier.
    init(plan: LogicalPlan, qualifier: String?) {
        columns = plan.columns.map { Column(qualifier: qualifier, name: $0.name, type: $0.type) }
    }

    /// The positions `SELECT *` expands to: every column but merged-away USING copies.
    var starColumns: [Int] { columns.indices.filter { !columns[$0].mergedAway } }

    /// Resolves a column reference to its position; errors say what is unknown or ambiguous and suggest.
    func resolve(_ ref: ColumnRef, range: SourceRange) throws(SQLError) -> (Int, DataType) {
        let name = ref.name.value.lowercased()
        var hits: [Int] = []
        if let t = ref.table {
            let q = t.value.lowercased()
            guard columns.contains(where: { $0.qualifier?.lowercased() == q }) else {
                let quals = Set(columns.compactMap(\.qualifier))
                throw SQLError(.unknownTable, "missing FROM-clause entry for table \"\(t.value)\"",
                               hint: NameSuggestion.closest(to: t.value, in: quals).map { "did you mean \($0)?" }, at: t.range)
            }
            for (i, c) in columns.enumerated() where c.qualifier?.lowercased() == q && c.name.lowercased() == name { hits.append(i) }
        } else {
            for (i, c) in columns.enumerated() where c.name.lowercased() == name && !c.mergedAway { hits.append(i) }
        }
        if hits.count == 1 { return (hits[0], columns[hits[0]].type) }
        if hits.count > 1 {
            throw SQLError(.ambiguousColumn, "column reference \"\(ref.name.value)\" is ambiguous",
                           hint: "qualify it with one of: " + hits.compactMap { columns[$0].qualifier }.joined(separator: ", "), at: range)
        }
        let candidates = columns.map(\.name)
        let suggestion = NameSuggestion.closest(to: ref.name.value, in: candidates)
        let shown = (ref.table.map { $0.value + "." } ?? "") + ref.name.value
        throw SQLError(.unknownColumn, "column \"\(shown)\" does not exist",
                       hint: suggestion.map { "did you mean \($0)?" }, at: range)
    }
}
