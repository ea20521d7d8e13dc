import Dispatch
import HummingbirdBcrypt
import Synchronization

/// bcrypt, run on a Dispatch queue: a hash takes hundreds of milliseconds
/// at production cost and must not stall the cooperative thread pool (or
/// an event loop) meanwhile.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    private static let queue = DispatchQueue(label: "backroom.bcrypt", attributes: .concurrent)
    private let decoy = DecoyHash()

    public init(cost: UInt8) {
        self.cost = cost
    }

    /// Spends the time a real verification would, for an unknown account, so
    /// that response times do not reveal which emails exist.
    public func verifyDecoy(_ password: String) async {
        let hash: String
        if let cached = decoy.value.withLock({ $0 }) {
            hash = cached
        } else {
            hash = await self.hash("decoy-password")
            decoy.value.withLock { $0 = hash }
        }
        _ = await verify(password, against: hash)
    }

    public func hash(_ password: String) async -> String {
        let cost = self.cost
        return await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: Bcrypt.hash(password, cost: cost)) }
        }
    }

    public func verify(_ password: String, against hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }

    /// Hashes synchronously, for tools that hash once (seeding).
    public func hashNow(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }
}

private final class DecoyHash: Sendable {
    let value = Mutex<String?>(nil)
}
