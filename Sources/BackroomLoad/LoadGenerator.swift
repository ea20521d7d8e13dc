import AsyncHTTPClient
import BackroomCore
import BackroomTelemetry
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Simulated shoppers against a running API: they browse, search, look at
/// products, fill carts, check out and pay, and now and then send a bad
/// request (an unknown SKU, a malformed body) so error views have something
/// to show. Bounded by time and request count.
public final class LoadGenerator: Sendable {
    public let plan: LoadPlan
    private let client: HTTPClient
    private let totals = Mutex(LoadReport())
    private let issued = Atomic<Int>(0)
    private let pacer: Pacer?

    public init(plan: LoadPlan, client: HTTPClient = .shared) {
        self.plan = plan
        self.client = client
        pacer = plan.rate.map { Pacer(perSecond: $0) }
    }

    /// The figures so far (for a live summary line).
    public var progress: LoadReport {
        totals.withLock { $0 }
    }

    public func run() async -> LoadReport {
        let started = ContinuousClock.now
        let deadline = plan.duration.map { started + $0 }
        let skus = await loadSKUs()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<plan.shoppers {
                group.addTask {
                    var shopper = Shopper(generator: self, skus: skus, seed: self.plan.seed &+ UInt64(index) &* 7919)
                    while !Task.isCancelled, await shopper.visit(deadline: deadline) {}
                }
            }
        }
        var report = totals.withLock { $0 }
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    /// SKUs to shop for: the first pages of the catalog.
    private func loadSKUs() async -> [String] {
        var skus: [String] = []
        var cursor: String?
        for _ in 0..<5 {
            var path = "/api/v1/products?limit=200"
            if let cursor { path += "&cursor=\(cursor)" }
            guard let (status, body) = await send(.GET, path), status == 200,
                  let page = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let items = page["items"] as? [[String: Any]]
            else { break }
            skus += items.compactMap { $0["sku"] as? String }
            cursor = page["nextCursor"] as? String
            if cursor == nil { break }
        }
        return skus.isEmpty ? ["NO-PRODUCTS"] : skus
    }

    /// Whether another request may go out (time, count, rate).
    func mayIssue(deadline: ContinuousClock.Instant?) async -> Bool {
        if let deadline, ContinuousClock.now >= deadline { return false }
        if let maximum = plan.maximumRequests {
            guard issued.add(1, ordering: .relaxed).newValue <= maximum else { return false }
        }
        if let pacer { await pacer.wait() }
        if let deadline, ContinuousClock.now >= deadline { return false }
        return !Task.isCancelled
    }

    /// Sends one request; returns its status and body, or nil if no answer came.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, headers: [(String, String)] = [], record: Bool = true) async -> (Int, Data)? {
        var request = HTTPClientRequest(url: plan.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let collected = try await response.body.collect(upTo: 4 << 20)
            let elapsed = ContinuousClock.now - started
            if record {
                totals.withLock { report in
                    report.requests += 1
                    report.statuses[Int(response.status.code), default: 0] += 1
                    report.latency.record(microseconds: UInt64(elapsed.microseconds))
                }
            }
            return (Int(response.status.code), Data(collected.readableBytesView))
        } catch {
            if record {
                totals.withLock { report in
                    report.requests += 1
                    report.transportErrors += 1
                }
            }
            return nil
        }
    }

    func noteOrder() { totals.withLock { $0.ordersPlaced += 1 } }
    func notePayment() { totals.withLock { $0.ordersPaid += 1 } }
    func noteStockRefusal() { totals.withLock { $0.stockRefusals += 1 } }
}

/// Spaces requests evenly to a total rate across all shoppers.
actor Pacer {
    private let interval: Duration
    private var next = ContinuousClock.now

    init(perSecond: Double) {
        interval = .nanoseconds(Int64(1e9 / perSecond))
    }

    func wait() async {
        let now = ContinuousClock.now
        let slot = max(next, now)
        next = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
