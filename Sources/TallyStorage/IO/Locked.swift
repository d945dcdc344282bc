#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex; the drop-in for Synchronization's `Mutex` in this code base.
///
/// Why not `Mutex`: on Linux its contended path (`_MutexHandle._lockSlow`/`_unlockSlow` in the
/// uninstrumented libswiftSynchronization.so) spins with a plain `lock cmpxchg` and then waits in
/// `futex(FUTEX_LOCK_PI)`, handing the lock over in the kernel. ThreadSanitizer sees neither, so it
/// misses the happens-before edge between two critical sections and reports the guarded value as a
/// race whenever the lock was contended (docs/RELIABILITY.md). ThreadSanitizer intercepts
/// `pthread_mutex_lock`/`unlock`, so races it reports on this type are real. Uncontended it costs
/// about what `Mutex` does and under contention less (measured in docs/RELIABILITY.md).
///
/// @unchecked Sendable: the value is only reached inside `withLock`, under the mutex.
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    /// A lock guarding `initialValue`.
    public init(_ initialValue: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let rc = pthread_mutex_init(mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed with \(rc)")
        value = initialValue
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Inlinable so callers in other modules get
    /// it specialised: unspecialised, the generic call costs five times the lock itself.
    @inlinable
    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
