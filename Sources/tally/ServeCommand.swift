import ArgumentParser
import Dispatch
import Foundation
import Logging
import TallyServer
import TallyStorage

/// `tally serve`: the line-protocol server for dashboards and ingest.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the line protocol (docs/PROTOCOL.md) over TCP; loopback only unless --listen says otherwise."
    )

    @Option(help: "The data directory.")
    var data: String

    @Option(help: "Address to listen on, host:port ([::1]:7878 for IPv6).")
    var listen = "127.0.0.1:7878"

    @Option(name: .customLong("jwt-secret-file"), help: "File holding the HS256 secret tokens are signed with (at least 32 bytes).")
    var jwtSecretFile: String?

    @Flag(name: .customLong("dev"), help: "Development mode: start without a secret file (a random one is written to DATA/dev-jwt-secret); loopback addresses only.")
    var development = false

    @Option(help: "Directory of named queries for RUN (<folder>/<name>.sql).")
    var queries: String?

    @Flag(name: .customLong("no-provision"), help: "Refuse tokens for tenants that do not exist instead of creating them with the data model.")
    var noProvision = false

    @Option(name: .customLong("max-line-bytes"), help: "Longest request line.")
    var maxLineBytes = ServerConfig().maxLineBytes

    @Option(name: .customLong("max-rows"), help: "Most rows per answer.")
    var maxRows = ServerConfig().maxRowsPerAnswer

    @Option(name: .customLong("max-answer-bytes"), help: "Largest answer (bounds a query's result memory).")
    var maxAnswerBytes = ServerConfig().maxAnswerBytes

    @Option(name: .customLong("max-query-memory"), help: "Most bytes one query may hold (sorts, joins, windows, groups, result).")
    var maxQueryMemory = ServerConfig().maxQueryMemory

    @Option(name: .customLong("query-timeout"), help: "Longest a statement may run, in seconds.")
    var queryTimeout = ServerConfig().queryTimeLimit

    @Option(name: .customLong("max-concurrent-queries"), help: "Statements one tenant may run at once.")
    var maxConcurrentQueries = ServerConfig().maxConcurrentQueriesPerTenant

    @Option(name: .customLong("max-queued-queries"), help: "Statements of one tenant that may wait for a slot before 'busy'.")
    var maxQueuedQueries = ServerConfig().maxQueuedQueriesPerTenant

    @Option(name: .customLong("queue-wait"), help: "Longest a statement waits for a slot before 'busy', in seconds.")
    var queueWait = ServerConfig().maxQueueWait

    @Option(name: .customLong("max-connections"), help: "Open connections in total.")
    var maxConnections = ServerConfig().maxConnections

    @Option(name: .customLong("max-connections-per-tenant"), help: "Open connections per tenant.")
    var maxConnectionsPerTenant = ServerConfig().maxConnectionsPerTenant

    @Option(name: .customLong("idle-timeout"), help: "Seconds without a request before a connection (without subscriptions) is closed.")
    var idleTimeout = ServerConfig().idleTimeout

    @Option(name: .customLong("max-points-per-write"), help: "Points one WRITE may carry.")
    var maxPointsPerWrite = ServerConfig().maxPointsPerWrite

    @Option(name: .customLong("cache-mb"), help: "Memory for cached answers in MiB (0 turns the cache off).")
    var cacheMB = ServerConfig().cacheBytes >> 20

    @Option(help: "Threads that run statements.")
    var workers = ServerConfig().workerThreads

    func makeConfig() throws -> ServerConfig {
        guard let (host, port) = ServerConfig.parseListen(listen) else {
            throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:7878 or [::1]:7878")
        }
        var c = ServerConfig()
        c.host = host
        c.port = port
        c.development = development
        c.queriesDirectory = queries
        c.provisionTenants = !noProvision
        c.maxLineBytes = maxLineBytes
        c.maxRowsPerAnswer = maxRows
        c.maxAnswerBytes = maxAnswerBytes
        c.maxQueryMemory = maxQueryMemory
        c.queryTimeLimit = queryTimeout
        c.maxConcurrentQueriesPerTenant = maxConcurrentQueries
        c.maxQueuedQueriesPerTenant = maxQueuedQueries
        c.maxQueueWait = queueWait
        c.maxConnections = maxConnections
        c.maxConnectionsPerTenant = maxConnectionsPerTenant
        c.idleTimeout = idleTimeout
        c.maxPointsPerWrite = maxPointsPerWrite
        c.cacheBytes = max(0, cacheMB) << 20
        c.workerThreads = workers
        if let p = c.problem() { throw ValidationError(p) }
        return c
    }

    /// The secret from the file, or in development mode a fresh random one saved for `tally token`.
    func secret() throws -> [UInt8] {
        if let jwtSecretFile {
            let secret: [UInt8]
            do { secret = try Authenticator.readSecret(path: jwtSecretFile) } catch let e as AuthFailure { throw ValidationError(e.message) }
            guard secret.count >= Authenticator.minimumSecretBytes else {
                throw ValidationError("the JWT secret in \(jwtSecretFile) has \(secret.count) bytes; at least \(Authenticator.minimumSecretBytes) are needed")
            }
            return secret
        }
        guard development else {
            throw ValidationError("refusing to start without --jwt-secret-file; for a loopback-only development server pass --dev")
        }
        var bytes: [UInt8] = []
        var rng = SystemRandomNumberGenerator()
        // Printable (hex) so the file can be read and passed around like any other secret file.
        for _ in 0..<32 { bytes.append(contentsOf: Array(String(format: "%02x", UInt8.random(in: 0...255, using: &rng)).utf8)) }
        let path = data + "/dev-jwt-secret"
        try FileIO.makeDirectories(data)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the development secret to \(path)")
        }
        FileHandle.standardError.write(Data("development mode: tokens are signed with \(path) (tally token --secret-file \(path) …)\n".utf8))
        return bytes
    }

    func run() throws {
        let config = try makeConfig()
        let secret = try secret()
        let catalog = try Catalog(root: data)
        catalog.startMaintenance()
        let logger = Logger(label: "tally.server")
        let server = try Blocking.run { try await LineServer.start(catalog: catalog, config: config, secret: secret, logger: logger) }
        print("tally serve: listening on \(config.host.contains(":") ? "[\(config.host)]" : config.host):\(server.port)")
        // The main thread waits for a signal (handled on a global queue) or for the server to
        // stop by itself, then shuts down fully (audit rows written) before the catalog is flushed.
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { stop.signal() }
            src.resume()
            sources.append(src)
        }
        Task {
            await server.waitUntilStopped()
            stop.signal()
        }
        stop.wait()
        _ = try Blocking.run { await server.shutdown() }
        catalog.stopMaintenance()
        try catalog.flushAll()
        withExtendedLifetime(sources) {}
        print("tally serve: stopped")
    }
}
