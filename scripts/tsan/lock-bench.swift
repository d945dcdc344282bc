// Uncontended and two-thread contended cost of Mutex and Locked. Run: scripts/tsan/run-demo.sh bench
import Glibc
import Synchronization
import Dispatch

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
final class M: Sendable { let m = Mutex<Int>(0) }
let n = 10_000_000
func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
var tm: [Double] = [], tl: [Double] = [], cm: [Double] = [], cl: [Double] = []
for _ in 0..<5 {
    let a = M(); var t = now()
    for _ in 0..<n { a.m.withLock { $0 &+= 1 } }
    tm.append((now() - t) / Double(n) * 1e9)
    let b = Locked<Int>(0); t = now()
    for _ in 0..<n { b.withLock { $0 &+= 1 } }
    tl.append((now() - t) / Double(n) * 1e9)
    // Contended: two threads hammering one lock.
    t = now()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in for _ in 0..<(n / 4) { a.m.withLock { $0 &+= 1 } } }
    cm.append((now() - t) / Double(n / 2) * 1e9)
    t = now()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in for _ in 0..<(n / 4) { b.withLock { $0 &+= 1 } } }
    cl.append((now() - t) / Double(n / 2) * 1e9)
}
print("uncontended ns/op: Mutex \(median(tm))  Locked \(median(tl))")
print("contended (2 threads) ns/op: Mutex \(median(cm))  Locked \(median(cl))")
