import Foundation
import Synchronization
import TallyQuery

/// Tells subscriptions that tables they read have changed.
///
/// Every write the server performs (INSERT, WRITE, the audit log's batches) calls `notify` with
/// the tenant and tables written; subscriptions reading one of them re-run at once. Writes that do
/// not go through this server process (none, when the server owns its data directory) are seen at
/// the next period.
public final class SubscriptionHub: Sendable {
    struct Entry {
        var scope: SessionScope
        /// Tables the subscription's last run read; empty until its first run (then it wakes on any change in scope).
        var tables: Set<String>
        var wake: @Sendable () -> Void
    }

    private let entries = Locked<[UInt64: Entry]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// Registers a wake-up callback; returns the registration id.
    func register(scope: SessionScope, wake: @escaping @Sendable () -> Void) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        entries.withLock { $0[id] = Entry(scope: scope, tables: [], wake: wake) }
        return id
    }

    func update(_ id: UInt64, tables: [String]) {
        entries.withLock { $0[id]?.tables = Set(tables) }
    }

    func remove(_ id: UInt64) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// Wakes the subscriptions of `tenant` (and admin subscriptions) that read any of `tables`.
    public func notify(tenant: String, tables: [String]) {
        guard !tables.isEmpty else { return }
        let changed = Set(tables)
        let wakes = entries.withLock { e in
            e.values.filter { entry in
                let inScope: Bool
                switch entry.scope {
                case .tenant(let t): inScope = t == tenant
                case .allTenants: inScope = true
                }
                return inScope && (entry.tables.isEmpty || !entry.tables.isDisjoint(with: changed))
            }.map(\.wake)
        }
        for w in wakes { w() }
    }

    /// Registered subscriptions (tests).
    public var count: Int { entries.withLock { $0.count } }
}

/// One running subscription of a connection: re-runs its query every period and whenever the
/// tables it read change, and pushes the answer.
///
/// Push policy: an answer is pushed when it differs from the last one pushed, and at least once
/// per period even when unchanged (a fresh answer every period; unchanged re-runs are served from
/// the result cache, so they cost a version check). Change-triggered re-runs are spaced by at
/// least the server's minimum period, so a storm of writes cannot turn into a storm of queries.
final class SubscriptionRunner: Sendable {
    let number: Int
    let period: Double
    let query: SubscriptionQuery
    /// The subscription's own sessions (see ClientSession.twin) and the connection's, for identity refreshes.
    let client: ClientSession
    let parent: ClientSession
    let engine: Engine
    let send: @Sendable (String) async throws -> Void
    private let stream: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(number: Int, period: Double, query: SubscriptionQuery, client: ClientSession, parent: ClientSession, engine: Engine,
         send: @escaping @Sendable (String) async throws -> Void) {
        self.number = number
        self.period = period
        self.query = query
        self.client = client
        self.parent = parent
        self.engine = engine
        self.send = send
        // Newest-one buffering coalesces any number of wake-ups that arrive during a run into one re-run.
        (stream, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs the query once (the SUBSCRIBE answer itself, or a refresh).
    func runOnce() async -> Result<StatementOutcome, ProtocolError> {
        switch query {
        case .sql(let sql, let params):
            return await engine.runSQL(sql, parameters: params, client: client, readOnly: true, auditText: nil)
        case .named(let name, let params):
            switch await engine.resolveNamed(name, params) {
            case .failure(let e): return .failure(e)
            case .success(let (sql, values)):
                return await engine.runSQL(sql, parameters: values, client: client, readOnly: true, auditText: nil)
            }
        }
    }

    /// The loop after the first answer (`first` is its row part); returns when cancelled or when
    /// the client can no longer be written to.
    func run(first: StatementOutcome) async {
        let scope = client.adminSession?.scope ?? client.tenantSession.scope
        let registration = engine.hub.register(scope: scope) { [wake] in wake.yield() }
        engine.hub.update(registration, tables: first.tablesRead)
        defer { engine.hub.remove(registration) }
        // The ticker wakes the loop when the next periodic push is due: one period after the
        // last push, whatever caused that push, so a change-triggered push restarts the period.
        let clock = PushClock(due: Engine.now() + period)
        let ticker = Task { [wake, period] in
            while !Task.isCancelled {
                let wait = clock.due - Engine.now()
                if wait > 0 {
                    try? await Task.sleep(nanoseconds: UInt64(wait * 1e9) + 1)
                    continue
                }
                clock.due = Engine.now() + period
                wake.yield()
            }
        }
        defer {
            ticker.cancel()
            wake.finish()
        }
        var seq = 1
        var lastBody = first.body
        var lastError: String? = nil
        var lastPush = Engine.now()
        var lastRun = Engine.now()
        let minGap = min(period, engine.config.minSubscriptionPeriod)
        for await _ in stream {
            if Task.isCancelled { return }
            let gap = lastRun + minGap - Engine.now()
            if gap > 0 { try? await Task.sleep(nanoseconds: UInt64(gap * 1e9)) }
            if Task.isCancelled { return }
            let identity = parent.identity
            if identity.isExpired(now: Date.now.timeIntervalSince1970) {
                seq += 1
                let e = ProtocolError(code: "token_expired", message: "the token expired; the subscription has ended", hint: "AUTH with a fresh token and SUBSCRIBE again")
                try? await send(Answer.error(nil, e, subscription: (number, seq)))
                return
            }
            client.refresh(identity)
            let started = Engine.now()
            let result = await runOnce()
            lastRun = Engine.now()
            if Task.isCancelled { return }
            let due = lastRun - lastPush >= period * 0.9
            do {
                switch result {
                case .success(let o):
                    engine.hub.update(registration, tables: o.tablesRead)
                    guard o.body != lastBody || due || lastError != nil else { continue }
                    seq += 1
                    try await send(Answer.ok(nil, o.members, elapsed: lastRun - started, subscription: (number, seq)))
                    lastBody = o.body
                    lastError = nil
                    lastPush = lastRun
                    clock.due = lastPush + period
                case .failure(let e):
                    // A busy tenant skips this refresh; the next period tries again.
                    if e.code == "busy" && !due { continue }
                    guard e.code != lastError || due else { continue }
                    seq += 1
                    try await send(Answer.error(nil, e, elapsed: lastRun - started, subscription: (number, seq)))
                    lastError = e.code
                    lastPush = lastRun
                    clock.due = lastPush + period
                }
            } catch {
                return
            }
        }
    }
}


/// When a subscription's next periodic push is due (seconds on the monotonic clock), shared by
/// its loop and its ticker.
final class PushClock: Sendable {
    private let bits: Atomic<UInt64>

    init(due: Double) { bits = Atomic(due.bitPattern) }

    var due: Double {
        get { Double(bitPattern: bits.load(ordering: .acquiring)) }
        set { bits.store(newValue.bitPattern, ordering: .releasing) }
    }
}
