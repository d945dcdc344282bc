import Histogram
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TallyServer

/// What one load run measured: latencies in microseconds, answers, errors and the time they took.
public struct LoadReport: Sendable {
    /// Round-trip latency of every answer received after the warm-up, in microseconds.
    public var latency: Histogram<UInt64>
    /// Answers with `"ok":true` received after the warm-up.
    public var answers: Int
    /// Answers with `"ok":false` (after the warm-up); `firstError` holds one of them.
    public var errors: Int
    public var firstError: String?
    /// Rows carried by the measured requests (WRITE blocks); 0 for queries.
    public var rows: Int
    /// Seconds of measurement (after the warm-up).
    public var seconds: Double

    /// A report with nothing recorded yet.
    public init() {
        latency = Histogram(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        answers = 0
        errors = 0
        firstError = nil
        rows = 0
        seconds = 0
    }

    mutating func merge(_ other: LoadReport) {
        latency.add(other.latency)
        answers += other.answers
        errors += other.errors
        if firstError == nil { firstError = other.firstError }
        rows += other.rows
    }

    /// Latency at a percentile, in milliseconds.
    public func ms(_ percentile: Double) -> Double { Double(latency.valueAtPercentile(percentile)) / 1000 }
}

/// One request a load connection sends: the line (without `\n`) and how many rows it writes.
public struct LoadRequest: Sendable {
    public var line: String
    public var rows: Int

    /// A request line; `rows` counts the points of a WRITE block (0 for a query).
    public init(line: String, rows: Int = 0) {
        self.line = line
        self.rows = rows
    }
}

/// Drives a Tally server over the line protocol with closed-loop connections: each connection
/// authenticates, then sends one request, waits for its answer, records the round trip and sends
/// the next, until the run ends. Requests cycle through the connection's list, each connection
/// starting at its own offset so the mix is spread evenly at any moment.
public enum LoadClient {
    /// Opens `tokens.count` connections (connection i authenticates with `tokens[i]` and sends
    /// `requests[i]` in turn), measures for `seconds` after `warmup` seconds, and merges what each saw.
    public static func run(host: String, port: Int, tokens: [String], requests: [[LoadRequest]],
                           warmup: Double, seconds: Double) async throws -> LoadReport {
        precondition(tokens.count == requests.count && !tokens.isEmpty && requests.allSatisfy { !$0.isEmpty })
        let group = MultiThreadedEventLoopGroup.singleton
        let start = NIODeadline.now()
        let measureFrom = start + .nanoseconds(Int64(warmup * 1e9))
        let stopAt = measureFrom + .nanoseconds(Int64(seconds * 1e9))
        var done: [EventLoopFuture<LoadReport>] = []
        var channels: [Channel] = []
        for i in tokens.indices {
            let promise = group.next().makePromise(of: LoadReport.self)
            let authLine = "AUTH " + tokens[i], list = requests[i]
            let offset = i % list.count
            let channel = try await ClientBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: 1 << 28)))
                        try ch.pipeline.syncOperations.addHandler(
                            LoadConnection(auth: authLine, requests: list, offset: offset, measureFrom: measureFrom, stopAt: stopAt, done: promise))
                    }
                }
                .connect(host: host, port: port).get()
            channels.append(channel)
            done.append(promise.futureResult)
        }
        var report = LoadReport()
        var failure: Error?
        for f in done {
            do { report.merge(try await f.get()) } catch { failure = failure ?? error }
        }
        for c in channels { try? await c.close() }
        if let failure { throw failure }
        report.seconds = seconds
        return report
    }
}

/// Why a load connection stopped before its run ended.
public struct LoadFailure: Error, CustomStringConvertible {
    public var description: String
}

/// One closed-loop connection; all its state lives on its channel's event loop.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    private let auth: String
    private let requests: [LoadRequest]
    private var next: Int
    private let measureFrom: NIODeadline
    private let stopAt: NIODeadline
    private let done: EventLoopPromise<LoadReport>
    private var report = LoadReport()
    private var sentAt = NIODeadline.now()
    private var inFlightRows = 0
    private var authenticated = false
    private var finished = false

    init(auth: String, requests: [LoadRequest], offset: Int, measureFrom: NIODeadline, stopAt: NIODeadline, done: EventLoopPromise<LoadReport>) {
        self.auth = auth
        self.requests = requests
        self.next = offset
        self.measureFrom = measureFrom
        self.stopAt = stopAt
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        send(auth, rows: 0, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        let now = NIODeadline.now()
        guard case .line(let buffer) = unwrapInboundIn(data) else {
            finish(context: context, failure: LoadFailure(description: "an answer line was longer than 256 MiB"))
            return
        }
        // Answers start with {"ok":true or, when the request carried an id, {"id":…,"ok":…;
        // requests here carry no id, so the prefix tells success without parsing the JSON.
        let ok = buffer.readableBytesView.starts(with: #"{"ok":true"#.utf8)
        if !authenticated {
            guard ok else {
                finish(context: context, failure: LoadFailure(description: "AUTH refused: " + String(buffer: buffer)))
                return
            }
            authenticated = true
        } else if sentAt >= measureFrom {
            if ok {
                _ = report.latency.record(UInt64(max(0, (now - sentAt).nanoseconds / 1000)))
                report.answers += 1
                report.rows += inFlightRows
            } else {
                report.errors += 1
                if report.firstError == nil { report.firstError = String(String(buffer: buffer).prefix(300)) }
            }
        }
        if now >= stopAt {
            finish(context: context, failure: nil)
            return
        }
        let r = requests[next]
        next = next + 1 == requests.count ? 0 : next + 1
        send(r.line, rows: r.rows, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context, failure: LoadFailure(description: "the server closed a connection before the run ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(context: context, failure: error)
        context.close(promise: nil)
    }

    private func send(_ line: String, rows: Int, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        inFlightRows = rows
        sentAt = NIODeadline.now()
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func finish(context: ChannelHandlerContext, failure: Error?) {
        guard !finished else { return }
        finished = true
        if let failure { done.fail(failure) } else { done.succeed(report) }
    }
}
