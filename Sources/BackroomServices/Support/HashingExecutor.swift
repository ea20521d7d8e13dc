import BackroomCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A few dedicated threads for password hashing, with a short queue.
///
/// bcrypt at cost 12 takes ~300 ms of one core. Run on the cooperative pool
/// it starves every other request; run on an unbounded Dispatch queue it
/// starts a thread per request and starves them anyway. Here at most
/// `threads` hashes run at once, at a lower scheduling priority than the
/// API's threads, and at most `queueCapacity` wait; beyond that the caller
/// is refused at once with `unavailable` and a Retry-After, so no other
/// route ever waits for hashing.
public final class HashingExecutor: Sendable {
    public let threads: Int
    public let queueCapacity: Int
    private let work: WorkQueue

    public init(threads: Int, queueCapacity: Int) {
        self.threads = max(1, threads)
        self.queueCapacity = max(0, queueCapacity)
        work = WorkQueue()
    }

    /// Threads: half the cores (at least one), so the API keeps the rest.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    deinit {
        work.stop()
    }

    /// Runs `job` on a hashing thread; refused with `unavailable` when
    /// the queue is full.
    public func run<Value: Sendable>(_ job: @escaping @Sendable () -> Value) async throws(BackroomError) -> Value {
        let outcome: Value? = await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let accepted = work.enqueue(capacity: queueCapacity, threads: threads) {
                continuation.resume(returning: job())
            }
            if !accepted { continuation.resume(returning: nil) }
        }
        guard let outcome else {
            throw BackroomError(
                .unavailable, "Too many sign-ins and sign-ups are being processed; try again in a second.",
                detail: .limit(.passwordHashingQueue, retryAfterSeconds: 1)
            )
        }
        return outcome
    }

    /// Jobs waiting (not running), for tests and metrics.
    public var waiting: Int { work.waiting }

    /// CPU time the hashing threads have spent on jobs, in nanoseconds:
    /// what hashing costs, whatever else the machine is doing.
    public var cpuNanoseconds: UInt64 { work.cpuNanoseconds }
}

/// The queue and its threads. Threads start on first use and end when the
/// executor goes away.
private final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var head = 0
    private var started = 0
    private var idle = 0
    private var stopping = false
    private let spent = Atomic<UInt64>(0)

    var cpuNanoseconds: UInt64 { spent.load(ordering: .relaxed) }

    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }

    func enqueue(capacity: Int, threads: Int, _ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        // Jobs that no idle thread will pick up at once are the ones that wait.
        let pending = jobs.count - head
        let queued = max(0, pending - idle)
        let canStartThread = started < threads
        guard queued < capacity || canStartThread else { return false }
        jobs.append(job)
        if canStartThread && pending + 1 > idle {
            started += 1
            let thread = Thread { [self] in self.loop() }
            thread.name = "backroom-hashing"
            thread.stackSize = 1 << 20
            thread.start()
        }
        condition.signal()
        return true
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        Self.lowerPriority()
        while true {
            condition.lock()
            idle += 1
            while head == jobs.count && !stopping { condition.wait() }
            idle -= 1
            if head == jobs.count && stopping {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            let before = Self.threadCPUTime()
            job()
            spent.add(Self.threadCPUTime() &- before, ordering: .relaxed)
        }
    }

    private static func threadCPUTime() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Nice 10 for this thread only (on Linux the nice value is per thread,
    /// and `who = 0` is the calling thread): when the cores are busy,
    /// requests run first and hashing waits.
    private static func lowerPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
