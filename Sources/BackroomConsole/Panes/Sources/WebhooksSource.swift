import BackroomCore
import BackroomServices
import Foundation
import TerminalKit

/// The Webhooks pane (admins): every delivery, newest first, with its
/// subscription, event, status and last answer; `f` keeps one
/// subscription's, `s` cycles the status shown, `r` sends a failed or
/// waiting delivery now. Enter shows the subscription and the event.
struct WebhooksSource: NewestFirstListSource {
    typealias Item = WebhookDelivery

    struct Detail: Sendable {
        var delivery: WebhookDelivery
        var subscription: WebhookSubscription?
    }

    static let kind = PaneKind.webhooks
    static let emptyText = "No deliveries match. Subscriptions are made over the API: POST /api/v1/admin/webhooks."

    var filter = DeliveryFilter()

    var text: String? {
        get { filter.text }
        set { filter.text = newValue }
    }

    static let columns: [ListColumn<WebhookDelivery>] = [
        ListColumn(id: "time", table: TableColumn("Event at", width: .fixed(17), priority: 0), sortKey: nil) { delivery, context in
            (Formatting.relative(delivery.event.at, now: context.now), nil)
        },
        ListColumn(id: "webhook", table: TableColumn("Hook", width: .fixed(6), priority: 1), sortKey: nil) { delivery, _ in
            ("#\(delivery.subscriptionID)", nil)
        },
        ListColumn(id: "event", table: TableColumn("Event", width: .fixed(16), priority: 0), sortKey: nil) { delivery, _ in
            (delivery.event.type.rawValue, nil)
        },
        ListColumn(id: "resource", table: TableColumn("Resource", width: .flexible(minimum: 14), priority: 1), sortKey: nil) { delivery, _ in
            (delivery.event.resourceKey, nil)
        },
        ListColumn(id: "status", table: TableColumn("Status", width: .fixed(10), priority: 0), sortKey: nil) { delivery, context in
            let style: Style? = switch delivery.status {
            case .delivered: context.theme["status.ok"]
            case .failed: context.theme["status.error"]
            case .pending: delivery.attempts > 0 ? context.theme["status.warn"] : nil
            }
            return (delivery.status.rawValue, style)
        },
        ListColumn(id: "attempts", table: TableColumn("Tries", width: .fixed(5), alignment: .right, priority: 1), sortKey: nil) { delivery, _ in
            (String(delivery.attempts), nil)
        },
        ListColumn(id: "answer", table: TableColumn("Last answer", width: .flexible(minimum: 12), priority: 2), sortKey: nil) { delivery, context in
            (WebhooksSource.answer(delivery, now: context.now), nil)
        },
    ]

    /// The last answer, or when the next attempt is due.
    static func answer(_ delivery: WebhookDelivery, now: Timestamp) -> String {
        var parts: [String] = []
        if let code = delivery.lastStatusCode { parts.append("HTTP \(code)") } else if let error = delivery.lastError { parts.append(error) }
        if delivery.status == .pending && delivery.attempts > 0 {
            let seconds = max(0, (delivery.nextAttemptAt.millisecondsSince1970 - now.millisecondsSince1970) / 1000)
            parts.append("retry in \(seconds) s")
        }
        return parts.joined(separator: " · ")
    }

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<WebhookDelivery> {
        try await context.shop.webhooks.deliveries(matching: filter, window: window, by: context.principal)
    }

    func count(_ context: PaneContext) async throws -> Int {
        try await context.shop.webhooks.countDeliveries(matching: filter, by: context.principal)
    }

    func title(total: Int?, _ context: PaneContext) -> String {
        var title = "Webhooks"
        if let total { title += " · \(Formatting.count(total, "delivery", plural: "deliveries"))" }
        var filters: [String] = []
        if let subscription = filter.subscription { filters.append("hook=#\(subscription)") }
        if let status = filter.status { filters.append("status=\(status.rawValue)") }
        if let text = filter.text { filters.append("\"\(text)\"") }
        if !filters.isEmpty { title += " · filter " + filters.joined(separator: " ") }
        return title
    }

    func key(of delivery: WebhookDelivery) -> String { delivery.event.eventID }

