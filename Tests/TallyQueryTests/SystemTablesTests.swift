import Foundation
import Testing
@testable import TallyQuery

/// tally_tables, tally_segments and tally_cache: figures that match the store, scoped to the tenant.
@Suite struct SystemTablesTests {
    @Test func figuresMatchTheStoreAndStayInTheTenant() throws {
        let dir = NSTemporaryDirectory() + "tally-systables-\(UUID().uuidString)"
        defer { try? FileIO.removeTree(dir) }
        let catalog = try Catalog(root: dir)
        for t in ["acme", "globex"] { try catalog.createTenant(t) }
        let acme = Session(catalog: catalog, scope: .tenant("acme")), globex = Session(catalog: catalog, scope: .tenant("globex"))
        _ = try acme.executeScript("""
            CREATE TABLE calls (id BIGINT, at TIMESTAMP) WITH (time_column = at);
            INSERT INTO calls VALUES (1, TIMESTAMP '2025-01-01 10:00:00'), (2, TIMESTAMP '2025-01-03 08:00:00');
            CREATE TABLE notes (t VARCHAR);
            """)
        _ = try globex.executeScript("CREATE TABLE secrets (s VARCHAR); INSERT INTO secrets VALUES ('x'), ('y'), ('z');")
        try catalog.tenant("acme").table("calls").flush()
        _ = try acme.execute("INSERT INTO calls VALUES (3, TIMESTAMP '2025-01-05 09:30:00')")

        func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).result!.rows }
        let t = try rows(acme, "SELECT table_name, rows, segments, buffered_rows, min_time, max_time, error FROM tally_tables ORDER BY table_name")
        #expect(t == [
            [.string("calls"), .int(3), .int(1), .int(1), .timestamp(Timestamp.parse("2025-01-01 10:00:00")!), .timestamp(Timestamp.parse("2025-01-05 09:30:00")!), .null],
            [.string("notes"), .int(0), .int(0), .int(0), .null, .null, .null],
        ])
        let seg = try rows(acme, "SELECT table_name, rows, row_groups, bytes > 0, max_time FROM tally_segments")
        #expect(seg == [[.string("calls"), .int(2), .int(1), .bool(true), .timestamp(Timestamp.parse("2025-01-03 08:00:00")!)]])
        #expect(try rows(globex, "SELECT table_name, rows FROM tally_tables") == [[.string("secrets"), .int(3)]])
        // The admin scope sees every tenant's rows, told apart by client_id.
        let admin = Session(catalog: catalog, scope: .allTenants)
        #expect(try rows(admin, "SELECT client_id, sum(rows) FROM tally_tables GROUP BY 1 ORDER BY 1") == [[.string("acme"), .int(3)], [.string("globex"), .int(3)]])
        // Reading a segment goes through the cache; its counters move.
        _ = try acme.execute("SELECT sum(id) FROM calls")
        let c = try rows(acme, "SELECT hits + misses > 0, capacity_bytes > 0 FROM tally_cache")
        #expect(c == [[.bool(true), .bool(true)]])
        // The names are reserved and the tables are not listed with the tenant's own.
        #expect(throws: (any Error).self) { try acme.execute("CREATE TABLE tally_tables (x INTEGER)") }
        #expect(try !catalog.tenant("acme").tableNames().contains("tally_tables"))
    }
}
