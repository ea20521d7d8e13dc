import BackroomCore
import BackroomServices
import Logging
import ServiceLifecycle

/// Polls the store's revision counters and reports areas that changed,
/// whoever changed them (this process or another one on the same file).
public struct RevisionWatcher: Service {
    let shop: Shop
    let interval: Duration
    let onChange: @Sendable (StoreRevision, StoreRevision) -> Void
    let logger: Logger

    public init(shop: Shop, interval: Duration = .milliseconds(500), logger: Logger, onChange: @escaping @Sendable (StoreRevision, StoreRevision) -> Void) {
        self.shop = shop
        self.interval = interval
        self.onChange = onChange
        self.logger = logger
    }

    public func run() async throws {
        // A graceful shutdown cancels the sleep between polls.
        await cancelWhenGracefulShutdown {
            var last = try? await shop.revision()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                last = await check(since: last)
            }
        }
    }

    /// One poll: reports a change since `previous` and returns the current revision.
    public func check(since previous: StoreRevision?) async -> StoreRevision? {
        do {
            let current = try await shop.revision()
            if let previous, previous != current { onChange(previous, current) }
            return current
        } catch {
            logger.warning("cannot read the store revision", metadata: ["error": "\(error)"])
            return previous
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}
