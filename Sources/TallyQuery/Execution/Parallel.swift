import Dispatch
import Synchronization
import TallyStorage

/// Runs independent pipelines on every core.
enum Parallel {
    /// `f` applied to each element concurrently (results in order); the first error is rethrown.
    /// Operators are single-owner objects: each is used by exactly one worker here.
    static func map<T, R>(_ items: [T], _ f: (T) throws -> R) throws -> [R] {
        if items.count == 1 { return [try f(items[0])] }
        let results = Locked<[Int: Result<R, Error>]>([:])
        let boxes = items.map { UncheckedBox($0) }
        withoutActuallyEscaping(f) { f in
            let fb = UncheckedBox(f)
            DispatchQueue.concurrentPerform(iterations: items.count) { i in
                let r = Result { try fb.value(boxes[i].value) }
                let rb = UncheckedBox(r)
                results.withLock { $0[i] = rb.value }
            }
        }
        return try (0..<items.count).map { i in try results.withLock { $0[i]! }.get() }
    }

    /// Workers to use for a scan.
    static var width: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16)) }
}

/// Carries a non-Sendable value into a worker that is its only user.
/// @unchecked Sendable: each box is handed to exactly one thread at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

import Foundation
