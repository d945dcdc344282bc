import Dispatch
import Foundation
import Logging
import NIOPosix
import TallyAnalytics
import TallyQuery
import TallyStorage

/// What one statement produced, ready to be sent.
public struct StatementOutcome: Sendable {
    /// JSON members of the answer after `"ok":true` (rows or message), without `elapsed_ms`.
    public var members: String
    /// The row part alone (`"columns":…,"rows":…,"row_count":n`) for row results; subscriptions
    /// compare it to tell whether the answer changed.
    public var body: String?
    /// Rows returned or affected (for the audit log).
    public var rows: Int
    /// Whether the answer came from the result cache.
    public var cached: Bool
    public var tablesRead: [String]
}

/// The statement-running core shared by connections and subscriptions: authorisation, the result
/// cache, per-tenant limits, the audit log and change notification. Statements run on a worker
/// thread pool, never on the network event loop.
public final class Engine: Sendable {
    public let catalog: Catalog
    public let config: ServerConfig
    public let cache: ResultCache
    public let audit: AuditLog
    public let hub: SubscriptionHub
    public let limiter: TenantLimiter
    public let library: NamedQueryLibrary
    public let logger: Logger
    let pool: NIOThreadPool
    let limits: SessionLimits

    init(catalog: Catalog, config: ServerConfig, pool: NIOThreadPool, logger: Logger) {
        Analytics.installIntoSharedRegistry()
        self.catalog = catalog
        self.config = config
        self.pool = pool
        self.logger = logger
        let hub = SubscriptionHub()
        self.hub = hub
        self.cache = ResultCache(capacityBytes: config.cacheBytes, maxEntryBytes: config.maxCachedAnswerBytes)
        self.audit = AuditLog(catalog: catalog, logger: logger) { tenant, tables in hub.notify(tenant: tenant, tables: tables) }
        self.limiter = TenantLimiter(maxRunning: config.maxConcurrentQueriesPerTenant, maxQueued: config.maxQueuedQueriesPerTenant,
                                     maxWait: config.maxQueueWait)
        self.library = NamedQueryLibrary(directory: config.queriesDirectory)
        var l = SessionLimits()
        l.maxRows = config.maxRowsPerAnswer
        l.maxQueryMemory = config.maxQueryMemory
        l.timeLimit = config.queryTimeLimit
        l.allowFileAccess = false
        self.limits = l
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    static func wallMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    /// The tables of the data model, applied to tenants created on first AUTH.
    static let modelSchemas: [TableSchema] = (try? TableSchema.schemas(fromSQL: DataModel.schemaSQL)) ?? []

    // MARK: sessions

    /// A client session for a verified identity, made on a worker thread: creating a tenant
    /// writes and fsyncs its tables, which must not hold a thread of the concurrency pool.
    func open(_ identity: Identity) async -> Result<ClientSession, ProtocolError> {
        do {
            return try await pool.runIfActive { [self] () -> Result<ClientSession, ProtocolError> in
                do throws(ProtocolError) { return .success(try openNow(identity)) } catch { return .failure(error) }
            }
        } catch {
            return .failure(ProtocolError(code: "shutting_down", message: "the server is shutting down"))
        }
    }

    private func openNow(_ identity: Identity) throws(ProtocolError) -> ClientSession {
        if !catalog.hasTenant(identity.tenant) {
            guard config.provisionTenants else {
                throw ProtocolError(code: "unknown_tenant", message: "tenant \(identity.tenant) does not exist on this server")
            }
            do {
                try catalog.createTenant(identity.tenant, schemas: Engine.modelSchemas)
                try DataModel.installRollups(catalog: catalog, tenant: identity.tenant)
            } catch {
                throw ProtocolError(code: "internal_error", message: "could not create tenant \(identity.tenant): \(error)")
            }
            logger.info("tenant created on first AUTH", metadata: ["tenant": "\(identity.tenant)"])
        }
        return ClientSession(identity: identity, catalog: catalog, limits: limits)
    }

    func twin(of client: ClientSession, preparing name: String?) -> ClientSession {
        client.twin(catalog: catalog, limits: limits, preparing: name)
    }

    // MARK: running work off the event loop

    /// Runs `body` on a worker thread inside one of the tenant's statement slots.
    func withSlot<T: Sendable>(_ tenant: String, _ body: @escaping @Sendable () throws(ProtocolError) -> T) async -> Result<T, ProtocolError> {
        guard await limiter.acquire(tenant) else {
            return .failure(ProtocolError(code: "busy", message: "tenant \(tenant) already runs \(config.maxConcurrentQueriesPerTenant) statements and others are waiting",
                                          hint: "retry shortly, or send fewer statements at once"))
        }
        defer { limiter.release(tenant) }
        do {
            return try await pool.runIfActive { () -> Result<T, ProtocolError> in
                do throws(ProtocolError) { return .success(try body()) } catch { return .failure(error) }
            }
        } catch is CancellationError {
            return .failure(ProtocolError(code: "cancelled", message: "the statement was cancelled"))
        } catch {
            return .failure(ProtocolError(code: "shutting_down", message: "the server is shutting down"))
        }
    }

    // MARK: SQL

    /// Which of the client's sessions runs a statement, and whether it is the all-tenants one.
    private func route(_ stmt: Statement, _ cls: StatementClass, _ client: ClientSession) -> (Session, Bool) {
        guard let admin = client.adminSession else { return (client.tenantSession, false) }
        switch stmt {
        case .execute(let e):
            let inAdmin = client.prepared.withLock { $0[e.name.value.lowercased()]?.inAdminScope } ?? false
            return inAdmin ? (admin, true) : (client.tenantSession, false)
        case .deallocate(let n?):
            let inAdmin = client.prepared.withLock { $0[n.value.lowercased()]?.inAdminScope } ?? false
            return inAdmin ? (admin, true) : (client.tenantSession, false)
        default:
            return cls == .read || cls == .metadata ? (admin, true) : (client.tenantSession, false)
        }
    }

    /// Parses, authorises and runs one SQL statement for `client`.
    /// - Parameters:
    ///   - readOnly: refuse anything but reads (subscriptions).
    ///   - auditText: what the audit log records (nil: not audited, e.g. subscription refreshes).
    func runSQL(_ sql: String, parameters: [Value], client: ClientSession, readOnly: Bool = false,
                auditText: String?) async -> Result<StatementOutcome, ProtocolError> {
        let start = Engine.now()
        let identity = client.identity
        let result = await runSQL0(sql, parameters: parameters, client: client, identity: identity, readOnly: readOnly)
        if let auditText { record(identity, auditText, result, start: start) }
        return result
    }

    func record(_ identity: Identity, _ text: String, _ result: Result<StatementOutcome, ProtocolError>, start: Double) {
        let ms = (Engine.now() - start) * 1000
        switch result {
        case .success(let o):
            audit.record(AuditRecord(tenant: identity.tenant, at: Engine.wallMicros(), subject: identity.subject, role: identity.role.rawValue,
                                     statement: text, rows: o.rows, milliseconds: ms, status: "ok"))
        case .failure(let e):
            audit.record(AuditRecord(tenant: identity.tenant, at: Engine.wallMicros(), subject: identity.subject, role: identity.role.rawValue,
                                     statement: text, rows: 0, milliseconds: ms, status: e.code))
        }
    }

    private func runSQL0(_ sql: String, parameters: [Value], client: ClientSession, identity: Identity,
                         readOnly: Bool) async -> Result<StatementOutcome, ProtocolError> {
        let stmt: Statement
        do { stmt = try Parser.parse(sql) } catch { return .failure(ProtocolError(TallyError.from(error))) }
        var cls = StatementPolicy.classify(stmt)
        var prepared: Statement? = nil
        if case .execute(let e) = stmt, let info = client.prepared.withLock({ $0[e.name.value.lowercased()] }) {
            prepared = info.statement
            cls = StatementPolicy.classify(info.statement)
        }
        var isSessionBookkeeping = false
        switch stmt {
        case .prepare, .deallocate: isSessionBookkeeping = true
        default: break
        }
        if readOnly && (isSessionBookkeeping || (cls != .read && cls != .metadata)) {
            return .failure(ProtocolError(code: "not_a_query", message: "SUBSCRIBE takes a query (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN or EXECUTE of a prepared query)"))
        }
        if let refusal = StatementPolicy.check(cls, role: identity.role) { return .failure(refusal) }
        if let bad = StatementPolicy.checkTableNames(stmt) { return .failure(bad) }
        if case .prepare(let p) = stmt {
            switch p.statement {
            case .prepare, .execute, .deallocate:
                return .failure(ProtocolError(code: "unsupported", message: "a prepared statement cannot itself be PREPARE, EXECUTE or DEALLOCATE"))
            default: break
            }
        }
        let (session, adminScope) = route(stmt, cls, client)

        // Only deterministic reads are cached; the key holds the canonical text of the statement
        // and, for EXECUTE, of the prepared statement it runs (a re-PREPARE changes the key).
        var cacheKey0: ResultCache.Key? = nil
        let isQuery: Bool
        switch prepared ?? stmt {
        case .query: isQuery = true
        default: isQuery = false
        }
        if isQuery && cache.capacityBytes > 0 {
            let canonical = stmt.description + (prepared.map { "\u{1}" + $0.description } ?? "")
            if ResultCache.isDeterministic(canonical) {
                cacheKey0 = ResultCache.Key(scope: adminScope ? "*" : "t:" + identity.tenant, statement: canonical, parameters: parameters)
            }
        }
        let scope = session.scope
        let maxAnswer = config.maxAnswerBytes
        let cacheKey = cacheKey0
        let outcome = await withSlot(identity.tenant) { [self] () throws(ProtocolError) -> StatementOutcome in
            var versionsBefore: [TableVersion] = []
            var candidates: [String] = []
            var epoch: UInt64 = 0
            if let key = cacheKey {
                if let hit = cache.lookup(key, versions: { self.versions(tables: Set($0.map(\.table)), scope: scope) }) {
                    return StatementOutcome(members: hit.body + ",\"cached\":true", body: hit.body, rows: hit.rowCount, cached: true,
                                            tablesRead: Array(Set(hit.versions.map(\.table))).sorted())
                }
                epoch = cache.epoch
                candidates = ResultCache.candidateTables(key.statement) { self.exists($0, scope: scope) }
                versionsBefore = versions(tables: Set(candidates), scope: scope)
            }
            let r: StatementResult
            do { r = try session.execute(statement: stmt, parameters: parameters) } catch {
                throw ProtocolError(TallyError.from(error))
            }
            if let q = r.result {
                let body = Answer.resultMembers(q)
                guard body.utf8.count <= maxAnswer else {
                    throw ProtocolError(code: "answer_too_large", message: "the answer would be \(body.utf8.count) bytes; the limit is \(maxAnswer)",
                                        hint: "select fewer columns or rows, or aggregate")
                }
                if let key = cacheKey, Set(r.tablesRead).isSubset(of: Set(candidates)) {
                    cache.store(key, body: body, rowCount: q.rowCount, versions: versionsBefore, epoch: epoch)
                }
                return StatementOutcome(members: body + ",\"cached\":false", body: body, rows: q.rowCount, cached: false, tablesRead: r.tablesRead)
            }
            var members = "\"message\":" + JSONText.string(r.message ?? "OK")
            if let n = r.rowsAffected { members += ",\"rows_affected\":\(n)" }
            return StatementOutcome(members: members, body: nil, rows: r.rowsAffected ?? 0, cached: false, tablesRead: r.tablesRead)
        }
        if case .success(let o) = outcome { afterSuccess(stmt, cls: cls, adminScope: adminScope, outcome: o, client: client, identity: identity) }
        return outcome
    }

    /// Bookkeeping after a statement succeeded: prepared statements, DDL epoch, change notification.
    private func afterSuccess(_ stmt: Statement, cls: StatementClass, adminScope: Bool, outcome: StatementOutcome, client: ClientSession, identity: Identity) {
        switch stmt {
        case .prepare(let p):
            client.prepared.withLock { $0[p.name.value.lowercased()] = PreparedInfo(statement: p.statement, inAdminScope: adminScope) }
        case .deallocate(let n):
            if let n {
                _ = client.prepared.withLock { $0.removeValue(forKey: n.value.lowercased()) }
            } else {
                client.prepared.withLock { $0.removeAll() }
                _ = try? client.adminSession?.execute(statement: .deallocate(nil), parameters: [])
            }
        default: break
        }
        if cls == .ddl { cache.tablesChanged() }
        if cls == .write || cls == .ddl { hub.notify(tenant: identity.tenant, tables: outcome.tablesRead) }
    }

    // MARK: data versions

    private func exists(_ table: String, scope: SessionScope) -> Bool {
        switch scope {
        case .tenant(let t): return (try? catalog.tenant(t))?.hasTable(table) ?? false
        case .allTenants: return catalog.tenants.contains { (try? catalog.tenant($0))?.hasTable(table) ?? false }
        }
    }

    /// Current data versions of `tables` in `scope`, in a stable order.
    func versions(tables: Set<String>, scope: SessionScope) -> [TableVersion] {
        let tenants: [String]
        switch scope {
        case .tenant(let t): tenants = [t]
        case .allTenants: tenants = catalog.tenants
        }
        var out: [TableVersion] = []
        for name in tables.sorted() {
            for t in tenants {
                guard let store = try? catalog.tenant(t) else { continue }
                if Identifier.isValid(name), store.hasTable(name), let ts = try? store.table(name) {
                    out.append(TableVersion(tenant: t, table: name, store: ObjectIdentifier(ts), version: ts.dataVersion))
                } else if case .tenant = scope {
                    out.append(TableVersion(tenant: t, table: name, store: nil, version: nil))
                }
            }
        }
        return out
    }

    // MARK: named queries

    /// Loads (on a worker thread: it reads a file) and binds a named query: the SQL to run and
    /// its parameter values.
    func resolveNamed(_ name: String, _ params: JSONValue?) async -> Result<(String, [Value]), ProtocolError> {
        let library = self.library
        do {
            return try await pool.runIfActive { () -> Result<(String, [Value]), ProtocolError> in
                do throws(ProtocolError) {
                    let q = try library.loadForRun(name)
                    let (sql, values) = try q.bind(json: params)
                    return .success((sql, values))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            return .failure(ProtocolError(code: "shutting_down", message: "the server is shutting down"))
        }
    }

    /// Writes the queued audit rows and stops the audit writer, waiting on a worker thread.
    func closeAudit() async {
        let audit = self.audit
        do { try await pool.runIfActive { audit.close() } } catch { audit.close() }
    }

    /// `RUN <name> <params>`.
    func runNamed(_ name: String, _ params: JSONValue?, client: ClientSession) async -> Result<StatementOutcome, ProtocolError> {
        let text = "RUN " + name + (params.map { " " + $0.text } ?? "")
        switch await resolveNamed(name, params) {
        case .failure(let e):
            record(client.identity, text, .failure(e), start: Engine.now())
            return .failure(e)
        case .success(let (sql, values)):
            return await runSQL(sql, parameters: values, client: client, readOnly: true, auditText: text)
        }
    }

    // MARK: ingest

    /// `WRITE`: validates and stores points in the client's tenant.
    func write(_ lines: [PointLine], partial: Bool, client: ClientSession) async -> Result<StatementOutcome, ProtocolError> {
        let start = Engine.now()
        let identity = client.identity
        let text = "WRITE \(lines.count) point\(lines.count == 1 ? "" : "s")" + (partial ? " PARTIAL" : "")
        let result = await write0(lines, partial: partial, identity: identity)
        record(identity, text, result, start: start)
        return result
    }

    private func write0(_ lines: [PointLine], partial: Bool, identity: Identity) async -> Result<StatementOutcome, ProtocolError> {
        guard identity.role.canWrite else {
            return .failure(ProtocolError(code: "permission_denied", message: "the \(identity.role.rawValue) role may not write data"))
        }
        guard lines.count <= config.maxPointsPerWrite else {
            return .failure(ProtocolError(code: "too_many_points", message: "a WRITE may carry at most \(config.maxPointsPerWrite) points; this one has \(lines.count)",
                                          hint: "split the points over several WRITE requests"))
        }
        let catalog = self.catalog
        let result = await withSlot(identity.tenant) { () throws(ProtocolError) -> IngestOutcome in
            do {
                return try Ingest.write(lines, into: try catalog.tenant(identity.tenant), partial: partial)
            } catch {
                throw ProtocolError(TallyError.from(error))
            }
        }
        switch result {
        case .failure(let e): return .failure(e)
        case .success(let o):
            let listed = o.rejected.prefix(100).map { "{\"index\":\($0.index),\"reason\":" + JSONText.string($0.reason) + "}" }.joined(separator: ",")
            if !o.rejected.isEmpty && !partial {
                return .failure(ProtocolError(
                    code: "invalid_points",
                    message: "\(o.rejected.count) of \(lines.count) point\(lines.count == 1 ? " is" : "s are") invalid; nothing was stored",
                    hint: "fix the points listed, or send the request with PARTIAL to store the valid ones",
                    extra: ["points": "[" + listed + "]", "rejected": String(o.rejected.count)]))
            }
            hub.notify(tenant: identity.tenant, tables: o.tables)
            let members = "\"message\":" + JSONText.string("WRITE \(o.written)") + ",\"rows_affected\":\(o.written)"
                + ",\"rejected\":\(o.rejected.count),\"points\":[" + listed + "]"
            return .success(StatementOutcome(members: members, body: nil, rows: o.written, cached: false, tablesRead: o.tables))
        }
    }
}
