import BackroomCore
import HummingbirdBcrypt
import Synchronization

/// bcrypt on the hashing executor: never on the cooperative pool, never
/// more at once than the executor's threads.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    public let executor: HashingExecutor
    private let decoy = DecoyHash()

    public init(cost: UInt8, executor: HashingExecutor = HashingExecutor(threads: HashingExecutor.defaultThreads, queueCapacity: 16)) {
        self.cost = cost
        self.executor = executor
    }

    /// Spends what a real verification spends (one bcrypt at the configured
    /// cost), for an unknown account or a malformed email, so that response
    /// times do not tell which emails exist.
    public func verifyDecoy(_ password: String) async throws(BackroomError) {
        let hash: String
        if let cached = decoy.value.withLock({ $0 }) {
            hash = cached
        } else {
            hash = try await self.hash("decoy-password-\(cost)")
            decoy.value.withLock { $0 = hash }
        }
        _ = try await verify(password, against: hash)
    }

    public func hash(_ password: String) async throws(BackroomError) -> String {
        let cost = self.cost
        return try await executor.run { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws(BackroomError) -> Bool {
        try await executor.run { Bcrypt.verify(password, hash: hash) }
    }

    /// Hashes on the calling thread, for tools that hash once (seeding).
    public func hashNow(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }
}

private final class DecoyHash: Sendable {
    let value = Mutex<String?>(nil)
}
