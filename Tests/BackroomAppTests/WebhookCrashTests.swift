import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// At least once, through a crash: the real server is killed with SIGKILL
/// while deliveries are in flight and started again; every event reaches
/// the receiver, and a delivery that arrives twice is the same event (same
/// id, same body).
@Suite("Webhooks survive a crash", .serialized)
struct WebhookCrashTests {
    @Test("kill -9 mid-delivery loses no event; duplicates carry the same event id")
    func killMidDelivery() async throws {
        let binary = ChildProcess.backroomBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "no binary at \(binary): run `swift build` before `swift test`")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-webhook-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shop.sqlite").path
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        // Each delivery takes a while, so several are in flight at the kill.
        receiver.plan([], otherwise: .slow(.milliseconds(120)))

        var events: [OutboxEvent] = []
        do {
            let store = try SQLiteShopStore(path: path)
            let shop = Shop(store: store, currency: store.currency, configuration: ShopConfiguration(passwordCost: 4, allowPrivateWebhookTargets: true))
            let setup = Principal.system("setup")
            _ = try await shop.webhooks.create(url: receiver.url, events: ["*"], description: "crash", by: setup)
            for index in 0..<8 {
                let sku = "WH-\(index)"
                _ = try await shop.inventory.createProduct(
                    ProductDraft(sku: sku, name: "Webhook \(index)", price: Money(minorUnits: 700, currency: .eur), initialStock: 50), by: setup
                )
                for _ in 0..<5 { _ = try await shop.inventory.adjustStock(try SKU(sku), by: 1, reason: .received, by: setup) }
            }
            events = try await store.outboxEvents(afterID: 0, since: nil, limit: 1_000)
            try store.close()
        }
        #expect(events.count == 8 * 7)

        let port = LiveServer.freePort()
        let arguments = [
            binary, "serve", "--db", path, "--port", String(port), "--log-level", "warning",
            "--set", "allow_private_webhook_targets=true", "--set", "webhooks.timeout_seconds=1",
            "--set", "webhooks.first_retry_seconds=0.2", "--set", "webhooks.concurrency=4",
        ]
        let log = directory.appendingPathComponent("server.log").path
        let first = try ChildProcess(arguments, output: log)
        try await receiver.waitUntil("a few deliveries before the kill") { $0.filter { $0.answered == 200 }.count >= 10 }
        await first.kill()
        let beforeRestart = Set(receiver.accepted.map(\.eventID))
        #expect(beforeRestart.count < events.count, "the kill came mid-delivery")

        let second = try ChildProcess(arguments, output: log)
        // (Killed outright when the test ends early: ChildProcess's deinit.)
        // Claims held by the killed process are due again once their lease ends (2 × timeout + 5 s).
        try await receiver.waitUntil("every event after the restart", seconds: 40) { received in
            Set(received.filter { $0.answered == 200 }.map(\.eventID)).isSuperset(of: events.map(\.eventID))
        }
        let byID = Dictionary(grouping: receiver.accepted, by: \.eventID)
        for (id, copies) in byID where copies.count > 1 {
            #expect(Set(copies.map(\.body)).count == 1, "\(id) was sent twice with different bodies")
        }
        // Each product's events still arrived in order, the first copy of each counting.
        var firstArrival: [String] = []
        for delivery in receiver.accepted where !firstArrival.contains(delivery.eventID) { firstArrival.append(delivery.eventID) }
        for sku in (0..<8).map({ "WH-\($0)" }) {
            let sent = events.filter { $0.resourceID == sku }.map(\.eventID)
            #expect(firstArrival.filter { sent.contains($0) } == sent, "\(sku) in order")
        }
        await second.kill(SIGTERM)
    }
}
