import NIOCore

/// Runs a connection's async code on its channel's event loop.
///
/// Without a preference, connection tasks would run on the global concurrency pool, which has one
/// thread per core and is shared with everything else in the process; anything that hogs it
/// (an embedding application, a test) would stall every connection. With the channel's loop as
/// the task executor, inbound lines, statement completions and subscription timers resume
/// directly where the socket lives, with no extra thread hop. Only request parsing and answer
/// assembly run there; statements run on the worker pool.
final class EventLoopExecutor: TaskExecutor, Sendable {
    let loop: EventLoop

    init(_ loop: EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
