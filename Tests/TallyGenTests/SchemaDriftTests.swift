import Foundation
import Testing
import TallyStorage
@testable import TallyGen

/// Reads schema.sql as text so that the hand-made schemas (and the generator) notice when it changes.
@Suite struct SchemaDriftTests {
    /// (table → [(column, type, required)]) from the CREATE TABLE statements.
    static func parse(_ sql: String) -> [String: [(name: String, type: String, required: Bool)]] {
        var tables: [String: [(String, String, Bool)]] = [:]
        var current: String?
        for raw in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if let dash = line.range(of: "--") { line.removeSubrange(dash.lowerBound...) }
            line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let upper = line.uppercased()
            if upper.hasPrefix("CREATE TABLE") {
                let name = line.dropFirst("CREATE TABLE".count).split(separator: "(")[0].trimmingCharacters(in: .whitespaces)
                current = name
                tables[name] = []
                continue
            }
            if line.hasPrefix(")") { current = nil; continue }
            guard let table = current else { continue }
            let words = line.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
            guard words.count >= 2 else { continue }
            tables[table]!.append((words[0], words[1], upper.contains("NOT NULL")))
        }
        return tables
    }

    static var schemaURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TallyAnalytics/Resources/schema.sql")
    }

    @Test func handMadeSchemasMirrorSchemaSQL() throws {
        let sql = try String(contentsOf: Self.schemaURL, encoding: .utf8)
        let parsed = Self.parse(sql)
        #expect(parsed.count >= 8)
        for table in Generator.tableNames {
            let columns = try #require(parsed[table], "schema.sql has no table \(table)")
            let hand = try #require(HandSchemas.byName[table])
            #expect(columns.map(\.name) == hand.columns.map(\.name), "columns of \(table)")
            for c in columns {
                guard let i = hand.index(of: c.name) else { continue }
                #expect(DataType(sqlName: c.type) == hand.columns[i].type, "\(table).\(c.name) type")
                #expect(c.required == !hand.columns[i].nullable, "\(table).\(c.name) nullability")
            }
        }
    }

    @Test func generatorKnowsEveryColumnOfSchemaSQL() throws {
        let parsed = Self.parse(try String(contentsOf: Self.schemaURL, encoding: .utf8))
        for spec in Tables.all {
            let names = Set(spec.columns.map(\.name))
            for c in parsed[spec.name] ?? [] { #expect(names.contains(c.name), "generator does not fill \(spec.name).\(c.name)") }
        }
    }
}
