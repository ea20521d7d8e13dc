import BackroomCore
import GRDB
import Synchronization

/// Runs write use cases on the single SQLite writer, committing the ones
/// that arrive together in one transaction (group commit).
///
/// Each use case runs in its own savepoint, in arrival order, so it is
/// atomic and sees everything committed before it, exactly as if it had its
/// own transaction; one that fails is rolled back alone and its caller gets
/// the error at once. The others get their results only after the shared
/// `COMMIT` succeeded; if the transaction fails, they all get that error
/// and nothing of the batch is written. With one caller at a time a batch
/// holds one use case; under load a batch holds whatever queued while the
/// previous one ran, so the fixed cost of a commit (WAL frames for every
/// page touched, file locks) is paid once per batch instead of once per use
/// case. Nothing waits on a timer.
final class GroupCommitter: Sendable {
    private final class Job: @unchecked Sendable {
        /// Runs the use case; returns the delivery of its result.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        /// Touched only on the writer's queue, then read after it returned.
        var outcome: Outcome = .waiting

        enum Outcome {
            case waiting
            case succeeded(@Sendable () -> Void)
            case failed
        }

        init(run: @escaping @Sendable (Database) throws -> @Sendable () -> Void, fail: @escaping @Sendable (any Error) -> Void) {
            self.run = run
            self.fail = fail
        }
    }

    private struct Queue {
        var pending: [Job] = []
        var isDraining = false
    }

    private let writer: DatabasePool
    private let queue = Mutex(Queue())
    private let committed = Atomic<Int>(0)

    /// Write transactions committed so far (for the write rate in live views).
    var committedTransactions: Int { committed.load(ordering: .relaxed) }

    /// Counts a transaction committed on the writer outside the groups (a
    /// large batch with a transaction of its own).
    func noteCommittedAlone() { committed.add(1, ordering: .relaxed) }
    private let maximumBatch: Int

    init(writer: DatabasePool, maximumBatch: Int = 64) {
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let value = try body(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { error in continuation.resume(throwing: error) }
            )
            let startsDrain = queue.withLock { queue -> Bool in
                queue.pending.append(job)
                guard !queue.isDraining else { return false }
                queue.isDraining = true
                return true
            }
            if startsDrain {
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [Job] in
                let batch = Array(queue.pending.prefix(maximumBatch))
                queue.pending.removeFirst(batch.count)
                if batch.isEmpty { queue.isDraining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Job]) async {
        do {
            try await writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for job in batch {
                        do {
                            try db.inSavepoint {
                                job.outcome = .succeeded(try job.run(db))
                                return .commit
                            }
                        } catch {
                            job.outcome = .failed
                            job.fail(StoreErrors.leaving(error))
                        }
                    }
                    return .commit
                }
            }
            committed.add(1, ordering: .relaxed)
            for job in batch {
                if case .succeeded(let deliver) = job.outcome { deliver() }
            }
        } catch {
            let translated = StoreErrors.leaving(error)
            for job in batch {
                if case .failed = job.outcome { continue }
                job.fail(translated)
            }
        }
    }
}