    mutating func perform(_ action: ConsoleAction, selected: WebhookDelivery?, marked: [WebhookDelivery], count: Int?, _ context: PaneContext) -> SourceStep {
        switch action {
        case .filterWebhook:
            filter.subscription = filter.subscription == nil ? selected?.subscriptionID : nil
            return .reload
        case .cycleDeliveryStatus:
            let order: [WebhookDelivery.Status?] = [nil, .pending, .failed, .delivered]
            let index = order.firstIndex(of: filter.status) ?? 0
            filter.status = order[(index + 1) % order.count]
            return .reload
        case .retryDelivery:
            guard let delivery = selected else { return .none }
            return .outcome(Self.retry(delivery, context))
        default:
            return .none
        }
    }

    static func retry(_ delivery: WebhookDelivery, _ context: PaneContext) -> PaneOutcome {
        guard delivery.status != .delivered else {
            return .flash("Delivery \(delivery.id) was delivered; `backroom webhooks replay` sends events again.")
        }
        let (webhooks, principal) = (context.shop.webhooks, context.principal)
        return PaneOutcome(commands: [Writes.command(context, panes: [.webhooks]) {
            _ = try await webhooks.retry(delivery: delivery.id, of: delivery.subscriptionID, by: principal)
            return "\(delivery.event.type.rawValue) for hook #\(delivery.subscriptionID): sending now"
        }])
    }

    func openDetail(_ delivery: WebhookDelivery, _ context: PaneContext) -> (Detail?, PaneOutcome) {
        let (webhooks, principal) = (context.shop.webhooks, context.principal)
        let load = Command<ConsoleMessage> {
            let subscription = try? await webhooks.subscription(delivery.subscriptionID, by: principal)
            return .pane(.webhooks, .detail(Payload.subscription(subscription)))
        }
        return (Detail(delivery: delivery), PaneOutcome(commands: [load]))
    }

    enum Payload: Sendable {
        case subscription(WebhookSubscription?)
    }

    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome {
        if case .subscription(let subscription)? = payload as? Payload { detail?.subscription = subscription }
        return PaneOutcome()
    }

    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome {
        switch action {
        case .retryDelivery: Self.retry(detail.delivery, context)
        case .copyKey: PaneOutcome(flash: Flash("Copied \(detail.delivery.event.eventID)"), clipboard: detail.delivery.event.eventID)
        default: PaneOutcome()
        }
    }

    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {
        let theme = context.theme
        let delivery = detail.delivery
        Box(title: "\(delivery.event.type.rawValue) · \(delivery.event.resourceKey)", footer: "r send now · y copy the event id",
            borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
        let inside = Box.inside(area)
        var lines: [(String, Style?)] = [
            ("Event       \(delivery.event.eventID) at \(delivery.event.at.iso8601) by \(delivery.event.actor)", nil),
            ("Delivery    #\(delivery.id): \(delivery.status.rawValue), \(Formatting.count(delivery.attempts, "attempt"))", delivery.status == .failed ? theme["status.error"] : nil),
            ("Last answer \(Self.answer(delivery, now: context.now).isEmpty ? "none yet" : Self.answer(delivery, now: context.now))", nil),
        ]
        if let subscription = detail.subscription {
            lines.append(("Hook        #\(subscription.id) \(subscription.url)", nil))
            lines.append(("            \(subscription.status.rawValue) · events \(subscription.events.names.joined(separator: ", "))",
                          subscription.status == .disabled ? theme["status.error"] : nil))
            if let reason = subscription.disabledReason { lines.append(("            \(reason)", theme["status.error"])) }
            if let since = subscription.failingSince { lines.append(("            failing since \(Formatting.relative(since, now: context.now))", theme["status.warn"])) }
        } else {
            lines.append(("Hook        #\(delivery.subscriptionID)", nil))
        }
        lines.append(("", nil))
        lines.append(("Data", theme["title"]))
        for line in Self.pretty(delivery.event.payload) { lines.append(("  " + line, nil)) }
        for (index, line) in lines.enumerated() where index < inside.height {
            TextLine(" " + line.0, style: line.1 ?? theme["body"]).render(into: &grid, area: inside.row(index))
        }
    }

    /// The payload indented, one field a line.
    static func pretty(_ json: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return [json] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
