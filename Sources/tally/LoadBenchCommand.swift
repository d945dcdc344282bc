import ArgumentParser
import Foundation
import TallyBench
import TallyServer

/// `tally bench-load`: closed-loop load over the line protocol (dashboard query mix or durable WRITE ingest).
struct LoadBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-load",
        abstract: "Load a running `tally serve` with many connections (a dashboard query mix, or WRITE ingest) and report latency percentiles."
    )

    @Option(help: "Server address.")
    var host = "127.0.0.1"
    @Option(help: "Server port.")
    var port: Int = 7878
    @Option(name: .customLong("secret-file"), help: "The server's JWT secret file (tokens are issued from it).")
    var secretFile: String
    @Option(help: "Comma-separated tenants; connection i authenticates as tenant i mod count.")
    var tenants: String
    @Option(help: "Open connections.")
    var connections: Int = 1
    @Option(help: "JSON file: an array of SQL strings (or of {\"sql\": …} objects), the dashboard mix each connection cycles through.")
    var mix: String?
    @Option(name: .customLong("write-points"), help: "Instead of queries: WRITE blocks of this many agent_metrics points (role ingest).")
    var writePoints: Int?
    @Option(help: "Seconds of warm-up before measuring.")
    var warmup: Double = 1
    @Option(help: "Seconds measured.")
    var seconds: Double = 5
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard seconds > 0, warmup >= 0 else { throw ValidationError("--seconds must be positive and --warmup not negative") }
        guard (mix == nil) != (writePoints == nil) else { throw ValidationError("give exactly one of --mix FILE and --write-points N") }
        if let w = writePoints, w < 1 { throw ValidationError("--write-points must be at least 1") }
        guard !tenantList.isEmpty else { throw ValidationError("--tenants needs at least one tenant") }
    }

    var tenantList: [String] { tenants.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    /// The SQL strings of a mix file.
    static func readMix(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the mix file \(path)") }
        guard let items = try? JSONSerialization.jsonObject(with: data) as? [Any], !items.isEmpty else {
            throw ValidationError("\(path): expected a non-empty JSON array of SQL strings or {\"sql\": …} objects")
        }
        return try items.enumerated().map { i, item in
            if let s = item as? String { return s }
            if let o = item as? [String: Any], let s = o["sql"] as? String { return s }
            throw ValidationError("\(path): item \(i) is neither a string nor an object with \"sql\"")
        }.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
    }

    func run() throws {
        let secret: [UInt8]
        do { secret = try Authenticator.readSecret(path: secretFile) } catch let e as AuthFailure { throw ValidationError(e.message) }
        let tenants = tenantList, n = connections, role: Role = writePoints == nil ? .dashboard : .ingest
        let requests: [[LoadRequest]]
        if let w = writePoints {
            // Each connection writes its own call ids; 8 distinct blocks per connection, cycled.
            let start: Int64 = 1_767_225_600_000_000_000 // 2026-01-01
            requests = (0..<n).map { c in (0..<8).map { b in WritePoints.block(count: w, firstCall: (c * 8 + b) * w, startNs: start + Int64((c * 8 + b) * w) * 1_000_000_000) } }
        } else {
            let sql = try Self.readMix(mix!).map { LoadRequest(line: $0) }
            requests = Array(repeating: sql, count: n)
        }
        let (host, port, warmup, seconds) = (self.host, self.port, self.warmup, self.seconds)
        let report = try Blocking.run {
            let auth = try await Authenticator(secret: secret)
            var tokens: [String] = []
            for i in 0..<n { tokens.append(try await auth.issue(tenant: tenants[i % tenants.count], role: role, subject: "bench-load", ttl: 3600)) }
            return try await LoadClient.run(host: host, port: port, tokens: tokens, requests: requests, warmup: warmup, seconds: seconds)
        }
        let rate = Double(report.answers) / report.seconds
        if json {
            var o: [String: Any] = ["connections": n, "answers": report.answers, "errors": report.errors, "seconds": report.seconds,
                                    "answers_per_s": rate, "rows_per_s": Double(report.rows) / report.seconds,
                                    "p50_ms": report.ms(50), "p90_ms": report.ms(90), "p99_ms": report.ms(99), "p999_ms": report.ms(99.9),
                                    "max_ms": Double(report.latency.max) / 1000]
            if let e = report.firstError { o["first_error"] = e }
            let data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%d connections, %.1f s: %d answers (%.0f/s), %d errors; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                         n, report.seconds, report.answers, rate, report.errors, report.ms(50), report.ms(99), Double(report.latency.max) / 1000))
            if report.rows > 0 { print(String(format: "%.0f rows/s written", Double(report.rows) / report.seconds)) }
            if let e = report.firstError { print("first error: \(e)") }
        }
    }
}
