@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTestSupport
import Testing

/// The Webhooks pane: deliveries with their status and last answer,
/// filters, and sending a failed one again from the keyboard.
@Suite("Webhooks pane")
struct WebhooksPaneTests {
    static let admin = Principal(userID: nil, name: "admin@backroom.local", role: .admin)

    /// A subscription, its deliveries made, one attempt failed (HTTP 500) and given up.
    static func deliveries(_ console: ConsoleFixture) async throws -> WebhookSubscription {
        let webhooks = console.test.shop.webhooks
        let (subscription, _) = try await webhooks.create(url: "https://93.184.216.34/hooks/books", events: ["order.placed", "order.paid"], description: "books", by: admin)
        _ = try await console.test.placeOrder([("MUG-0001", 1)])
        #expect(try await webhooks.fanOut(limit: 100) == 1)
        let due = try await webhooks.claimDue(limit: 10, leaseMilliseconds: 10_000)
        try await webhooks.record(due[0].delivery, outcome: .failed(statusCode: 500, error: "HTTP 500", retryAt: nil), policy: WebhookRetryPolicy())
        return subscription
    }

    @Test("admins see deliveries with their status and answer; r sends a failed one again; Enter shows the hook and the data")
    func pane() async throws {
        let console = try await ConsoleFixture(principal: Self.admin)
        let subscription = try await Self.deliveries(console)
        await console.show(.webhooks)
        #expect(console.line(1).contains("[7 Webhooks]"))
        #expect(console.line(2).contains("Webhooks · 1 delivery"))
        let row = OperatorToolsTests.words(console.row(0))
        #expect(row.contains("#\(subscription.id)") && row.contains("order.placed") && row.contains("failed") && row.contains("500"), "\(row)")
        #expect(console.text.contains("send now"), "the footer offers r")

        await console.press("s")
        #expect(console.line(2).contains("status=pending") && console.text.contains("No deliveries match."))
        await console.press("s")
        #expect(console.line(2).contains("status=failed"))
        await console.press("s", "s", "f")
        #expect(console.line(2).contains("hook=#\(subscription.id)"))

        await console.press("r")
        #expect(console.flashLine.contains("sending now"), "\(console.flashLine)")
        let delivery = try #require(console.model.webhooks.list.selected)
        #expect(delivery.status == .pending && delivery.attempts == 1, "due again, its history kept")

        await console.press("enter")
        #expect(console.text.contains("https://93.184.216.34/hooks/books"))
        #expect(console.text.contains("\"email\" : \"shopper@example.com\""), "the event's data, pretty")
    }

    @Test("an operator has no Webhooks pane")
    func operatorCannot() async throws {
        let console = try await ConsoleFixture()
        await console.press("7")
        #expect(!console.line(1).contains("Webhooks"))
        #expect(console.model.pane != .webhooks)
    }
}

extension WebhooksPaneTests {
    @Test("the pane follows the worker: it reloads every 2 s on screen, and its rows arrive")
    func follows() async throws {
        let console = try await ConsoleFixture(principal: Self.admin)
        await console.show(.webhooks)
        await console.wait(milliseconds: 4_000)
        #expect(console.text.contains("No deliveries match."), "\(console.text)")
        _ = try await Self.deliveries(console)
        await console.wait(milliseconds: 2_000)
        #expect(console.line(2).contains("Webhooks · 1 delivery"), "\(console.line(2))")
        #expect(!console.text.contains("Loading…"))
    }
}
