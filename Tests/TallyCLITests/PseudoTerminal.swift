import Foundation
import Glibc
import Testing

/// A process on a pseudo-terminal, driven the way a person at a keyboard drives it: keys go in,
/// and what it draws is kept both as a byte stream and as a screen (a small terminal emulator
/// that understands what libedit sends: cursor moves, line erases, backspaces).
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    private(set) var screen = Screen(columns: 160)
    /// Everything the process wrote.
    private(set) var raw: [UInt8] = []
    /// Where (in the bytes of `text`) the next `expect` starts looking.
    private var mark = 0
    private var exitStatus: Int32?

    /// Everything the process wrote, without escape sequences, carriage returns and bells.
    var text: String { Screen.plain(raw) }

    /// Keys with names.
    static let up = "\u{1B}[A", left = "\u{1B}[D", tab = "\t", enter = "\r", ctrlC = "\u{03}", ctrlD = "\u{04}", backspace = "\u{7F}"

    /// Starts `executable` in a new session whose controlling terminal is the pseudo-terminal,
    /// so Ctrl-C typed there becomes SIGINT for it, as in a real terminal. The process runs under
    /// a memory limit so a runaway query ends it rather than the machine.
    init(_ executable: String, _ arguments: [String], environment: [String: String], memoryLimitKB: Int = 4_000_000) throws {
        var m: Int32 = -1, s: Int32 = -1
        var size = winsize(ws_row: 50, ws_col: 160, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        master = m
        let slaveName = String(cString: ttyname(s))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, m)
        // Opening the terminal after setsid makes it the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        if s > 2 { posix_spawn_file_actions_addclose(&actions, s) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session (POSIX_SPAWN_SETSID, glibc ≥ 2.26), as a login shell's child would get,
        // with no signal blocked and default actions: the test runner's threads may block or
        // ignore signals, and a child inherits both.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ["/bin/sh", "-c", "ulimit -v \(memoryLimitKB) && exec \"$0\" \"$@\"", executable] + arguments
        let env = environment.map { "\($0)=\($1)" }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/bin/sh", &actions, &attributes, &cArgs, &cEnv)
        close(s)
        guard rc == 0 else {
            close(m)
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        pid = child
        _ = fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types keys (as one write, like a fast typist or a paste).
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Reads what the process wrote for up to `seconds`.
    func pump(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        var buf = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, min(50, deadline.timeIntervalSinceNow * 1000)))
            guard poll(&p, 1, ms) > 0 else { continue }
            let n = read(master, &buf, buf.count)
            if n <= 0 { return } // EIO: the process closed the terminal
            let chunk = Array(buf[0..<n])
            screen.feed(chunk)
            raw += chunk
        }
    }

    /// Waits until `needle` appears in the output after the previous match; records an issue
    /// (and returns false) when it does not within `timeout` seconds.
    @discardableResult
    func expect(_ needle: String, timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let wanted = Array(needle.utf8)
        while true {
            let bytes = Array(text.utf8)
            if let at = Self.find(wanted, in: bytes, from: mark) {
                mark = at + wanted.count
                return true
            }
            if Date() >= deadline {
                Issue.record("did not see \(needle.debugDescription) within \(timeout) s; the screen:\n\(screen.text)", sourceLocation: sourceLocation)
                return false
            }
            pump(0.05)
        }
    }

    /// The output after the last match (what a person sees appear next).
    var sinceMark: String { String(decoding: Array(text.utf8)[min(mark, text.utf8.count)...], as: UTF8.self) }

    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        for i in start...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    /// Waits for the process to end; nil if it is still running after `timeout` seconds.
    func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                return exitStatus
            }
            pump(0.05)
        }
        return nil
    }
}

/// The visible text of a terminal: enough of VT100/xterm for what a line editor draws.
struct Screen {
    let columns: Int
    private(set) var lines: [[Character]] = [[]]
    private var row = 0, column = 0
    private var pending: [UInt8] = []

    init(columns: Int) { self.columns = columns }

    /// The screen as text, trailing blanks removed.
    var text: String {
        lines.map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }

    /// The line the cursor is on.
    var cursorLine: String { String(lines[row]).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }

    mutating func put(_ c: Character) {
        while lines[row].count < column { lines[row].append(" ") }
        if column < lines[row].count { lines[row][column] = c } else { lines[row].append(c) }
        column += 1
    }

    mutating func feed(_ bytes: [UInt8]) {
        pending += bytes
        var i = 0
        let b = pending
        func param(_ s: [UInt8], _ k: Int, _ d: Int) -> Int {
            let parts = String(decoding: s, as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false)
            return k < parts.count ? Int(parts[k]) ?? d : d
        }
        while i < b.count {
            let c = b[i]
            if c == 0x1B {
                guard i + 1 < b.count else { break }
                if b[i + 1] == UInt8(ascii: "[") {
                    var j = i + 2
                    while j < b.count && !(0x40...0x7E).contains(b[j]) { j += 1 }
                    guard j < b.count else { break } // incomplete: wait for more
                    let params = Array(b[(i + 2)..<j])
                    switch b[j] {
                    case UInt8(ascii: "G"): column = max(0, param(params, 0, 1) - 1)
                    case UInt8(ascii: "C"): column += param(params, 0, 1)
                    case UInt8(ascii: "D"): column = max(0, column - param(params, 0, 1))
                    case UInt8(ascii: "A"): row = max(0, row - param(params, 0, 1))
                    case UInt8(ascii: "B"): row += param(params, 0, 1)
                    case UInt8(ascii: "H"):
                        row = max(0, param(params, 0, 1) - 1)
                        column = max(0, param(params, 1, 1) - 1)
                    case UInt8(ascii: "K"): if column < lines[row].count { lines[row].removeSubrange(column...) }
                    case UInt8(ascii: "J"):
                        if column < lines[row].count { lines[row].removeSubrange(column...) }
                        if row + 1 < lines.count { lines.removeSubrange((row + 1)...) }
                    default: break
                    }
                    while lines.count <= row { lines.append([]) }
                    i = j + 1
                } else {
                    i += 2
                }
                continue
            }
            switch c {
            case 0x0D: column = 0
            case 0x0A:
                row += 1
                if lines.count <= row { lines.append([]) }
            case 0x08: column = max(0, column - 1)
            case 0x07: break
            default:
                // UTF-8: take the whole character.
                let len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                guard i + len <= b.count else { pending = Array(b[i...]); return }
                for ch in String(decoding: b[i..<(i + len)], as: UTF8.self) { put(ch) }
                i += len
                continue
            }
            i += 1
        }
        pending = i < b.count ? Array(b[i...]) : []
    }

    /// Text without escape sequences, carriage returns and bells (for finding words in the stream).
    static func plain(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x1B, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "[") {
                var j = i + 2
                while j < bytes.count && !(0x40...0x7E).contains(bytes[j]) { j += 1 }
                i = j + 1
                continue
            }
            if c != 0x0D && c != 0x07 && c != 0x1B { out.append(c) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
