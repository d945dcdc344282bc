import Foundation
import TallyAnalytics
import TallyQuery
import TallyStorage

/// A tenant store with a session over the shared registry, as the CLI and server set it up.
final class AnalyticsFixture {
    let dir = NSTemporaryDirectory() + "/tally-analytics-\(UUID().uuidString)"
    let catalog: Catalog
    let session: Session

    init(schema: String = "") throws {
        catalog = try Catalog(root: dir)
        try catalog.createTenant("acme")
        Analytics.installIntoSharedRegistry()
        session = Session(catalog: catalog, scope: .tenant("acme"))
        if !schema.isEmpty { _ = try session.executeScript(schema) }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func rows(_ sql: String) throws -> [[Value]] {
        try session.execute(sql).result!.rows
    }

    func double(_ sql: String) throws -> Double? {
        guard case .double(let d) = try rows(sql).first?.first else { return nil }
        return d
    }
}
