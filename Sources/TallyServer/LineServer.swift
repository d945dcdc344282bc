import Logging
import NIOCore
import NIOPosix
import Synchronization
import TallyStorage

/// The line-protocol server: binds, accepts connections and serves each on its own task until
/// `shutdown`. Statements run on a worker pool; the event loops only move bytes.
public final class LineServer: Sendable {
    public let engine: Engine
    /// The port actually bound (useful with port 0).
    public let port: Int
    public let host: String
    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    private let serverChannel: Channel
    private let acceptTask: Locked<Task<Void, Never>?>
    private let children: ChildChannels
    private let stopped = Atomic<Bool>(false)
    private let logger: Logger
    private let registry: ConnectionRegistry

    private init(engine: Engine, port: Int, host: String, group: MultiThreadedEventLoopGroup, pool: NIOThreadPool,
                 serverChannel: Channel, children: ChildChannels, logger: Logger, registry: ConnectionRegistry) {
        self.engine = engine
        self.port = port
        self.host = host
        self.group = group
        self.pool = pool
        self.serverChannel = serverChannel
        self.acceptTask = Locked(nil)
        self.children = children
        self.logger = logger
        self.registry = registry
    }

    /// Open connections.
    public var connectionCount: Int { registry.count }

    /// Starts a server on `config.host:config.port` over `catalog`, verifying tokens with `secret`.
    public static func start(catalog: Catalog, config: ServerConfig, secret: [UInt8],
                             logger: Logger = Logger(label: "tally.server")) async throws -> LineServer {
        if let problem = config.problem() { throw ServerError(problem) }
        let auth = try await Authenticator(secret: secret)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(System.coreCount, 4)))
        let pool = NIOThreadPool(numberOfThreads: config.workerThreads)
        pool.start()
        let engine = Engine(catalog: catalog, config: config, pool: pool, logger: logger)
        engine.audit.start()
        let registry = ConnectionRegistry(maxTotal: config.maxConnections, maxPerTenant: config.maxConnectionsPerTenant)
        let children = ChildChannels()
        let maxLine = config.maxLineBytes
        let idle = TimeAmount.nanoseconds(Int64(config.idleTimeout * 1e9))
        let server: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                // A client may close its sending side after its last request and still read the answers.
                .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .bind(host: config.host, port: config.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let state = ConnectionState()
                        let ops = channel.pipeline.syncOperations
                        try ops.addHandler(IdleStateHandler(readTimeout: idle))
                        try ops.addHandler(IdleCloser(state: state))
                        try ops.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: maxLine)))
                        children.add(channel)
                        // Inbound back-pressure: at most 16 framed requests wait unread before NIO
                        // stops reading the socket, so a fast sender is slowed down by TCP.
                        let wrapped = try NIOAsyncChannel<LineFrame, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16)))
                        return AcceptedConnection(channel: wrapped, state: state)
                    }
                }
        } catch {
            await engine.closeAudit()
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw ServerError("cannot listen on \(config.host):\(config.port): \(error)")
        }
        let port = server.channel.localAddress?.port ?? config.port
        let s = LineServer(engine: engine, port: port, host: config.host, group: group, pool: pool, serverChannel: server.channel,
                           children: children, logger: logger, registry: registry)
        let handler = ConnectionHandler(engine: engine, auth: auth, registry: registry, logger: logger)
        let task = Task {
            await withDiscardingTaskGroup { tasks in
                do {
                    try await server.executeThenClose { inbound in
                        for try await accepted in inbound {
                            let executor = EventLoopExecutor(accepted.channel.channel.eventLoop)
                            tasks.addTask(executorPreference: executor) { await handler.serve(accepted) }
                        }
                    }
                } catch {
                    logger.debug("accept loop ended", metadata: ["error": "\(error)"])
                }
            }
        }
        s.acceptTask.withLock { $0 = task }
        logger.info("listening", metadata: ["address": "\(config.host):\(port)"])
        return s
    }

    /// Waits until the server has stopped (after `shutdown`, or if the listening socket fails).
    public func waitUntilStopped() async {
        let task = acceptTask.withLock { $0 }
        await task?.value
    }

    /// Stops accepting, closes every connection, writes the queued audit rows and frees the threads.
    public func shutdown() async {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else {
            await waitUntilStopped()
            return
        }
        try? await serverChannel.close()
        for c in children.all { try? await c.close() }
        await waitUntilStopped()
        await engine.closeAudit()
        try? await pool.shutdownGracefully()
        try? await group.shutdownGracefully()
        logger.info("stopped")
    }
}

/// A server start-up failure, with a message for the operator.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// The open connections' channels, so shutdown can close them.
final class ChildChannels: Sendable {
    private let channels = Locked<[ObjectIdentifier: Channel]>([:])

    func add(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = channels.withLock { $0.removeValue(forKey: key) } }
    }

    var all: [Channel] { channels.withLock { Array($0.values) } }
}
