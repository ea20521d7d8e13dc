import BackroomServices
import Logging
import ServiceLifecycle

/// Releases expired cart holds in the background. Expired holds never count
/// as held anyway; sweeping keeps the stored counters and the table small.
public struct HoldSweeper: Service {
    let carts: CartService
    let interval: Duration
    let logger: Logger

    public init(carts: CartService, interval: Duration = .seconds(5), logger: Logger) {
        self.carts = carts
        self.interval = interval
        self.logger = logger
    }

    /// Sleeps between sweeps; a graceful shutdown cancels the sleep, so the
    /// server stops at once instead of up to one interval later.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let released = try await carts.releaseExpiredHolds()
                    if released > 0 { logger.debug("released expired holds", metadata: ["count": "\(released)"]) }
                } catch {
                    logger.warning("hold sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
