import BackroomCore
import NIOCore
import Synchronization

/// Encoded product responses by SKU, so a product read costs a dictionary
/// lookup. Writes through this process's service layer drop their SKU at
/// once; writes by other processes are noticed through the store's catalog
/// revision (see `RevisionWatcher`), which clears everything.
///
/// A read that raced with a write must not put stale bytes back: entries
/// are only stored if no invalidation happened since the read began.
public final class CatalogCache: Sendable {
    public struct Entry: Sendable {
        public let body: ByteBuffer
        public let etag: String
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    public init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    public func entry(for sku: SKU) -> Entry? {
        state.withLock { $0.entries[sku.rawValue.uppercased()] }
    }

    /// The generation to pass to `store` after reading the product.
    public var generation: UInt64 { state.withLock { $0.generation } }

    public func store(_ entry: Entry, for sku: SKU, readAtGeneration generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[sku.rawValue.uppercased()] = entry
        }
    }

    public func invalidate(_ sku: SKU) {
        state.withLock { state in
            state.generation += 1
            state.entries.removeValue(forKey: sku.rawValue.uppercased())
        }
    }

    public func invalidateAll() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }
}
