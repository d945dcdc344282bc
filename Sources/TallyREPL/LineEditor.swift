@preconcurrency import CEditLine
import Foundation
import Synchronization

/// What reading one line gave.
public enum LineInput: Sendable, Equatable {
    case line(String)
    /// Ctrl-C at the prompt: the line typed so far is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// A source of input lines for the REPL.
public protocol LineReader: AnyObject {
    /// Shows `prompt` (when interactive) and reads one line without its newline.
    func read(prompt: String) -> LineInput
    /// Records a finished entry (a statement or a meta command) in the history.
    func remember(_ entry: String)
    /// True when a person types at a terminal (prompts, banner and paging make sense).
    var isInteractive: Bool { get }
}

/// Reads piped or redirected input plainly (libedit would neither echo it nor need to).
public final class PlainLineReader: LineReader {
    private let fd: Int32
    private var pending: [UInt8] = []
    private var atEnd = false

    /// Reads from the file descriptor `fd` (stdin by default).
    public init(fd: Int32 = 0) { self.fd = fd }

    public var isInteractive: Bool { false }

    public func read(prompt: String) -> LineInput {
        while true {
            if let nl = pending.firstIndex(of: 10) {
                var line = Array(pending[..<nl])
                pending.removeSubrange(...nl)
                if line.last == 13 { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if atEnd {
                guard !pending.isEmpty else { return .endOfInput }
                defer { pending.removeAll() }
                return .line(String(decoding: pending, as: UTF8.self))
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { atEnd = true } else { pending += chunk[..<n] }
        }
    }

    public func remember(_ entry: String) {}
}

/// Everything the C callbacks of libedit need; they cannot capture context, so they find it here.
private let editorState = EditorState()

private final class EditorState: Sendable {
    /// Set by the input function when Ctrl-C woke it, so an empty answer from readline() is told
    /// apart from Ctrl-D.
    let interrupted = Atomic<Bool>(false)
}

/// Answers Tab. libedit calls the completion hook on the thread inside `readline()`, the same one
/// that sets this, so it needs no lock; it is not Sendable because it reaches into the REPL.
nonisolated(unsafe) private var activeCompleter: ((_ word: String, _ before: String) -> CompletionResult)?

/// Line editing with history and completion through libedit's readline interface.
///
/// libedit reads keys through `rl_getc_function` here: it waits on stdin and on the interrupt
/// pipe together, so Ctrl-C at the prompt ends `readline()` at once (libedit's own signal handling
/// is turned off: it would re-raise SIGINT at the whole process group). Keys are decoded from
/// UTF-8 here, since libedit takes whatever this function returns as one character.
public final class EditLineReader: LineReader {
    private let historyPath: String?
    private let maxHistory: Int32 = 2000
    private var lastEntry: String?

    /// `historyPath`: where history is loaded from and saved to after each entry (nil: not kept).
    public init(name: String = "tally", historyPath: String?) {
        self.historyPath = historyPath
        Interrupts.shared.install()
        // Names are copied because libedit keeps the pointers for the life of the process.
        rl_readline_name = UnsafePointer(strdup(name))
        rl_catch_signals = 0
        rl_getc_function = editLineGetc
        rl_attempted_completion_function = editLineComplete
        // Word breaks for completion. `\` is one so that `\ti` completes the word `ti`; `.` is not,
        // so `m.ag` reaches the completer whole; `/` is not, for `\run folder/name`.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@><=;|&{(,+*%"))
        rl_initialize()
        using_history()
        stifle_history(maxHistory)
        if let historyPath { _ = read_history(historyPath) }
    }

    public var isInteractive: Bool { true }

    /// Sets what Tab offers; call on the thread that reads lines.
    public func setCompleter(_ completer: @escaping (_ word: String, _ before: String) -> CompletionResult) {
        activeCompleter = completer
    }

    public func read(prompt: String) -> LineInput {
        Interrupts.shared.drain()
        editorState.interrupted.store(false, ordering: .relaxed)
        guard let raw = readline(prompt) else {
            if editorState.interrupted.load(ordering: .relaxed) {
                // Drop what was typed; readline() leaves the cursor on the abandoned line.
                rl_replace_line("", 0)
                FileHandle.standardOutput.write(Data("^C\n".utf8))
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    /// Adds an entry unless it repeats the previous one, and saves the history file at once, so
    /// a killed session keeps what was typed.
    public func remember(_ entry: String) {
        let e = entry.trimmingWhitespace()
        guard !e.isEmpty, String(e) != lastEntry else { return }
        lastEntry = String(e)
        _ = add_history(String(e))
        if let historyPath { _ = write_history(historyPath) }
    }

    /// The default history file: `$TALLY_HISTORY`, else `~/.tally_history`.
    public static func defaultHistoryPath() -> String? {
        if let p = ProcessInfo.processInfo.environment["TALLY_HISTORY"] { return p.isEmpty ? nil : p }
        return NSHomeDirectory() + "/.tally_history"
    }
}

/// libedit's key source: waits for stdin or the interrupt pipe; returns -1 (end of input) for
/// Ctrl-C after noting it, and one Unicode scalar per call otherwise.
private func editLineGetc(_ file: UnsafeMutablePointer<FILE>?) -> Int32 {
    let fd = file.map { fileno($0) } ?? 0
    func readByte() -> Int32? {
        var b: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &b, 1)
            if n == 1 { return Int32(b) }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }
    while true {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: Interrupts.shared.wakeRead, events: Int16(POLLIN), revents: 0)]
        let r = poll(&fds, 2, -1)
        if r < 0 {
            if errno == EINTR { continue }
            return -1
        }
        if fds[1].revents != 0 {
            let wakes = Interrupts.shared.takeWakes()
            if wakes.contains(.interrupt) {
                editorState.interrupted.store(true, ordering: .relaxed)
                return -1
            }
            if wakes.contains(.resumed) {
                // After Ctrl-Z and fg the shell has put the terminal back in line mode; libedit
                // believes it is still in editing mode, so leave and re-enter it, then redraw.
                rl_deprep_terminal()
                rl_prep_terminal(1)
                rl_forced_update_display()
            }
            if wakes.contains(.resized) { rl_resize_terminal() }
            if fds[0].revents == 0 { continue }
        }
        guard let first = readByte() else { return -1 }
        // UTF-8: the lead byte says how many continuation bytes follow (they arrive together).
        let extra: Int
        switch first {
        case 0xC0...0xDF: extra = 1
        case 0xE0...0xEF: extra = 2
        case 0xF0...0xF7: extra = 3
        default: return first
        }
        var scalar = first & (0x3F >> extra)
        for _ in 0..<extra {
            guard let b = readByte(), b & 0xC0 == 0x80 else { return first }
            scalar = scalar << 6 | (b & 0x3F)
        }
        return scalar
    }
}

/// libedit's completion hook: asks the REPL's completer for the word before the cursor.
private func editLineComplete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    // Never fall back to file names unless the completer asks for them.
    rl_attempted_completion_over = 1
    rl_completion_append_character = Int32(UInt8(ascii: " "))
    guard let complete = activeCompleter else { return nil }
    let word = text.map { String(cString: $0) } ?? ""
    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
    // start counts characters (libedit works on wide characters), not bytes.
    let before = String(line.unicodeScalars.prefix(Int(max(0, start))).map(Character.init))
    let result = complete(word, before)
    if result.wantsFileNames {
        rl_attempted_completion_over = 0
        return nil
    }
    guard !result.candidates.isEmpty else { return nil }
    if let a = result.append.asciiValue { rl_completion_append_character = Int32(a) }
    let list = result.candidates
    var common = list[0]
    for c in list.dropFirst() {
        while !c.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
    }
    // libedit's convention: [common prefix, match 1, …, match n, nil], also for a single match
    // (it tells one match by matches[2] being nil). libedit frees the strings and the array with
    // free(), so all come from malloc.
    let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 2))!
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 2)
    array[0] = strdup(common.count >= word.count ? common : word)
    for (i, c) in list.enumerated() { array[i + 1] = strdup(c) }
    array[list.count + 1] = nil
    return array
}
