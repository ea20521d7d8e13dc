import BackroomServices
import Logging
import ServiceLifecycle

/// Settles payment attempts whose caller went away, at start (after a
/// crash) and then every `interval`, by asking the provider about their keys.
public struct PaymentRecovery: Service {
    let orders: OrderService
    let interval: Duration
    let logger: Logger

    public init(orders: OrderService, interval: Duration, logger: Logger) {
        self.orders = orders
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let settled = try await orders.recoverPayments()
                    if settled > 0 { logger.notice("settled interrupted payments", metadata: ["count": "\(settled)"]) }
                } catch {
                    logger.warning("payment recovery failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
