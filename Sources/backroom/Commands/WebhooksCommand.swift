import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomServices
import BackroomStore
import Foundation

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Webhook subscriptions and their deliveries, from the shell.",
        discussion: "Subscriptions are made over the API (POST /api/v1/admin/webhooks); a running server sends the deliveries.",
        subcommands: [WebhooksListCommand.self, WebhooksReplayCommand.self]
    )
}

struct WebhooksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every subscription, with its backlog.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let opened = try await store.open(create: false)
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency)
            let principal = Principal.system("cli")
            for subscription in try await shop.webhooks.list(by: principal) {
                let failed = try await shop.webhooks.deliveries(of: subscription.id, status: .failed, window: ListWindow(limit: 500), by: principal).items.count
                let pending = try await shop.webhooks.deliveries(of: subscription.id, status: .pending, window: ListWindow(limit: 500), by: principal).items.count
                var line = "#\(subscription.id) \(subscription.status.rawValue) \(subscription.url) [\(subscription.events.names.joined(separator: ", "))]"
                line += " pending \(pending == 500 ? "500+" : String(pending)), failed \(failed == 500 ? "500+" : String(failed))"
                if let reason = subscription.disabledReason { line += " (\(reason))" }
                print(line)
            }
        }
    }
}

struct WebhooksReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send the events since a time again, with their original ids (receivers deduplicate by id).",
        discussion: "Events that retention has pruned cannot be sent again (setting webhooks.retention, default 7d)."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "An ISO 8601 time (2026-11-29T10:00:00Z), or a duration back from now (90m, 6h, 2d).")
    var since: String

    @Option(help: "Only this subscription (default: every active one).")
    var id: Int64?

    func run() async throws {
        try await reportingErrors {
            let clock = SystemTimeSource()
            let from = try Self.time(since, now: clock.now())
            let opened = try await store.open(create: false)
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency)
            let made = try await shop.webhooks.replay(since: from, only: id, by: .system("cli"))
            print("\(made) deliveries queued, of the events since \(from.iso8601); a running server sends them.")
        }
    }

    static func time(_ text: String, now: Timestamp) throws -> Timestamp {
        if let time = Timestamp(iso8601: text) { return time }
        let units: [Character: Int64] = ["m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let value = Int64(text.dropLast()), value > 0 {
            return Timestamp(millisecondsSince1970: now.millisecondsSince1970 - value * unit * 1000)
        }
        throw BackroomError.validation("since", "\"\(text)\" is neither an ISO 8601 time (2026-11-29T10:00:00Z) nor a duration like 90m, 6h or 2d.")
    }
}
