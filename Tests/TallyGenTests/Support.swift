import Foundation
import TallyStorage
@testable import TallyGen

/// The data model's tables as TableSchemas, written by hand to mirror
/// Sources/TallyAnalytics/Resources/schema.sql (SchemaDriftTests checks that they agree).
enum HandSchemas {
    static func col(_ name: String, _ type: DataType, required: Bool = false) -> ColumnSchema {
        ColumnSchema(name, type, nullable: !required)
    }

    static let list: [TableSchema] = [
        TableSchema(name: "agents", columns: [
            col("agent_id", .int32, required: true), col("name", .string), col("team", .string),
            col("sector", .string, required: true), col("kind", .string), col("hired_at", .timestamp),
        ]),
        TableSchema(name: "agent_metrics", columns: [
            col("call_id", .int64, required: true), col("agent_id", .int32), col("sector", .string, required: true),
            col("queue", .string), col("channel", .string), col("started_at", .timestamp, required: true),
            col("answered_at", .timestamp), col("ended_at", .timestamp), col("queue_wait_s", .int32),
            col("talk_s", .int32), col("hold_s", .int32), col("wrap_s", .int32), col("handle_s", .int32),
            col("outcome", .string, required: true), col("first_contact_resolved", .bool), col("transferred", .bool),
            col("quality_score", .float64), col("revenue", .float64), col("cost", .float64),
        ], timeColumn: "started_at"),
        TableSchema(name: "call_quality_scores", columns: [
            col("call_id", .int64, required: true), col("agent_id", .int32, required: true),
            col("reviewed_at", .timestamp, required: true), col("reviewer_id", .int32),
            col("professionalism", .int32), col("empathy", .int32), col("resolution", .int32), col("clarity", .int32),
            col("responsiveness", .int32), col("overall", .float64), col("audio_clarity_pct", .float64),
            col("background_noise_db", .float64), col("notes", .string),
        ], timeColumn: "reviewed_at"),
        TableSchema(name: "customer_satisfaction", columns: [
            col("call_id", .int64, required: true), col("agent_id", .int32), col("surveyed_at", .timestamp, required: true),
            col("csat", .int32), col("nps", .int32), col("sentiment", .float64), col("would_recommend", .bool),
            col("feedback_category", .string), col("comment", .string),
        ], timeColumn: "surveyed_at"),
        TableSchema(name: "cost_analysis", columns: [
            col("period_start", .timestamp, required: true), col("sector", .string), col("component", .string),
            col("cost", .float64), col("revenue", .float64),
        ], timeColumn: "period_start"),
        TableSchema(name: "agent_status_events", columns: [
            col("agent_id", .int32, required: true), col("at", .timestamp, required: true), col("status", .string, required: true),
        ], timeColumn: "at"),
        TableSchema(name: "queue_events", columns: [
            col("call_id", .int64, required: true), col("queue", .string, required: true),
            col("at", .timestamp, required: true), col("event", .string, required: true),
        ], timeColumn: "at"),
        TableSchema(name: "injected_anomalies", columns: [
            col("start_at", .timestamp, required: true), col("end_at", .timestamp, required: true),
            col("kind", .string, required: true), col("agent_id", .int32), col("queue", .string), col("magnitude", .float64),
        ], timeColumn: "start_at"),
    ]

    static let byName: [String: TableSchema] = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
}

/// One tenant's generated tables: the batches as emitted, and each table concatenated.
struct TenantData: Sendable {
    let plan: TenantPlan
    let batches: [(table: String, batch: RowBatch)]
    let tables: [String: RowBatch]

    init(generator: Generator, tenant: Int, schemas: [String: TableSchema] = HandSchemas.byName) {
        plan = generator.tenants[tenant]
        var list: [(String, RowBatch)] = []
        generator.generate(tenant: plan, schemas: schemas) { list.append(($0, $1)) }
        batches = list
        var grouped: [String: [RowBatch]] = [:]
        for (t, b) in list { grouped[t, default: []].append(b) }
        tables = grouped.mapValues { RowBatch.concat($0) }
    }

    /// A column of a table, by name.
    func column(_ table: String, _ name: String) -> ColumnData {
        let schema = HandSchemas.byName[table]!
        return tables[table]!.columns[schema.index(of: name)!]
    }

    func rows(_ table: String) -> Int { tables[table]?.count ?? 0 }

    /// String values of a string column (NULL as nil).
    func strings(_ table: String, _ name: String) -> [String?] {
        let c = column(table, name)
        let dict = c.dictionary!.strings
        return (0..<c.count).map { c.isValid($0) ? dict[Int(c.codes[$0])] : nil }
    }

    /// Integer values (bool, int32, int64, timestamp; NULL as nil).
    func integers(_ table: String, _ name: String) -> [Int64?] {
        let c = column(table, name)
        return (0..<c.count).map { c.isValid($0) ? c.integer(at: $0) : nil }
    }

    func doubles(_ table: String, _ name: String) -> [Double?] {
        let c = column(table, name)
        return (0..<c.count).map { c.isValid($0) ? c.float64s[$0] : nil }
    }
}

/// Data shared by the tests (generated once per test process).
enum Fixtures {
    /// A year of a mid-size tenant: the largest of 50 when the total is 200,000 calls (≈ 43,000 calls).
    static let generator = Generator(config: GeneratorConfig(seed: 2024, callRows: 200_000))
    static let year = TenantData(generator: generator, tenant: 0)
}

/// A stable digest of a batch's contents (values, validity and dictionary strings).
func digest(_ batches: [(table: String, batch: RowBatch)]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    }
    for (t, b) in batches {
        Array(t.utf8).withUnsafeBytes(mix)
        for c in b.columns {
            mix(c.values)
            if let v = c.validity { mix(v) }
            if let d = c.dictionary { mix(d.bytes) }
        }
    }
    return h
}

/// Mean and standard deviation.
func meanAndSD(_ xs: [Double]) -> (mean: Double, sd: Double) {
    let m = xs.reduce(0, +) / Double(max(xs.count, 1))
    let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(xs.count - 1, 1))
    return (m, v.squareRoot())
}
