// Shows ThreadSanitizer reporting a false race on Synchronization.Mutex (contended) and none on
// Locked. Run: scripts/tsan/run-demo.sh
import Dispatch
import Synchronization

// Two threads increment a counter held in a class, each increment inside the lock. Correct code:
// any race TSan reports is a missed happens-before edge of the lock.
final class Box: @unchecked Sendable { var n = 0 }
let useMutex = CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "mutex"
let box = Box()
let mutex = Mutex<Int>(0)
let locked = Locked<Int>(0)
DispatchQueue.concurrentPerform(iterations: 2) { _ in
    for _ in 0..<200_000 {
        if useMutex { mutex.withLock { _ in box.n += 1 } } else { locked.withLock { _ in box.n += 1 } }
    }
}
print(useMutex ? "Mutex" : "Locked", box.n)
