import Dispatch
import Synchronization
import TallyStorage

/// Runs async work from synchronous code (the `tally` commands are synchronous
/// ParsableCommands; the server and jwt-kit are async).
public enum Blocking {
    /// Runs `body` on the concurrency pool and blocks the calling thread until it finishes.
    /// Never call it from a task: it would hold a pool thread while waiting for the pool.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Locked<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<T, any Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            box.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }
}
