import Foundation
import Logging
import NIOCore
import Synchronization
import TallyQuery

/// State of a connection that the network side (idle timeout, close) needs to see.
final class ConnectionState: Sendable {
    /// The authenticated client, once AUTH succeeded.
    let client = Locked<ClientSession?>(nil)
    /// Subscription sessions, so a closing connection can cancel what they run.
    let twins = Locked<[Int: ClientSession]>([:])
    /// Live subscriptions: a connection with any is not idle even when the client sends nothing.
    let subscriptions = Atomic<Int>(0)

    /// Stops every statement this connection is running (it closed).
    func cancelAll() {
        client.withLock { $0 }?.cancel()
        for t in twins.withLock({ Array($0.values) }) { t.cancel() }
    }
}

/// An accepted connection: the channel wrapped for async use, and its shared state.
struct AcceptedConnection: Sendable {
    let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
    let state: ConnectionState
}

/// Closes connections that sent nothing for the idle timeout, unless they hold subscriptions
/// (a dashboard that only listens to pushes is not idle).
final class IdleCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let state: ConnectionState

    init(state: ConnectionState) { self.state = state }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let e = event as? IdleStateHandler.IdleStateEvent, e == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard state.subscriptions.load(ordering: .relaxed) == 0 else { return }
        let text = Answer.error(nil, ProtocolError(code: "idle_timeout", message: "no request for too long; closing the connection"))
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
        context.close(promise: nil)
    }
}

/// Serves one connection: reads request lines in order, answers each in order (pipelined
/// requests are answered one after the other), and runs the connection's subscriptions.
struct ConnectionHandler: Sendable {
    let engine: Engine
    let auth: Authenticator
    let registry: ConnectionRegistry
    let logger: Logger

