import BackroomLoad
import Foundation

/// The demo's gentle load: a few shoppers, a few requests a second, until
/// the console quits.
struct DemoShoppers: Sendable {
    let baseURL: String
    let shoppers: Int

    func start() -> Task<Void, Never> {
        Task.detached {
            // Give the server a moment to bind before the first visit.
            try? await Task.sleep(for: .milliseconds(300))
            let plan = LoadPlan(baseURL: baseURL, shoppers: shoppers, duration: nil, rate: 25, badRequestShare: 0.06, seed: UInt64(Date().timeIntervalSince1970))
            _ = await LoadGenerator(plan: plan).run()
        }
    }
}
