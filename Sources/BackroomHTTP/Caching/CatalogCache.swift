import BackroomCore
import HTTPTypes
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
        /// The headers of a 200 and of a 304, made once with the entry
        /// rather than at every read.
        public let headers: HTTPFields
        public let notModifiedHeaders: HTTPFields

        public init(body: ByteBuffer, etag: String) {
            self.body = body
            self.etag = etag
            notModifiedHeaders = [.eTag: etag, .cacheControl: "public, max-age=0, must-revalidate", .xContentTypeOptions: "nosniff"]
            var headers = notModifiedHeaders
            headers[.contentType] = "application/json; charset=utf-8"
            self.headers = headers
        }
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
        let key = Self.key(sku)
        return state.withLock { $0.entries[key] }
    }

    /// The generation to pass to `store` after reading the product.
    public var generation: UInt64 { state.withLock { $0.generation } }

    public func store(_ entry: Entry, for sku: SKU, readAtGeneration generation: UInt64) {
        let key = Self.key(sku)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = entry
        }
    }

    public func invalidate(_ sku: SKU) {
        let key = Self.key(sku)
        state.withLock { state in
            state.generation += 1
            state.entries.removeValue(forKey: key)
        }
    }

    public func invalidateAll() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// SKUs match whatever their case. A SKU is ASCII and most are written
    /// in capitals: those are their own key, without `uppercased()`'s
    /// Unicode work and new string at every read.
    private static func key(_ sku: SKU) -> String {
        let raw = sku.rawValue
        guard raw.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return raw }
        return raw.uppercased()
    }
}
