import Foundation
import Synchronization
import Testing
import TallyStorage
@testable import TallyServer

/// A deterministic byte generator for noise.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Another client that keeps asking while a test throws garbage at the server; it records the
/// slowest answer and any failure.
final class Watcher: Sendable {
    let slowest = Locked<Double>(0)
    let failures = Locked<[String]>([])
    let answers = Atomic<Int>(0)
    private let task = Locked<Task<Void, Never>?>(nil)

    func start(_ s: TestServer) async throws {
        let c = try await s.client("acme", .analyst)
        let t = Task { [self] in
            var k = 0
            while !Task.isCancelled {
                k += 1
                let t0 = Date()
                do {
                    let r = try await c.request("#w\(k) SELECT count(*) FROM calls", timeout: 10)
                    if r["id"] != .string("w\(k)") || !r.isOK { failures.withLock { $0.append(r.text) } }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                    break
                }
                let dt = Date().timeIntervalSince(t0)
                slowest.withLock { $0 = max($0, dt) }
                answers.add(1, ordering: .relaxed)
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            await c.close()
        }
        task.withLock { $0 = t }
    }

    func stop() async {
        let t = task.withLock { $0 }
        t?.cancel()
        await t?.value
    }
}

/// Garbage in: every bad line gets a JSON error, the connection keeps working where it makes
/// sense, and other connections are served throughout.
@Suite(.timeLimit(.minutes(3))) struct BadInputTests {
    func server() async throws -> TestServer {
        try await TestServer.start({ c in
            c.maxLineBytes = 4096
            c.maxPointsPerWrite = 1000
        }, setup: seedAcme)
    }

    @Test func emptyLinesAndUnknownCommands() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let watcher = Watcher()
        try await watcher.start(s)
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        for line in ["", "   ", "\t", "\r"] {
            #expect(try await c.request(line).errorCode == "empty_request")
        }
        let hello = try await c.request("HELLO there")
        #expect(hello.errorCode == "unknown_command" && hello["error"]?["line"] == .int(1))
        let typo = try await c.request("#3 SELEKT 1")
        #expect(typo["id"] == .int(3) && typo.errorCode == "unknown_command" && typo["error"]?["hint"] == .string("did you mean SELECT?"))
        #expect(try await c.request("#").errorCode == "bad_request")
        #expect(try await c.request("#a+b PING").errorCode == "bad_request")
        #expect(try await c.request("#9").errorCode == "empty_request")
        #expect(try await c.request("PING extra").errorCode == "bad_request")
        #expect(try await c.request("UNSUBSCRIBE x").errorCode == "bad_request")
        #expect(try await c.request("SUBSCRIBE soon SELECT 1").errorCode == "bad_request")
        #expect(try await c.request("RUN").errorCode == "bad_request")
        #expect(try await c.request("WRITE").errorCode == "bad_request")
        // CRLF line ends are fine.
        try await c.sendRaw(Array("#crlf PING\r\n".utf8))
        #expect(try await c.receive()["id"] == .string("crlf"))
        #expect(try await c.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
        await watcher.stop()
        #expect(watcher.failures.withLock { $0 }.isEmpty)
    }

