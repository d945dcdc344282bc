/// Settings of `tally serve`, with safe defaults for a dashboard server.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 7878
    /// Longest request line in bytes.
    public var maxLineBytes = 1 << 20
    /// Most rows one answer may carry.
    public var maxRowsPerAnswer = 100_000
    /// Longest a query may run, in seconds.
    public var queryTimeLimit = 30.0
    /// Concurrent queries per tenant; more wait or get a "busy" error.
    public var maxConcurrentQueriesPerTenant = 8
    /// Open connections in total.
    public var maxConnections = 1024
    /// Seconds without a request before a connection is closed.
    public var idleTimeout = 300.0

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
}
