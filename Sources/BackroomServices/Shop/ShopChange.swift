import BackroomCore
import Synchronization

/// A write made through this process's service layer, announced after it
/// committed so caches can drop what it made stale.
public enum ShopChange: Sendable, Hashable {
    /// Catalog fields of a product changed (name, price, status, …).
    case product(SKU)
    /// Stock of a product changed (on hand, held, allocated).
    case stock(SKU)
    case orders
    case users
}

/// Fans committed changes out to subscribers. Handlers run on the writer's
/// task and must be quick (drop a cache entry, post a message).
public final class ShopChangeFeed: Sendable {
    public typealias Handler = @Sendable (ShopChange) -> Void

    private let handlers = Mutex<[Int: Handler]>([:])
    private let nextID = Atomic<Int>(0)

    public init() {}

    /// Subscribes; keep the token to unsubscribe.
    @discardableResult
    public func subscribe(_ handler: @escaping Handler) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        handlers.withLock { $0[id] = handler }
        return id
    }

    public func unsubscribe(_ id: Int) {
        _ = handlers.withLock { $0.removeValue(forKey: id) }
    }

    public func publish(_ change: ShopChange) {
        let current = handlers.withLock { Array($0.values) }
        for handler in current { handler(change) }
    }
}
