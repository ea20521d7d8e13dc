import BackroomCore
import BackroomServices
import Dispatch
import Foundation
import Synchronization
import Testing

@Suite("The password hashing executor")
struct HashingExecutorTests {
    final class Gauge: Sendable {
        let running = Mutex((now: 0, most: 0))
        func enter() { running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { running.withLock { $0.now -= 1 } }
        var most: Int { running.withLock { $0.most } }
    }

    final class Tally: Sendable {
        private let count = Atomic<Int>(0)
        func add(_ amount: Int) { count.add(amount, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    @Test("never more jobs at once than its threads")
    func bounded() async throws {
        let executor = HashingExecutor(threads: 2, queueCapacity: 64)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await executor.run {
                        gauge.enter()
                        Thread.sleep(forTimeInterval: 0.01)
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.most <= 2)
        #expect(gauge.most >= 1)
    }

    @Test("a full queue refuses at once with unavailable and Retry-After, and runs nothing it refused")
    func fullQueue() async throws {
        let executor = HashingExecutor(threads: 1, queueCapacity: 1)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let ran = Tally()
        let blocker = Task {
            try await executor.run {
                started.signal()
                release.wait()
                ran.add(1)
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        // The thread is busy; one job may wait, the next is refused.
        let queued = Task { try await executor.run { ran.add(1) } }
        while executor.waiting < 1 { await Task.yield() }
        let refusedAt = ContinuousClock.now
        await #expect {
            try await executor.run { ran.add(100) }
        } throws: { error in
            (error as? BackroomError)?.code == .unavailable && (error as? BackroomError)?.retryAfterSeconds == 1
        }
        #expect(ContinuousClock.now - refusedAt < .milliseconds(100))
        release.signal()
        try await blocker.value
        try await queued.value
        #expect(ran.value == 2)
    }
}
