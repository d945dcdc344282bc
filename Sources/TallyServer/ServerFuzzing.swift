import NIOCore
import TallyAnalytics
import TallyQuery
import TallyStorage

/// Entry point of the request fuzz target (`fuzz/`), also replayed over the committed corpus by the
/// test suite: the bytes a client sends on one connection, taken through everything the server does
/// with them short of running SQL and storing rows.
///
/// Framing (as LineFrameDecoder does it, with a small line limit so over-long lines occur), UTF-8
/// validation, request parsing (text and JSON forms), block WRITEs taking the lines after them,
/// line-protocol points checked against the contact-center tables and collected into column
/// vectors, named-query parameter binding, and SQL parsing. Every answer is rendered and must parse
/// back as one JSON object: a violation stops the process, which the fuzzer reports as a crash.
public enum ServerFuzzing {
    /// Line limit for fuzzing: small enough that the fuzzer makes over-long lines.
    static let maxLineBytes = 1024
    /// Points per WRITE, as the server's default.
    static let maxPointsPerWrite = ServerConfig().maxPointsPerWrite

    /// Feeds `data` through the request path as one connection's input.
    public static func requestStream(_ data: UnsafeRawBufferPointer) {
        var frames = frame(data)[...]
        while let f = frames.popFirst() {
            let request: Request
            switch RequestLoop.text(of: f, maxLineBytes: maxLineBytes) {
            case .failure(let e): answer(Answer.error(nil, e, elapsed: 0)); continue
            case .success(let t): request = RequestParser.parse(t)
            }
            let command: Command
            switch request.command {
            case .failure(let e): answer(Answer.error(request.id, e, elapsed: 0)); continue
            case .success(let c): command = c
            }
            switch command {
            case .writeBlock(let n, _):
                // The block's lines belong to it whatever it announced, as in RequestLoop.readBlock.
                let taken = frames.prefix(n)
                frames = frames.dropFirst(n)
                guard n <= maxPointsPerWrite else { continue }
                let lines = taken.map { f -> PointLine in
                    switch RequestLoop.text(of: f, maxLineBytes: maxLineBytes) {
                    case .success(let s): return .text(s)
                    case .failure(let e): return .unreadable(e.message)
                    }
                }
                answer(write(lines, id: request.id))
            case .write(let points, _):
                answer(write(points.map { .text($0) }, id: request.id))
            case .sql(let sql, _), .subscribe(_, .sql(let sql, _)):
                answer(parseSQL(sql, id: request.id))
            case .run(_, let params), .subscribe(_, .named(_, let params)):
                do throws(ProtocolError) {
                    let (sql, _) = try sampleQuery.bind(json: params)
                    answer(parseSQL(sql, id: request.id))
                } catch {
                    answer(Answer.error(request.id, error, elapsed: 0))
                }
            case .auth, .ping, .quit, .unsubscribe:
                answer(Answer.ok(request.id, "\"message\":" + JSONText.string(command.verb), elapsed: 0))
            }
        }
    }

    /// Lines as LineFrameDecoder yields them: without `\n` or a `\r` before it, over-long ones as
    /// `.tooLong`, a last line without a newline dropped (the peer closed mid-request).
    static func frame(_ data: UnsafeRawBufferPointer) -> [LineFrame] {
        var out: [LineFrame] = []
        var start = 0
        while let nl = data[start...].firstIndex(of: 0x0A) {
            var end = nl
            if end - start > maxLineBytes {
                out.append(.tooLong(end - start))
            } else {
                if end > start && data[end - 1] == 0x0D { end -= 1 }
                out.append(.line(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: data[start..<end]))))
            }
            start = nl + 1
        }
        return out
    }

    /// Validates points as Ingest.write does and builds the column vectors it would append.
    static func write(_ lines: [PointLine], id: RequestID?) -> String {
        var builders: [String: [ColumnBuilder]] = [:]
        var rejected: [RejectedPoint] = []
        var written = 0
        for (index, line) in lines.enumerated() {
            guard case .text(let text) = line else { rejected.append(RejectedPoint(index: index, reason: "unreadable")); continue }
            let point: Point
            do { point = try LineProtocol.parse(text) } catch {
                precondition(error.column >= 1 && error.column <= text.utf8.count + 1, "point error column \(error.column) outside the line")
                rejected.append(RejectedPoint(index: index, reason: "\(error.message) (column \(error.column))"))
                continue
            }
            let key = point.measurement.lowercased()
            guard Identifier.isValid(key), let schema = DataModel.schema(key) else {
                rejected.append(RejectedPoint(index: index, reason: "table \"\(point.measurement)\" does not exist"))
                continue
            }
            switch Ingest.row(point, schema: schema, now: 1_700_000_000_000_000) {
            case .failure(let why): rejected.append(RejectedPoint(index: index, reason: why.reason))
            case .success(let values):
                precondition(values.count == schema.columns.count, "a row of \(values.count) values for \(schema.columns.count) columns")
                var b = builders[key] ?? schema.columns.map { ColumnBuilder($0.type) }
                for (k, v) in values.enumerated() { b[k].append(v) }
                builders[key] = b
                written += 1
            }
        }
        for (_, b) in builders { _ = RowBatch(columns: b.map { $0.finish() }) }
        let listed = rejected.map { "{\"index\":\($0.index),\"reason\":" + JSONText.string($0.reason) + "}" }.joined(separator: ",")
        return Answer.ok(id, "\"rows_affected\":\(written),\"points\":[" + listed + "]", elapsed: 0)
    }

    /// Parses SQL as the engine does first; a syntax error is rendered as the server answers it.
    static func parseSQL(_ sql: String, id: RequestID?) -> String {
        do {
            let stmt = try Parser.parse(sql)
            return Answer.ok(id, "\"message\":" + JSONText.string(stmt.description), elapsed: 0)
        } catch {
            return Answer.error(id, ProtocolError(TallyError.from(error)), elapsed: 0)
        }
    }

    /// Every answer is one JSON object ending in a newline.
    static func answer(_ text: String) {
        precondition(text.hasSuffix("}\n"), "answer does not end in }\\n: \(text.prefix(200))")
        do {
            guard case .object = try JSONReader.parse(String(text.dropLast())) else { preconditionFailure("answer is not a JSON object: \(text.prefix(200))") }
        } catch {
            preconditionFailure("answer is not valid JSON (\(error.message), column \(error.column)): \(text.prefix(200))")
        }
    }

    /// A named query with a parameter of every kind, so RUN's JSON arguments reach each conversion.
    static let sampleQuery: NamedQuery = {
        let text = """
            -- param: sector VARCHAR = 'retail'
            -- param: since DATE = '2024-01-01'
            -- param: window INTERVAL = '7 days'
            -- param: top INTEGER = 10
            -- param: ratio DOUBLE = 0.5
            -- param: live BOOLEAN = true
            -- param: at TIMESTAMP
            SELECT sector, count(*) FROM queue_events
            WHERE sector = $sector AND ts >= $since - $window AND ts < $at AND $live AND $ratio > 0
            GROUP BY sector LIMIT $top
            """
        do throws(NamedQueryError) { return try NamedQuery.parse(text, path: "fuzz_sample.sql", defaultName: "fuzz_sample") } catch { preconditionFailure("sample query: \(error.message)") }
    }()
}
