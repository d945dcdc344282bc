import Synchronization
import TallyStorage

/// Caps concurrent statements per tenant. A statement past the cap waits in line (first come,
/// first served) for up to `maxWait` seconds; when the line is already `maxQueued` long, or the
/// wait runs out, it gets a `busy` error instead. One tenant's load thus cannot take every worker.
public final class TenantLimiter: Sendable {
    public let maxRunning: Int
    public let maxQueued: Int
    public let maxWait: Double

    struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    struct TenantState {
        var running = 0
        var waiting: [Waiter] = []
    }

    struct State {
        var tenants: [String: TenantState] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Locked(State())

    public init(maxRunning: Int, maxQueued: Int, maxWait: Double) {
        self.maxRunning = max(1, maxRunning)
        self.maxQueued = max(0, maxQueued)
        self.maxWait = maxWait
    }

    /// Takes a slot for `tenant`; false when the tenant is busy (the caller answers `busy`).
    public func acquire(_ tenant: String) async -> Bool {
        enum Fast { case granted, refused, wait(UInt64) }
        let fast = state.withLock { s -> Fast in
            var t = s.tenants[tenant, default: TenantState()]
            if t.running < maxRunning && t.waiting.isEmpty {
                t.running += 1
                s.tenants[tenant] = t
                return .granted
            }
            if t.waiting.count >= maxQueued || maxWait <= 0 { return .refused }
            s.nextID += 1
            return .wait(s.nextID)
        }
        guard case .wait(let id) = fast else { if case .granted = fast { return true } else { return false } }
        let timer = Task { [self] in
            try? await Task.sleep(nanoseconds: UInt64(maxWait * 1e9))
            giveUp(tenant, id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                // Decide again under the same lock as the enqueue: a slot may have been released
                // since the fast path, and a release only hands slots to queued waiters.
                let answer = state.withLock { s -> Bool? in
                    if Task.isCancelled { return false }
                    var t = s.tenants[tenant, default: TenantState()]
                    defer { s.tenants[tenant] = t }
                    if t.running < maxRunning && t.waiting.isEmpty {
                        t.running += 1
                        return true
                    }
                    if t.waiting.count >= maxQueued { return false }
                    t.waiting.append(Waiter(id: id, continuation: c))
                    return nil
                }
                if let answer { c.resume(returning: answer) }
            }
        } onCancel: {
            giveUp(tenant, id)
        }
    }

    /// Removes a waiter that timed out or was cancelled and tells it no.
    private func giveUp(_ tenant: String, _ id: UInt64) {
        let c = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let i = s.tenants[tenant]?.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return s.tenants[tenant]!.waiting.remove(at: i).continuation
        }
        c?.resume(returning: false)
    }

    /// Returns a slot; the first waiter, if any, takes it over.
    public func release(_ tenant: String) {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard var t = s.tenants[tenant] else { return nil }
            defer { s.tenants[tenant] = (t.running == 0 && t.waiting.isEmpty) ? nil : t }
            if !t.waiting.isEmpty { return t.waiting.removeFirst().continuation }
            t.running -= 1
            return nil
        }
        next?.resume(returning: true)
    }

    /// Statements running for `tenant` now (tests).
    public func running(_ tenant: String) -> Int { state.withLock { $0.tenants[tenant]?.running ?? 0 } }
}

/// Counts open connections, in total and per tenant.
public final class ConnectionRegistry: Sendable {
    public let maxTotal: Int
    public let maxPerTenant: Int

    struct State {
        var total = 0
        var perTenant: [String: Int] = [:]
    }

    private let state = Locked(State())

    public init(maxTotal: Int, maxPerTenant: Int) {
        self.maxTotal = maxTotal
        self.maxPerTenant = maxPerTenant
    }

    /// Registers a new connection; false when the server is full.
    public func open() -> Bool {
        state.withLock { s in
            guard s.total < maxTotal else { return false }
            s.total += 1
            return true
        }
    }

    public func close() { state.withLock { $0.total -= 1 } }

    /// Binds a connection to a tenant at AUTH; false when the tenant has its maximum already.
    public func join(_ tenant: String) -> Bool {
        state.withLock { s in
            let n = s.perTenant[tenant, default: 0]
            guard n < maxPerTenant else { return false }
            s.perTenant[tenant] = n + 1
            return true
        }
    }

    public func leave(_ tenant: String) {
        state.withLock { s in
            let n = s.perTenant[tenant, default: 1] - 1
            s.perTenant[tenant] = n <= 0 ? nil : n
        }
    }

    /// Open connections.
    public var count: Int { state.withLock { $0.total } }
}
