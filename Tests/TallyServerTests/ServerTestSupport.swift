import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TallyQuery
import TallyStorage
@testable import TallyServer

/// Lines received by a test client, taken with a timeout so no test can hang.
final class Mailbox: Sendable {
    struct State {
        var items: [String] = []
        var closed = false
        var waiter: (id: Int, continuation: CheckedContinuation<String?, Never>)? = nil
        var nextID = 0
        /// When each line arrived (on the client's network thread), in arrival order.
        var arrivals: [Date] = []
        var taken = 0
    }

    private let state = Locked(State())

    func put(_ s: String) {
        let w = state.withLock { st -> CheckedContinuation<String?, Never>? in
            st.arrivals.append(Date())
            if let w = st.waiter {
                st.waiter = nil
                return w.continuation
            }
            st.items.append(s)
            return nil
        }
        w?.resume(returning: s)
    }

    func close() {
        let w = state.withLock { st -> CheckedContinuation<String?, Never>? in
            st.closed = true
            defer { st.waiter = nil }
            return st.waiter?.continuation
        }
        w?.resume(returning: nil)
    }

    var isClosed: Bool { state.withLock { $0.closed && $0.items.isEmpty } }

    /// When the line most recently taken arrived: a clock that test-side scheduling delays do not skew.
    var lastArrival: Date { state.withLock { $0.arrivals[max(0, $0.taken - 1)] } }

    private func noteTaken(_ line: String?) -> String? {
        if line != nil { state.withLock { $0.taken += 1 } }
        return line
    }

    /// The next line, or nil when the connection closed or nothing came within `timeout` seconds.
    func take(timeout: Double) async -> String? {
        noteTaken(await take0(timeout: timeout))
    }

