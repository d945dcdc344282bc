import Dispatch
import Foundation
import Synchronization
import TallyQuery

/// Routes Ctrl-C (SIGINT) in the REPL. While a statement runs it cancels that statement (the
/// executor stops at its next batch); at the prompt it wakes the line editor, which clears the
/// line. Signals arrive on a dispatch queue, never in a signal handler, so the work done for them
/// may lock and allocate; the line editor learns of them through a pipe it polls with stdin.
public final class Interrupts: Sendable {
    /// Why the line editor was woken.
    enum Wake: UInt8 {
        case interrupt = 1
        /// The process was continued after Ctrl-Z: the terminal must be put back in editing mode.
        case resumed = 2
        /// The window changed size.
        case resized = 3
    }

    /// The one router of the process (signal dispositions are per process).
    public static let shared = Interrupts()

    private let running = Mutex<Session?>(nil)
    private let count = Atomic<Int>(0)
    /// Read end: polled by the line editor; write end: written on each signal.
    let wakeRead: Int32
    let wakeWrite: Int32
    /// Set once by `install`; the sources live as long as the process.
    private let sources = Mutex<[DispatchSourceSignal]>([])

    private init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    /// Takes over SIGINT (and, for the line editor, SIGCONT and SIGWINCH). Idempotent.
    /// `onIdleInterrupt` runs (on a dispatch queue) for a Ctrl-C while no statement runs, when
    /// nobody reads the wake pipe (non-interactive input): there it ends the process.
    public func install(onIdleInterrupt: (@Sendable () -> Void)? = nil) {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            // The default action would kill the process; the dispatch source still sees the signal.
            signal(SIGINT, SIG_IGN)
            let int = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            int.setEventHandler { [self] in
                count.add(1, ordering: .relaxed)
                let cancelled = running.withLock { s -> Bool in
                    s?.cancel()
                    return s != nil
                }
                if !cancelled, let onIdleInterrupt { onIdleInterrupt() }
                wake(.interrupt)
            }
            int.resume()
            sources.append(int)
            for (sig, reason) in [(SIGCONT, Wake.resumed), (SIGWINCH, Wake.resized)] {
                let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                s.setEventHandler { [self] in wake(reason) }
                s.resume()
                sources.append(s)
            }
        }
    }

    func wake(_ reason: Wake) {
        var b = reason.rawValue
        _ = write(wakeWrite, &b, 1)
    }

    /// Runs `body` with Ctrl-C bound to cancelling `session`'s running statement.
    public func whileRunning<T>(_ session: Session, _ body: () throws -> T) rethrows -> T {
        running.withLock { $0 = session }
        defer { running.withLock { $0 = nil } }
        return try body()
    }

    /// How many Ctrl-Cs arrived so far (to tell whether one came during a stretch of work).
    public var interruptCount: Int { count.load(ordering: .relaxed) }

    /// Empties the wake pipe, so an old Ctrl-C does not clear the next line.
    func drain() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buf, buf.count) > 0 {}
    }

    /// The reasons waiting in the pipe (non-blocking).
    func takeWakes() -> [Wake] {
        var buf = [UInt8](repeating: 0, count: 64)
        var out: [Wake] = []
        while true {
            let n = read(wakeRead, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n].compactMap { Wake(rawValue: $0) }
        }
        return out
    }
}