    @Test func hugeLinesAreSkippedAndTheConnectionGoesOn() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let watcher = Watcher()
        try await watcher.start(s)
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        // 1 MiB in one line, sent whole, then a request right behind it.
        try await c.sendRaw(Array(("SELECT '" + String(repeating: "x", count: 1 << 20) + "'\n#after PING\n").utf8))
        let tooLong = try await c.receive()
        #expect(tooLong.errorCode == "line_too_long")
        #expect(try await c.receive()["id"] == .string("after"))
        // A long line trickling in: the error comes as soon as the limit is passed, not at its end.
        try await c.sendRaw(Array(String(repeating: "y", count: 5000).utf8))
        #expect(try await c.receive(timeout: 5).errorCode == "line_too_long")
        for _ in 0..<20 { try await c.sendRaw(Array(String(repeating: "z", count: 10_000).utf8)) }
        try await c.sendRaw(Array("\n#after2 PING\n".utf8))
        #expect(try await c.receive()["id"] == .string("after2"))
        // Inside a block WRITE an over-long line is a bad point, not a lost request.
        let ing = try await s.client("acme", .ingest)
        defer { Task { await ing.close() } }
        try await ing.sendRaw(Array(("WRITE 3 PARTIAL\ncalls,sector=retail id=50i\ncalls,sector=retail note=\"" + String(repeating: "n", count: 9000) + "\"\ncalls,sector=retail id=51i\n#next PING\n").utf8))
        let w = try await ing.receive()
        #expect(w["rows_affected"] == .int(2) && w["rejected"] == .int(1), "\(w.text)")
        #expect(try await ing.receive()["id"] == .string("next"))
        await watcher.stop()
        #expect(watcher.failures.withLock { $0 }.isEmpty)
    }

    @Test func invalidUTF8AndBinaryNoise() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let watcher = Watcher()
        try await watcher.start(s)
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        try await c.sendRaw([0x53, 0x45, 0x4C, 0xC3, 0x28, 0x0A])
        let bad = try await c.receive()
        #expect(bad.errorCode == "invalid_utf8" && bad["error"]?["column"] == .int(4))
        try await c.sendRaw([0xFF, 0xFE, 0x00, 0x0A, 0xED, 0xA0, 0x80, 0x0A])
        #expect(try await c.receive().errorCode == "invalid_utf8")
        #expect(try await c.receive().errorCode == "invalid_utf8")
        // 200 KB of noise: exactly one JSON error per line, whatever the line holds.
        var rng = SplitMix64(state: 42)
        var noise: [UInt8] = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        noise.append(0x0A)
        let lines = noise.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        try await c.sendRaw(noise + Array("#end PING\n".utf8))
        var codes: [String: Int] = [:]
        for _ in 0..<lines {
            let r = try await c.receive()
            #expect(r["ok"] == .bool(false), "noise line accepted: \(r.text)")
            codes[r.errorCode ?? "?", default: 0] += 1
        }
        #expect(try await c.receive()["id"] == .string("end"))
        print("noise: \(lines) lines answered with \(codes)")
        // Valid UTF-8 noise (control characters, NULs, emoji) is answered the same way.
        for line in ["\u{0}\u{1}\u{7F}", "🙂🙃 SELECT", "SELECT \u{0} FROM calls", "\u{202E}DROP TABLE calls"] {
            let r = try await c.request(line)
            #expect(r["ok"] == .bool(false) && r.errorCode != nil, "\(r.text)")
        }
        #expect(try await c.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
        await watcher.stop()
        #expect(watcher.failures.withLock { $0 }.isEmpty)
        #expect(watcher.answers.load(ordering: .relaxed) > 0)
    }

    @Test func printableGarbageGetsOneAnswerPerLine() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let watcher = Watcher()
        try await watcher.start(s)
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        // Random text behind prefixes that lead into each parser (SQL, JSON, ids, named queries, points).
        let prefixes = ["SELECT ", "SELECT * FROM calls WHERE ", "{", #"{"sql":""#, #"{"id":"#, "#1 ", "RUN ", "WRITE x", "AUTH ", "WITH ", "(", "EXPLAIN ", "PREPARE p AS "]
        let alphabet = Array(" ()*,.;'\"$#{}[]:=+-/<>!%|&0123456789abcdefxyzSELECTFROMWHEREANDORNULL\\\t".unicodeScalars)
        var rng = SplitMix64(state: 7)
        var text = ""
        let count = 4000
        for _ in 0..<count {
            text += prefixes.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 0...60, using: &rng) { text.unicodeScalars.append(alphabet.randomElement(using: &rng)!) }
            text += "\n"
        }
        try await c.sendRaw(Array((text + "#end PING\n").utf8))
        var failed = 0
        for _ in 0..<count {
            let r = try await c.receive()
            #expect(r["ok"] != nil && (r.isOK || r.errorCode != nil), "\(r.text)")
            if !r.isOK { failed += 1 }
        }
        #expect(try await c.receive()["id"] == .string("end"))
        #expect(failed > count / 2)
        await watcher.stop()
        #expect(watcher.failures.withLock { $0 }.isEmpty)
    }

    @Test func halfAndMalformedJSON() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        let half = try await c.request(#"{"id":1,"sql":"SELECT count(*) FR"#)
        #expect(half.errorCode == "bad_request" && half["error"]?["column"] != nil && half["id"] == nil)
        #expect(half.errorMessage.contains("cut short"))
        for line in [#"{"id":1"#, "{", #"{"sql":}"#, #"{"sql":"SELECT 1",}"#, #"{"sql":"SELECT 1"} trailing"#, #"{"sql":"a\q"}"#,
                     #"{"sql":"\ud800"}"#, "[1,2]", #"{"sql":5}"#, #"{"id":1.5,"sql":"SELECT 1"}"#, #"{"id":{},"sql":"SELECT 1"}"#,
                     #"{"sql":"SELECT 1","sql":"SELECT 2"}"#, #"{"sql":"SELECT $1","params":[[1]]}"#, #"{"sql":"SELECT $1","params":{"a":1}}"#,
                     #"{"write":"calls id=1i","partial":"yes"}"#, #"{"run":"x y"}"#, ##"{"cmd":"#1 PING"}"##, #"{}"#,
                     String(repeating: "[", count: 100) + String(repeating: "]", count: 100), #"{"sql":"SELECT 1","run":"q"}"#,
                     String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)] {
            let r = try await c.request(line)
            #expect(r.errorCode == "bad_request", "\(line) → \(r.text)")
        }
        // The id is echoed whenever the object itself could be read.
        let withID = try await c.request(#"{"id":"x9","sql":5}"#)
        #expect(withID["id"] == .string("x9") && withID.errorCode == "bad_request")
        let ok = try await c.request(#"{"id":2,"cmd":"PING"}"#)
        #expect(ok["id"] == .int(2) && ok["message"] == .string("PONG"))
    }

    @Test func badAndExpiredTokens() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let c = try await s.client()
        defer { Task { await c.close() } }
        #expect(try await c.request("AUTH").errorCode == "bad_request")
        #expect(try await c.request("AUTH a b").errorCode == "bad_request")
        for t in ["garbage", "a.b.c", "....", String(repeating: "x", count: 4000), "eyJhbGciOiJub25lIn0.eyJjbGllbnRfaWQiOiJhY21lIiwicm9sZSI6ImFkbWluIiwiZXhwIjo5OTk5OTk5OTk5fQ."] {
            let r = try await c.request("AUTH " + t)
            #expect(r.errorCode == "bad_token", "\(t.prefix(30)) → \(r.text)")
        }
        // A real token with its payload changed to claim admin.
        let good = try await s.token("acme", .analyst)
        let parts = good.split(separator: ".").map(String.init)
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let claims = String(decoding: Data(base64Encoded: payload)!, as: UTF8.self).replacingOccurrences(of: "analyst", with: "admin")
        let forgedPayload = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(try await c.request("AUTH " + parts[0] + "." + forgedPayload + "." + parts[2]).errorCode == "bad_token")
        // A token with an unknown role or no role.
        #expect(try await c.request("AUTH " + (try await s.auth.sign(TallyClaims(clientID: "acme", role: "root", expiresAt: Date().addingTimeInterval(60), subject: nil, issuedAt: Date())))).errorCode == "bad_token")
        // Expired tokens.
        let expired = try await s.token("acme", .analyst, ttl: -10)
        let e = try await c.request("AUTH " + expired)
        #expect(e.errorCode == "token_expired")
        #expect(try await c.request("SELECT 1").errorCode == "unauthenticated")
        // A token that expires while the connection is open stops working, and a fresh one revives it.
        #expect(try await c.request("AUTH " + (try await s.token("acme", .analyst, ttl: 1))).isOK)
        #expect(try await c.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
        try await Task.sleep(nanoseconds: 1_200_000_000)
        #expect(try await c.request("SELECT count(*) FROM calls").errorCode == "token_expired")
        #expect(try await c.request("AUTH " + (try await s.token("acme", .analyst))).isOK)
        #expect(try await c.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
        // Requests before AUTH: a block WRITE's lines are still consumed, so nothing is taken for a request.
        let d = try await s.client()
        defer { Task { await d.close() } }
        try await d.sendRaw(Array("WRITE 2\nPING\nPING\n#p PING\n".utf8))
        #expect(try await d.receive().errorCode == "unauthenticated")
        #expect(try await d.receive()["id"] == .string("p"))
    }

    @Test func sqlErrorsCarryPositionsAndTheConnectionStaysUsable() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let c = try await s.client("acme", .analyst)
        defer { Task { await c.close() } }
        let syntax = try await c.request("SELECT FROM calls WHERE")
        #expect(syntax.errorCode == "syntax_error" && syntax["error"]?["line"] == .int(1) && syntax["error"]?["column"] != nil)
        let multi = try await c.request(#"{"id":5,"sql":"SELECT id,\n       nope\nFROM calls"}"#)
        #expect(multi["id"] == .int(5) && multi.errorCode == "unknown_column")
        #expect(multi["error"]?["line"] == .int(2) && multi["error"]?["column"] == .int(8))
        let typo = try await c.request("SELECT * FROM callz")
        #expect(typo.errorCode == "unknown_table" && typo["error"]?["hint"] == .string("did you mean calls?"))
        #expect(try await c.request("SELECT sector + 1 FROM calls").errorCode != nil)
        #expect(try await c.request("SELECT 1/0").isOK)
        #expect(try await c.request("SELECT $1").errorCode != nil)
        #expect(try await c.request("SELECT 1; SELECT 2").errorCode != nil)
        #expect(try await c.request("UPDATE calls SET id = 1").errorCode == "unsupported")
        #expect(try await c.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
    }

    @Test func badPointsAndHalfSentRequestsDoNotHurtTheServer() async throws {
        let s = try await server()
        defer { Task { await s.stop() } }
        let watcher = Watcher()
        try await watcher.start(s)
        let ing = try await s.client("acme", .ingest)
        defer { Task { await ing.close() } }
        for p in ["calls", "calls ", "calls,sector=retail", "calls id=", "calls id=1i 12x", "calls,=x id=1i", "calls id=\"open",
                  "calls id=1i,", "calls id=1i 1 2", "calls id=tru"] {
            let r = try await ing.request("WRITE " + p)
            #expect(r.errorCode == "invalid_points", "\(p) → \(r.text)")
        }
        // Over the point limit: the announced lines are still read (the framing holds), then refused.
        try await ing.sendRaw(Array(("WRITE 1001\n" + String(repeating: "calls,sector=retail id=1i\n", count: 1001) + "#n PING\n").utf8))
        #expect(try await ing.receive().errorCode == "too_many_points")
        #expect(try await ing.receive()["id"] == .string("n"))
        #expect(try await ing.request("WRITE 2 SOON").errorCode == "bad_request")
        // Clients that vanish mid-line or mid-block.
        for payload in ["SELECT count(*) FR", "WRITE 5\ncalls,sector=retail id=1i\n", "{\"sql\":\"SEL"] {
            let gone = try await s.client("acme", .ingest)
            try await gone.sendRaw(Array(payload.utf8))
            await gone.close()
        }
        let after = try await s.client("acme", .analyst)
        defer { Task { await after.close() } }
        #expect(try await after.request("SELECT count(*) FROM calls").rows == [[.int(5)]])
        await watcher.stop()
        #expect(watcher.failures.withLock { $0 }.isEmpty)
    }
}