    private func take0(timeout: Double) async -> String? {
        let id = state.withLock { st -> Int in st.nextID += 1; return st.nextID }
        let timer = Task { [self] in
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            let w = state.withLock { st -> CheckedContinuation<String?, Never>? in
                guard let w = st.waiter, w.id == id else { return nil }
                st.waiter = nil
                return w.continuation
            }
            w?.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
            let now = state.withLock { st -> String?? in
                if !st.items.isEmpty { return .some(st.items.removeFirst()) }
                if st.closed { return .some(nil) }
                st.waiter = (id, c)
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }
}

/// Collects the server's answer lines into a mailbox.
final class LineCollector: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    let mailbox: Mailbox
    init(_ m: Mailbox) { mailbox = m }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .line(let b) = unwrapInboundIn(data) { mailbox.put(String(decoding: b.readableBytesView, as: UTF8.self)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        mailbox.close()
        context.fireChannelInactive()
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    var description: String
}

/// A TCP client speaking the line protocol, as a dashboard does.
final class LineClient: Sendable {
    let channel: Channel
    let mailbox: Mailbox

    static func connect(port: Int) async throws -> LineClient {
        let mailbox = Mailbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: 1 << 28)))
                    try ch.pipeline.syncOperations.addHandler(LineCollector(mailbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return LineClient(channel: channel, mailbox: mailbox)
    }

    private init(channel: Channel, mailbox: Mailbox) {
        self.channel = channel
        self.mailbox = mailbox
    }

    /// Sends raw bytes as they are.
    func sendRaw(_ bytes: [UInt8]) async throws {
        var buf = channel.allocator.buffer(capacity: bytes.count)
        buf.writeBytes(bytes)
        try await channel.writeAndFlush(buf).get()
    }

    /// Sends one request line.
    func send(_ line: String) async throws { try await sendRaw(Array((line + "\n").utf8)) }

    /// The next answer line, parsed.
    func receive(timeout: Double = 15) async throws -> JSONValue {
        guard let line = await mailbox.take(timeout: timeout) else {
            throw TestTimeout(description: mailbox.isClosed ? "the server closed the connection" : "no answer within \(timeout) s")
        }
        return try JSONReader.parse(line)
    }

    /// The next answer line as text.
    func receiveLine(timeout: Double = 15) async throws -> String {
        guard let line = await mailbox.take(timeout: timeout) else { throw TestTimeout(description: "no answer within \(timeout) s") }
        return line
    }

    /// Sends a line and returns its answer, passing over subscription pushes that arrive first
    /// (pushes have a subscription number and no id; a SUBSCRIBE answer may have both).
    func request(_ line: String, timeout: Double = 15) async throws -> JSONValue {
        try await send(line)
        while true {
            let r = try await receive(timeout: timeout)
            if r["subscription"] != nil && r["id"] == nil && r["seq"] != .int(1) { continue }
            return r
        }
    }

    /// True once the server closed the connection (waits up to `timeout`).
    func closedByServer(timeout: Double) async -> Bool {
        while let _ = await mailbox.take(timeout: timeout) {}
        return mailbox.isClosed
    }

    func close() async { try? await channel.close() }
}

/// Runs blocking work (file writes with fsync) on a dispatch queue, so tests running in
/// parallel do not hold the concurrency pool's few threads, which the servers' connections need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}

/// A real server on a free loopback port over a fresh data directory.
final class TestServer: Sendable {
    static let secret = Array("test-secret-of-at-least-thirty-two-bytes!!".utf8)
    let dir: String
    let catalog: Catalog
    let server: LineServer
    let auth: Authenticator

    private init(dir: String, catalog: Catalog, server: LineServer, auth: Authenticator) {
        self.dir = dir
        self.catalog = catalog
        self.server = server
        self.auth = auth
    }

    /// Starts a server; `setup` prepares the data before it listens.
    static func start(_ configure: (inout ServerConfig) -> Void = { _ in },
                      setup: @escaping @Sendable (Catalog) throws -> Void = { _ in }) async throws -> TestServer {
        let dir = NSTemporaryDirectory() + "tally-server-\(UUID().uuidString)"
        let catalog = try await offPool {
            let c = try Catalog(root: dir)
            try setup(c)
            return c
        }
        var config = ServerConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.workerThreads = 4
        configure(&config)
        let server = try await LineServer.start(catalog: catalog, config: config, secret: secret)
        return TestServer(dir: dir, catalog: catalog, server: server, auth: try await Authenticator(secret: secret))
    }

    var port: Int { server.port }

    func token(_ tenant: String, _ role: Role, ttl: Double = 3600, subject: String? = "tester") async throws -> String {
        try await auth.issue(tenant: tenant, role: role, subject: subject, ttl: ttl)
    }

    /// A connected client, authenticated when `tenant` is given.
    func client(_ tenant: String? = nil, _ role: Role = .analyst) async throws -> LineClient {
        let c = try await LineClient.connect(port: port)
        if let tenant {
            let a = try await c.request("AUTH " + (try await token(tenant, role)))
            #expect(a["ok"] == .bool(true), "AUTH failed: \(a.text)")
        }
        return c
    }

    func stop() async {
        await server.shutdown()
        let dir = self.dir
        _ = try? await offPool { try FileIO.removeTree(dir) }
    }

    /// Writes the queued audit rows now.
    func flushAudit() async throws {
        let audit = server.engine.audit
        try await offPool { audit.flush() }
    }

    /// Runs SQL directly in a tenant (test setup).
    static func sql(_ catalog: Catalog, _ tenant: String, _ script: String) throws {
        if !catalog.hasTenant(tenant) { try catalog.createTenant(tenant) }
        _ = try Session(catalog: catalog, scope: .tenant(tenant)).executeScript(script)
    }
}

extension JSONValue {
    /// Rows of an answer as arrays of JSON values.
    var rows: [[JSONValue]] {
        guard case .array(let rs)? = self["rows"] else { return [] }
        return rs.map { if case .array(let r) = $0 { return r } else { return [] } }
    }

    var errorCode: String? {
        if case .string(let s)? = self["error"]?["code"] { return s }
        return nil
    }

    var errorMessage: String {
        if case .string(let s)? = self["error"]?["message"] { return s }
        return ""
    }

    var isOK: Bool { self["ok"] == .bool(true) }
}

/// The calls table most tests use.
let callsSchema = """
    CREATE TABLE calls (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER, talk DOUBLE)
      WITH (time_column = at);
    """
