import BackroomCore
import BackroomServices
import Foundation

/// The demo's staff: ships and delivers paid orders, cancels stale unpaid
/// ones, and restocks what runs low, so the store keeps moving while the
/// simulated shoppers buy.
struct DemoCrew: Sendable {
    let shop: Shop
    let principal = Principal.system("demo-crew")

    func start() -> Task<Void, Never> {
        Task.detached {
            var round = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(4))
                round += 1
                await fulfil()
                if round % 3 == 0 { await restock() }
            }
        }
    }

    private func fulfil() async {
        for (status, action) in [(OrderStatus.shipped, OrderAction.deliver), (.paid, .ship)] {
            let window = try? await shop.orders.orders(
                matching: OrderFilter(statuses: [status]), sort: OrderSort(.number), window: ListWindow(limit: 2), by: principal
            )
            for order in window?.items ?? [] {
                _ = try? await shop.orders.transition(order.number, action, by: principal)
            }
        }
        let cutoff = shop.clock.now().adding(seconds: -120)
        let stale = try? await shop.orders.orders(
            matching: OrderFilter(statuses: [.pendingPayment], placedBefore: cutoff), sort: OrderSort(.number), window: ListWindow(limit: 2), by: principal
        )
        for order in stale?.items ?? [] {
            _ = try? await shop.orders.transition(order.number, .cancel, note: "not paid within 2 minutes", by: principal)
        }
    }

    private func restock() async {
        guard let low = try? await shop.inventory.items(
            matching: ProductFilter(lowStockOnly: true), sort: ProductSort(.available), window: ListWindow(limit: 3), by: principal
        ) else { return }
        for item in low.items {
            let amount = max(20, item.product.reorderPoint * 4)
            _ = try? await shop.inventory.adjustStock(item.sku, by: amount, reason: .received, reference: "demo delivery", by: principal)
        }
    }
}
