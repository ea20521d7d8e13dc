import BackroomCore
import BackroomServices
import Logging
import ServiceLifecycle

/// Reports areas of the store that changed, whoever changed them (this
/// process, another one on the same file, another node on the same
/// database). It reads the revision counters every `interval`, and at once
/// when the store says a catalog write committed (PostgreSQL's `NOTIFY`):
/// the notice makes other nodes' writes visible in milliseconds, the poll
/// keeps them visible within `interval` when notices are lost.
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
        // A graceful shutdown cancels the waits.
        await cancelWhenGracefulShutdown {
            // Ticks and notices alike ask for one read; a burst of them while
            // a read runs asks for one more, not one each.
            let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        wake.yield()
                    }
                }
                group.addTask { await listen(wake) }
                var last = try? await shop.revision()
                for await _ in wakeups {
                    if Task.isCancelled { break }
                    last = await check(since: last)
                }
                group.cancelAll()
            }
        }
    }

    /// Listens for notices until cancelled; after a lost connection, again a
    /// second later (the poll covers the gap). Returns at once on a store
    /// without notices.
    private func listen(_ wake: AsyncStream<Void>.Continuation) async {
        var failing = false
        while !Task.isCancelled {
            do {
                // Returning (rather than throwing) means this store has no notices.
                try await shop.listenForRevisionNotices { wake.yield() }
                return
            } catch {
                if !failing { logger.warning("revision notices lost; polling until they are back", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: .seconds(1))
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
