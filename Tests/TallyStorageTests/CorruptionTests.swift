import Testing
@testable import TallyStorage

/// Damage to one table's files is detected, named, and contained to that table.
@Suite struct CorruptionTests {
    func makeStore(_ dir: TempDir) throws -> Catalog {
        let cat = try Catalog(root: dir.path)
        for tenant in ["acme", "globex"] {
            let t = try cat.createTenant(tenant)
            for name in ["calls", "other"] {
                var s = callSchema
                s.name = name
                let table = try t.createTable(s)
                try table.append(callBatch(from: 0, count: 300))
                try table.flush()
                try table.append(callBatch(from: 1000, count: 50))
                try table.append(callBatch(from: 2000, count: 50))
                table.close()
            }
        }
        return cat
    }

    func damage(_ path: String, _ rng: inout TestRNG) throws -> Int {
        var bytes = try FileIO.readAll(path)
        let at = rng.int(bytes.count)
        bytes[at] ^= UInt8(1 + rng.int(255))
        try FileIO.writeAtomically(path, bytes)
        return at
    }

    @Test(arguments: ["segment", "wal", "manifest", "schema"])
    func damagedFileIsNamedAndOthersKeepServing(kind: String) throws {
        var rng = TestRNG(state: UInt64(kind.utf8.count) * 7919)
        for round in 0..<12 {
            let dir = TempDir()
            _ = try makeStore(dir)
            let tdir = dir.path + "/tenants/acme/calls"
            let victim: String
            switch kind {
            case "segment": victim = tdir + "/" + (try FileIO.list(tdir).first { $0.hasSuffix(".seg") })!
            case "wal": victim = tdir + "/wal/" + (try FileIO.list(tdir + "/wal").last { $0.hasSuffix(".wal") && ((try? FileIO.size(tdir + "/wal/" + $0)) ?? 0) > 0 })!
            case "manifest": victim = tdir + "/manifest"
            default: victim = tdir + "/schema"
            }
            let at = try damage(victim, &rng)
            let cat = try Catalog(root: dir.path)
            var named = false
            do {
                let table = try cat.tenant("acme").table("calls")
                let problems = table.verify()
                _ = try table.snapshot().readAll()
                named = problems.contains { $0.contains(victim) }
            } catch let e as StorageError {
                named = "\(e)".contains(victim)
            }
            #expect(named, "round \(round): damage at byte \(at) of \(victim) was not reported with the file's name")
            // Everything else still serves, with all its rows.
            #expect(try cat.tenant("acme").table("other").snapshot().readAll().count == 400)
            #expect(try cat.tenant("globex").table("calls").snapshot().readAll().count == 400)
        }
    }

    @Test func damagedCatalogFileIsReported() throws {
        let dir = TempDir()
        _ = try makeStore(dir)
        var rng = TestRNG(state: 3)
        _ = try damage(dir.path + "/catalog", &rng)
        #expect { _ = try Catalog(root: dir.path) } throws: { e in "\(e)".contains(dir.path + "/catalog") }
    }
}

/// Table names are directory names: a name that is not a plain identifier never reaches a file.
@Suite struct TenantIsolationTests {
    @Test func pathLikeTableNamesReachNothing() throws {
        let dir = TempDir()
        let cat = try Catalog(root: dir.path)
        let a = try cat.createTenant("alpha")
        let b = try cat.createTenant("bravo")
        try b.createTable(callSchema)
        for name in ["../bravo/calls", "..", "../../tenants/bravo/calls", "calls/../../bravo/calls", "/etc"] {
            #expect(!a.hasTable(name), "\(name)")
            #expect(throws: StorageError.self) { try a.table(name) }
            #expect(throws: StorageError.self) { try a.dropTable(name) }
        }
        #expect(b.hasTable("calls"))
        #expect(a.tableNames().isEmpty)
    }
}
