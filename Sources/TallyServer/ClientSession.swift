import Synchronization
import TallyQuery
import TallyStorage

/// A prepared statement as the server tracks it: the engine keeps the statement itself, the server
/// keeps what it needs to authorise EXECUTE and to route it (admins prepare reads in their
/// all-tenants session and writes in their home tenant's).
struct PreparedInfo: Sendable {
    var statement: Statement
    var inAdminScope: Bool
}

/// The engine sessions of one authenticated client and what the server tracks about them.
///
/// Every session is created from the token's identity: a tenant session for the token's client_id
/// and, for admins only, an all-tenants session for reads. File access (COPY) is off in both.
public final class ClientSession: Sendable {
    private let identityBox: Locked<Identity>
    /// Statements in the token's tenant: reads of non-admins, writes, DDL.
    let tenantSession: Session
    /// Admin reads across tenants (nil for other roles).
    let adminSession: Session?
    let prepared = Locked<[String: PreparedInfo]>([:])

    init(identity: Identity, catalog: Catalog, limits: SessionLimits) {
        self.identityBox = Locked(identity)
        var l = limits
        l.allowFileAccess = false
        tenantSession = Session(catalog: catalog, scope: .tenant(identity.tenant), limits: l)
        adminSession = identity.role == .admin ? Session(catalog: catalog, scope: .allTenants, limits: l) : nil
    }

    /// The current identity (AUTH with a fresh token of the same tenant and role refreshes it).
    public var identity: Identity { identityBox.withLock { $0 } }

    func refresh(_ i: Identity) { identityBox.withLock { $0 = i } }

    /// Stops whatever statement the client's sessions are running (the connection closed).
    func cancel() {
        tenantSession.cancel()
        adminSession?.cancel()
    }

    /// A twin for a subscription: same identity, its own sessions (so running it concurrently
    /// with the connection's statements never mixes their cancellation state), and a copy of the
    /// prepared statement it runs, if any.
    func twin(catalog: Catalog, limits: SessionLimits, preparing name: String?) -> ClientSession {
        let t = ClientSession(identity: identity, catalog: catalog, limits: limits)
        // Share the identity box's current value; a later refresh on the connection is copied
        // by the subscription loop, which reads `parent.identity` before each run.
        if let name, let info = prepared.withLock({ $0[name] }) {
            let session = info.inAdminScope ? t.adminSession! : t.tenantSession
            _ = try? session.execute(statement: .prepare(Prepare(name: Name(name), statement: info.statement)), parameters: [])
            t.prepared.withLock { $0[name] = info }
        }
        return t
    }
}
