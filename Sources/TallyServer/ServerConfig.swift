/// Settings of `tally serve`, with safe defaults for a dashboard server.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); the bound port is reported by the server.
    public var port = 7878
    /// Longest request line in bytes.
    public var maxLineBytes = 1 << 20
    /// Most rows one answer may carry.
    public var maxRowsPerAnswer = 100_000
    /// Largest answer in bytes: the memory a query's answer may hold. The engine does not meter its
    /// operators' working memory, so rows per answer and this cap are what bound a query's memory.
    public var maxAnswerBytes = 64 << 20
    /// Most bytes one query may hold in sorts, join builds, windows, group tables and its result.
    public var maxQueryMemory = 1 << 30
    /// Longest a query may run, in seconds.
    public var queryTimeLimit = 30.0
    /// Concurrent queries per tenant; more wait or get a "busy" error.
    public var maxConcurrentQueriesPerTenant = 8
    /// Statements of one tenant that may wait for a slot; more get "busy" at once.
    public var maxQueuedQueriesPerTenant = 256
    /// Longest a statement waits for a slot before it gets "busy", in seconds.
    public var maxQueueWait = 5.0
    /// Open connections in total.
    public var maxConnections = 1024
    /// Open connections per tenant (counted from AUTH).
    public var maxConnectionsPerTenant = 256
    /// Seconds without a request before a connection is closed (connections with subscriptions stay).
    public var idleTimeout = 300.0
    /// Points one WRITE may carry.
    public var maxPointsPerWrite = 100_000
    /// Bytes of point text one WRITE may carry (the block form collects its lines before storing them).
    public var maxWriteBytes = 64 << 20
    /// Subscriptions one connection may hold.
    public var maxSubscriptionsPerConnection = 32
    /// Shortest subscription period, in seconds (also the shortest gap between change-triggered pushes).
    public var minSubscriptionPeriod = 0.1
    /// Memory for cached answers, in bytes (0 disables the cache).
    public var cacheBytes = 64 << 20
    /// Largest single cached answer, in bytes.
    public var maxCachedAnswerBytes = 4 << 20
    /// Threads that run statements (kept off the network event loop).
    public var workerThreads = 4
    /// The queries library for RUN (nil: RUN is unavailable).
    public var queriesDirectory: String? = nil
    /// Creates a tenant named by a valid token on its first AUTH (with the data model's tables).
    public var provisionTenants = true
    /// Development mode: no JWT secret needed, loopback only.
    public var development = false

    public init() {}

    /// Parses `host:port` (IPv6 as `[::1]:7878`); nil when malformed.
    public static func parseListen(_ s: String) -> (host: String, port: Int)? {
        var host: Substring
        var portText: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":") else { return nil }
            host = s[s.index(after: s.startIndex)..<close]
            portText = s[s.index(close, offsetBy: 2)...]
        } else {
            guard let colon = s.lastIndex(of: ":") else { return nil }
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// Whether a host is a loopback address (the only kind a development server may bind).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Why these settings cannot be used, or nil.
    public func problem() -> String? {
        if development && !ServerConfig.isLoopback(host) {
            return "development mode only binds a loopback address (127.0.0.1, ::1, localhost), not \(host)"
        }
        let positive: [(String, Double)] = [
            ("max line bytes", Double(maxLineBytes)), ("rows per answer", Double(maxRowsPerAnswer)),
            ("answer bytes", Double(maxAnswerBytes)), ("query memory", Double(maxQueryMemory)), ("query time limit", queryTimeLimit),
            ("concurrent queries per tenant", Double(maxConcurrentQueriesPerTenant)), ("connections", Double(maxConnections)),
            ("connections per tenant", Double(maxConnectionsPerTenant)), ("idle timeout", idleTimeout),
            ("points per write", Double(maxPointsPerWrite)), ("worker threads", Double(workerThreads)),
            ("minimum subscription period", minSubscriptionPeriod),
        ]
        for (name, v) in positive where !(v > 0) { return "\(name) must be positive" }
        if maxLineBytes < 1024 { return "max line bytes must be at least 1024" }
        return nil
    }
}
