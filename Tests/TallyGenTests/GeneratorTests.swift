import Foundation
import Testing
import TallyStorage
@testable import TallyGen

@Suite struct GeneratorTests {
    static let small = GeneratorConfig(seed: 11, tenants: 8, callRows: 20_000, days: 60)

    @Test func sameSeedGivesIdenticalOutput() {
        let a = TenantData(generator: Generator(config: Self.small), tenant: 1)
        let b = TenantData(generator: Generator(config: Self.small), tenant: 1)
        #expect(a.batches.count == b.batches.count)
        #expect(digest(a.batches) == digest(b.batches))
        #expect(a.rows("agent_metrics") > 1000)
    }

    @Test func differentSeedGivesDifferentOutput() {
        var other = Self.small
        other.seed = 12
        let a = TenantData(generator: Generator(config: Self.small), tenant: 1)
        let b = TenantData(generator: Generator(config: other), tenant: 1)
        #expect(digest(a.batches) != digest(b.batches))
    }

    @Test func tenantsAreIndependentAndTablesCanBeLeftOut() {
        let gen = Generator(config: Self.small)
        let all = TenantData(generator: gen, tenant: 2)
        // Generating another tenant first, or only one table, changes nothing.
        _ = TenantData(generator: gen, tenant: 5)
        let only = TenantData(generator: gen, tenant: 2, schemas: ["agent_metrics": HandSchemas.byName["agent_metrics"]!])
        #expect(Set(only.tables.keys) == ["agent_metrics"])
        #expect(digest(all.batches.filter { $0.table == "agent_metrics" }) == digest(only.batches))
    }

    @Test func tenantPlansAreZipfSized() {
        let gen = Generator(config: GeneratorConfig(seed: 5, callRows: 1_000_000))
        #expect(gen.tenants.count == 50)
        let sizes = gen.tenants.map(\.expectedCalls)
        let total = Double(sizes.reduce(0, +))
        #expect(abs(total - 1_000_000) < 1_000)
        let largest = Double(sizes[0]) / total
        #expect(largest > 0.15 && largest < 0.25)
        #expect(sizes == sizes.sorted(by: >))
        #expect(Double(sizes[0]) / Double(sizes[49]) > 25)
        // Ids are stable, valid identifiers; sectors vary; a few tenants have two.
        #expect(gen.tenants[0].id == "t01" && gen.tenants[49].id == "t50")
        #expect(gen.tenants.allSatisfy { Identifier.isValid($0.id) })
        #expect(Set(gen.tenants.map(\.primarySector)).count == Sector.allCases.count)
        let twoSectors = gen.tenants.filter { $0.sectors.count == 2 }.count
        #expect(twoSectors >= 2 && twoSectors <= 25)
        #expect(gen.tenants.allSatisfy { $0.humanAgents >= 2 })
        #expect(gen.tenants.contains { $0.aiAgents > 0 } && gen.tenants.contains { $0.aiAgents == 0 })
    }

    @Test func realizedTenantSizesAreZipfLike() {
        let gen = Generator(config: GeneratorConfig(seed: 8, callRows: 40_000, days: 91))
        var counts: [Int] = []
        for t in gen.tenants {
            var n = 0
            gen.generate(tenant: t, schemas: ["agent_metrics": HandSchemas.byName["agent_metrics"]!]) { _, b in n += b.count }
            counts.append(n)
        }
        let total = Double(counts.reduce(0, +))
        #expect(abs(total - 40_000) / 40_000 < 0.05)
        let largest = Double(counts.max()!) / total
        #expect(largest > 0.15 && largest < 0.25)
    }

    @Test func batchesMatchTheSchemas() {
        let data = Fixtures.year
        #expect(Set(data.tables.keys) == Set(Generator.tableNames))
        for (table, batch) in data.batches {
            let schema = HandSchemas.byName[table]!
            #expect(batch.count > 0 && batch.count <= 65_536, "\(table)")
            #expect(batch.columns.count == schema.columns.count, "\(table)")
            for (col, c) in zip(batch.columns, schema.columns) {
                #expect(col.type == c.type, "\(table).\(c.name)")
                if !c.nullable { #expect(col.nullCount == 0, "\(table).\(c.name) is required") }
                if c.type == .string { #expect(col.dictionary != nil) }
            }
        }
        // Big tables come in full batches of 65,536 rows.
        let metricBatches = data.batches.filter { $0.table == "agent_metrics" }.map(\.batch.count)
        #expect(metricBatches.dropLast().allSatisfy { $0 == 65_536 })
    }

    @Test func columnsAreMatchedByNameUnknownNullableColumnsAreNull() {
        // Reordered columns, a wider integer type, a column the generator does not know.
        let schema = TableSchema(name: "queue_events", columns: [
            ColumnSchema("event", .string, nullable: false),
            ColumnSchema("call_id", .int64, nullable: false),
            ColumnSchema("at", .timestamp, nullable: false),
            ColumnSchema("note", .string),
            ColumnSchema("queue", .string, nullable: false),
        ])
        let agents = TableSchema(name: "agents", columns: [ColumnSchema("agent_id", .int64, nullable: false)])
        let data = TenantData(generator: Generator(config: Self.small), tenant: 3,
                              schemas: ["queue_events": schema, "agents": agents])
        let events = data.tables["queue_events"]!
        #expect(events.columns.count == 5)
        #expect(events.columns[3].nullCount == events.count)
        #expect(Set(events.columns[0].dictionary!.strings).isSubset(of: ["enqueued", "answered", "abandoned", "transferred"]))
        let ids = data.tables["agents"]!.columns[0]
        #expect(ids.type == .int64)
        #expect(Array(ids.int64s) == (1...Int64(data.plan.agents)).map { $0 })
    }

    @Test func agentsTableDescribesHumansAndAI() {
        let data = Fixtures.year
        #expect(data.rows("agents") == data.plan.agents)
        let kinds = data.strings("agents", "kind")
        #expect(kinds.filter { $0 == "ai" }.count == data.plan.aiAgents)
        #expect(data.strings("agents", "name").allSatisfy { !($0 ?? "").isEmpty })
        let sectors = Set(data.strings("agents", "sector").compactMap { $0 })
        #expect(sectors == Set(data.plan.sectors.map(\.sector.name)))
        let hired = data.integers("agents", "hired_at").compactMap { $0 }
        #expect(hired.allSatisfy { $0 < GeneratorConfig.defaultStart })
    }
}