    func serve(_ accepted: AcceptedConnection) async {
        let state = accepted.state
        accepted.channel.channel.closeFuture.whenComplete { _ in state.cancelAll() }
        guard registry.open() else {
            try? await accepted.channel.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: Answer.error(nil, ProtocolError(
                    code: "too_many_connections", message: "the server has its maximum of \(registry.maxTotal) connections; try again later"))))
            }
            return
        }
        defer { registry.close() }
        do {
            try await accepted.channel.executeThenClose { inbound, outbound in
                var loop = RequestLoop(handler: self, state: state, outbound: outbound, eventLoop: accepted.channel.channel.eventLoop)
                var frames = inbound.makeAsyncIterator()
                await loop.run(&frames)
                await loop.finish()
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// The request loop of one connection and the state it owns.
struct RequestLoop {
    let handler: ConnectionHandler
    let state: ConnectionState
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// The channel's event loop, where the connection's tasks run.
    let eventLoop: EventLoop
    var engine: Engine { handler.engine }
    var client: ClientSession? = nil
    var subscriptions: [Int: Task<Void, Never>] = [:]
    var nextSubscription = 1

    init(handler: ConnectionHandler, state: ConnectionState, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, eventLoop: EventLoop) {
        self.handler = handler
        self.state = state
        self.outbound = outbound
        self.eventLoop = eventLoop
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// The text of a frame, or the error answered for it.
    static func text(of frame: LineFrame, maxLineBytes: Int) -> Result<String, ProtocolError> {
        switch frame {
        case .tooLong(let n):
            return .failure(ProtocolError(code: "line_too_long", message: "request line longer than \(maxLineBytes) bytes (\(n)+ bytes seen); it was skipped",
                                          hint: "split large WRITEs into several requests"))
        case .line(let buf):
            let bytes = buf.readableBytesView
            if let s = String(validating: bytes, as: UTF8.self) { return .success(s) }
            return .failure(ProtocolError(code: "invalid_utf8", message: "the request is not valid UTF-8 (first bad byte at column \(RequestLoop.firstInvalidUTF8(bytes) + 1))",
                                          line: 1, column: RequestLoop.firstInvalidUTF8(bytes) + 1))
        }
    }

    /// Byte offset of the first invalid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: some Sequence<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var it = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let e): offset += e.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    mutating func run(_ frames: inout NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator) async {
        do {
            while let frame = try await frames.next() {
                let start = Engine.now()
                let request: Request
                let text: String
                switch RequestLoop.text(of: frame, maxLineBytes: engine.config.maxLineBytes) {
                case .failure(let e):
                    auditRefusal("<\(e.code)>", e, start: start)
                    try await send(Answer.error(nil, e, elapsed: Engine.now() - start))
                    continue
                case .success(let t):
                    text = t
                    request = RequestParser.parse(t)
                }
                let command: Command
                switch request.command {
                case .failure(let e):
                    if e.code != "empty_request" { auditRefusal(text, e, start: start) }
                    try await send(Answer.error(request.id, e, elapsed: Engine.now() - start))
                    continue
                case .success(let c): command = c
                }
                // A block WRITE's lines belong to it whatever happens next: read them first so a
                // refused WRITE never has its points taken for requests.
                var blockLines: [PointLine]? = nil
                var blockProblem: ProtocolError? = nil
                if case .writeBlock(let n, _) = command {
                    guard let (lines, problem) = try await readBlock(n, &frames, keep: mayWrite()) else { return }
                    blockLines = lines
                    blockProblem = problem
                }
                let answer = await handle(command, id: request.id, blockLines: blockLines, blockProblem: blockProblem, start: start)
                // SUBSCRIBE sends its own answer (before its first push) and returns "".
                if !answer.isEmpty { try await send(answer) }
                if case .quit = command { return }
            }
        } catch {
            handler.logger.debug("connection read or write failed", metadata: ["error": "\(error)"])
        }
    }

    /// Audits a line that never became a statement, for authenticated clients (before AUTH there
    /// is no tenant to write to; such lines only reach the server's log).
    func auditRefusal(_ text: String, _ e: ProtocolError, start: Double) {
        guard let client else { return }
        engine.record(client.identity, text, .failure(e), start: start)
    }

    /// Whether a WRITE could be stored (so its lines are worth keeping while they are read).
    func mayWrite() -> Bool {
        guard let c = client else { return false }
        let i = c.identity
        return i.role.canWrite && !i.isExpired()
    }

    /// Reads the `n` lines of a block WRITE. Lines are kept only while the WRITE can still succeed
    /// (authorised, within the point and byte limits); otherwise they are read and dropped, so
    /// memory stays bounded and the stream stays in step. Nil when the connection closed.
    func readBlock(_ n: Int, _ frames: inout NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator,
                   keep: Bool) async throws -> ([PointLine], ProtocolError?)? {
        let cfg = engine.config
        var lines: [PointLine] = []
        var problem: ProtocolError? = nil
        if n > cfg.maxPointsPerWrite {
            problem = ProtocolError(code: "too_many_points", message: "a WRITE may carry at most \(cfg.maxPointsPerWrite) points; this one announced \(n)",
                                    hint: "split the points over several WRITE requests")
        }
        var keeping = keep && problem == nil
        if keeping { lines.reserveCapacity(min(n, 100_000)) }
        var bytes = 0
        for _ in 0..<n {
            guard let frame = try await frames.next() else { return nil }
            guard keeping else { continue }
            switch RequestLoop.text(of: frame, maxLineBytes: cfg.maxLineBytes) {
            case .success(let s):
                bytes += s.utf8.count
                lines.append(.text(s))
            case .failure(let e): lines.append(.unreadable(e.message))
            }
            if bytes > cfg.maxWriteBytes {
                problem = ProtocolError(code: "write_too_large", message: "the points of one WRITE may total at most \(cfg.maxWriteBytes) bytes",
                                        hint: "split the points over several WRITE requests")
                keeping = false
                lines = []
            }
        }
        return (lines, problem)
    }

    /// Answers one request.
    mutating func handle(_ command: Command, id: RequestID?, blockLines: [PointLine]?, blockProblem: ProtocolError?, start: Double) async -> String {
        func fail(_ e: ProtocolError) -> String { Answer.error(id, e, elapsed: Engine.now() - start) }
        func ok(_ members: String) -> String { Answer.ok(id, members, elapsed: Engine.now() - start) }
        func reply(_ r: Result<StatementOutcome, ProtocolError>) -> String {
            switch r {
            case .success(let o): return ok(o.members)
            case .failure(let e): return fail(e)
            }
        }
        switch command {
        case .ping: return ok("\"message\":\"PONG\"")
        case .quit: return ok("\"message\":\"BYE\"")
        case .auth(let token): return await authenticate(token, ok: ok, fail: fail)
        default: break
        }
        guard let client else {
            return fail(ProtocolError(code: "unauthenticated", message: "send AUTH <token> first", hint: "only AUTH, PING and QUIT work before AUTH"))
        }
        let identity = client.identity
        if identity.isExpired() {
            return fail(ProtocolError(code: "token_expired", message: "the token has expired", hint: "send AUTH with a fresh token of the same tenant and role"))
        }
        switch command {
        case .sql(let sql, let params):
            return reply(await engine.runSQL(sql, parameters: params, client: client, auditText: sql))
        case .run(let name, let params):
            guard identity.role.canRead else { return fail(ProtocolError(code: "permission_denied", message: "the \(identity.role.rawValue) role may not read data")) }
            return reply(await engine.runNamed(name, params, client: client))
        case .write(let points, let partial):
            return reply(await engine.write(points.map { .text($0) }, partial: partial, client: client))
        case .writeBlock(_, let partial):
            if let blockProblem { return fail(blockProblem) }
            return reply(await engine.write(blockLines ?? [], partial: partial, client: client))
        case .subscribe(let period, let query):
            return await subscribe(period: period, query: query, client: client, id: id, start: start, fail: fail)
        case .unsubscribe(let n):
            guard let task = subscriptions.removeValue(forKey: n) else {
                return fail(ProtocolError(code: "unknown_subscription", message: "this connection has no subscription \(n)"))
            }
            // Waiting for the task guarantees no push for it follows this answer.
            task.cancel()
            await task.value
            _ = state.twins.withLock { $0.removeValue(forKey: n) }
            state.subscriptions.subtract(1, ordering: .relaxed)
            return ok("\"message\":\"UNSUBSCRIBE \(n)\"")
        case .ping, .quit, .auth:
            return fail(ProtocolError(code: "internal_error", message: "unhandled request"))
        }
    }

    mutating func authenticate(_ token: String, ok: (String) -> String, fail: (ProtocolError) -> String) async -> String {
        let identity: Identity
        do { identity = try await handler.auth.verify(token) } catch {
            handler.logger.info("AUTH refused", metadata: ["code": "\(error.code)"])
            return fail(ProtocolError(code: error.code, message: error.message))
        }
        let members = "\"message\":\"AUTH\",\"tenant\":" + JSONText.string(identity.tenant) + ",\"role\":" + JSONText.string(identity.role.rawValue)
            + ",\"expires_at\":" + JSONText.string(TallyClaims.iso(Date(timeIntervalSince1970: identity.expiresAt)))
        if let client {
            // A connection stays with one tenant and role; a fresh token only extends its life.
            let current = client.identity
            guard current.tenant == identity.tenant, current.role == identity.role else {
                return fail(ProtocolError(code: "reauth_mismatch", message: "this connection is bound to another tenant or role",
                                          hint: "open a new connection for another tenant or role"))
            }
            client.refresh(identity)
            return ok(members)
        }
        guard handler.registry.join(identity.tenant) else {
            return fail(ProtocolError(code: "too_many_connections", message: "the tenant has its maximum of \(handler.registry.maxPerTenant) connections"))
        }
        switch await engine.open(identity) {
        case .success(let c):
            client = c
            state.client.withLock { $0 = c }
        case .failure(let e):
            handler.registry.leave(identity.tenant)
            return fail(e)
        }
        return ok(members)
    }

    mutating func subscribe(period: Double, query: SubscriptionQuery, client: ClientSession, id: RequestID?, start: Double,
                            fail: (ProtocolError) -> String) async -> String {
        let identity = client.identity
        let cfg = engine.config
        let auditText: String
        switch query {
        case .sql(let sql, _): auditText = "SUBSCRIBE \(period)s " + sql
        case .named(let n, let p): auditText = "SUBSCRIBE \(period)s RUN " + n + (p.map { " " + $0.text } ?? "")
        }
        var refusal: ProtocolError? = nil
        if !identity.role.canSubscribe {
            refusal = ProtocolError(code: "permission_denied", message: "the \(identity.role.rawValue) role may not subscribe")
        } else if period < cfg.minSubscriptionPeriod || period > 86_400 {
            refusal = ProtocolError(code: "bad_request", message: "the period must be between \(cfg.minSubscriptionPeriod)s and 24h")
        } else if subscriptions.count >= cfg.maxSubscriptionsPerConnection {
            refusal = ProtocolError(code: "too_many_subscriptions", message: "a connection may hold \(cfg.maxSubscriptionsPerConnection) subscriptions")
        }
        if let refusal {
            engine.record(identity, auditText, .failure(refusal), start: start)
            return fail(refusal)
        }
        // A subscription to EXECUTE p(…) gets its own copy of p.
        var preparing: String? = nil
        if case .sql(let sql, _) = query, case .execute(let e)? = try? Parser.parse(sql) { preparing = e.name.value.lowercased() }
        let number = nextSubscription
        let twin = engine.twin(of: client, preparing: preparing)
        let outbound = self.outbound
        let runner = SubscriptionRunner(number: number, period: period, query: query, client: twin, parent: client, engine: engine) { text in
            try await outbound.write(ByteBuffer(string: text))
        }
        let first = await runner.runOnce()
        engine.record(identity, auditText, first, start: start)
        guard case .success(let outcome) = first else {
            if case .failure(let e) = first { return fail(e) }
            return fail(ProtocolError(code: "internal_error", message: "subscription failed"))
        }
        nextSubscription += 1
        state.twins.withLock { $0[number] = twin }
        state.subscriptions.add(1, ordering: .relaxed)
        // The first answer goes out before the runner starts, so pushes always follow it.
        let answer = Answer.ok(id, outcome.members, elapsed: Engine.now() - start, subscription: (number, 1))
        do { try await send(answer) } catch { return "" }
        // Unstructured tasks do not inherit the executor preference: pass the connection's on.
        subscriptions[number] = Task(executorPreference: EventLoopExecutor(eventLoop)) { await runner.run(first: outcome) }
        return ""
    }

    /// Ends the connection's subscriptions and leaves its tenant.
    mutating func finish() async {
        for (_, t) in subscriptions { t.cancel() }
        for (_, t) in subscriptions { await t.value }
        subscriptions.removeAll()
        state.subscriptions.store(0, ordering: .relaxed)
        state.cancelAll()
        if let client { handler.registry.leave(client.identity.tenant) }
    }
}
