import Foundation

/// What the audit log says about each kind of write. Every store writes
/// these records as they are, so the log reads the same whichever store
/// runs under the shop; the words live here, not in the SQL.
extension AuditRecord {
    // MARK: Catalog and stock

    public static func productCreated(_ draft: ValidProductDraft, status: ProductStatus) -> AuditRecord {
        AuditRecord(
            action: "product.create", targetType: "product", targetID: draft.sku.rawValue,
            summary: "created \"\(draft.name)\" at \(draft.price), \(draft.initialStock) on hand" + (status == .archived ? ", archived" : "")
        )
    }

    public static func productUpdated(_ changes: ProductChanges, from before: Product, to after: Product) -> AuditRecord {
        let action = before.status == after.status ? "product.update" : (after.status == .archived ? "product.archive" : "product.restore")
        return AuditRecord(action: action, targetType: "product", targetID: before.sku.rawValue, summary: changes.summary(from: before, to: after))
    }

    public static func stockChanged(
        _ sku: SKU, _ instruction: StockInstruction, before: StockLevel, after: StockLevel, reason: MovementReason, reference: String?
    ) -> AuditRecord {
        let action = if case .setCount = instruction { "stock.set" } else { "stock.adjust" }
        var summary = "on hand \(before.onHand) → \(after.onHand) (\(reason.label))"
        if let reference { summary += ": \(reference)" }
        return AuditRecord(action: action, targetType: "product", targetID: sku.rawValue, summary: summary)
    }

    public static func stockTakeCommitted(_ takeID: Int64, written: Int, unchanged: Int, toRecount: Int) -> AuditRecord {
        AuditRecord(
            action: "stock.take", targetType: "stock_take", targetID: String(takeID),
            summary: "\(written) counts written, \(unchanged) unchanged, \(toRecount) to recount"
        )
    }

    // MARK: Orders

    public static func orderTransition(_ number: OrderNumber, _ action: OrderAction, from: OrderStatus, to: OrderStatus, note: String?) -> AuditRecord {
        AuditRecord(
            action: "order.\(action.rawValue)", targetType: "order", targetID: number.rawValue,
            summary: "\(from.label) → \(to.label)" + (note.map { ": \($0)" } ?? "")
        )
    }

    // MARK: Users

    public static func userCreated(_ user: NewUser) -> AuditRecord {
        AuditRecord(action: "user.create", targetType: "user", targetID: user.email.rawValue, summary: "created \(user.role.rawValue) \"\(user.displayName)\"")
    }

    public static func userUpdated(_ changes: UserChanges, from before: User, to after: User) -> AuditRecord {
        let action = if before.status != after.status {
            after.status == .disabled ? "user.disable" : "user.enable"
        } else if before.role != after.role {
            "user.role"
        } else {
            "user.update"
        }
        return AuditRecord(action: action, targetType: "user", targetID: before.email.rawValue, summary: changes.summary(from: before, to: after))
    }

    public static func passwordReset(_ user: User) -> AuditRecord {
        AuditRecord(action: "user.password", targetType: "user", targetID: user.email.rawValue, summary: "password reset; all sessions revoked")
    }

    public static func sessionsRevoked(_ user: User, count: Int) -> AuditRecord {
        AuditRecord(action: "user.revoke_tokens", targetType: "user", targetID: user.email.rawValue, summary: "revoked \(count) session\(count == 1 ? "" : "s")")
    }

    // MARK: Webhooks

    public static func webhookCreated(_ id: Int64, _ draft: WebhookDraft) -> AuditRecord {
        AuditRecord(action: "webhook.create", targetType: "webhook", targetID: String(id), summary: "\(draft.url) for \(draft.events.names.joined(separator: ", "))")
    }

    /// Nil when nothing would change.
    public static func webhookUpdated(_ changes: WebhookChanges, current: WebhookSubscription) -> AuditRecord? {
        var summary: [String] = []
        if let url = changes.url, url != current.url { summary.append("url \(url)") }
        if let events = changes.events, events != current.events { summary.append("events \(events.names.joined(separator: ", "))") }
        if let description = changes.description, description != current.description { summary.append("description") }
        if let status = changes.status, status != current.status { summary.append(status == .active ? "enabled" : "disabled") }
        guard !summary.isEmpty else { return nil }
        let action = changes.status == .disabled && current.status == .active ? "webhook.disable"
            : changes.status == .active && current.status == .disabled ? "webhook.enable" : "webhook.update"
        return AuditRecord(action: action, targetType: "webhook", targetID: String(current.id), summary: summary.joined(separator: "; "))
    }

    public static func webhookSecretRotated(_ id: Int64) -> AuditRecord {
        AuditRecord(action: "webhook.rotate_secret", targetType: "webhook", targetID: String(id), summary: "new signing secret")
    }

    public static func webhookDeleted(_ subscription: WebhookSubscription) -> AuditRecord {
        AuditRecord(action: "webhook.delete", targetType: "webhook", targetID: String(subscription.id), summary: subscription.url)
    }

    /// Why a subscription whose every attempt failed for too long was
    /// switched off; kept on the subscription and in the log.
    public static func webhookFailingReason(failingFor milliseconds: Int64, lastError: String) -> String {
        let hours = Double(milliseconds) / 3_600_000
        return "disabled automatically: every attempt failed for \(String(format: "%.1f", hours)) h (last: \(lastError.prefix(200)))"
    }

    public static func webhookDisabledAutomatically(_ id: Int64, reason: String) -> AuditRecord {
        AuditRecord(action: "webhook.disable", targetType: "webhook", targetID: String(id), summary: reason)
    }

    public static func webhookDeliveryRetried(_ delivery: WebhookDelivery) -> AuditRecord {
        AuditRecord(
            action: "webhook.retry", targetType: "webhook", targetID: String(delivery.subscriptionID),
            summary: "delivery \(delivery.id) of \(delivery.event.type.rawValue) \(delivery.event.eventID)"
        )
    }

    public static func webhookEventsReplayed(_ deliveries: Int, since: Timestamp, only subscriptionID: Int64?) -> AuditRecord {
        AuditRecord(
            action: "webhook.replay", targetType: "webhook", targetID: subscriptionID.map(String.init) ?? "*",
            summary: "\(deliveries) deliveries of events since \(since.iso8601)"
        )
    }
}

extension OrderEvent {
    /// The timeline note of a transition: the operator's note, what happened
    /// to the stock of a refund, the payment reference.
    public static func transitionNote(_ note: String?, restockEffect: Bool, restocked: Bool, paymentReference: String?) -> String? {
        var note = note
        if restockEffect {
            let restockNote = restocked ? "restocked" : "not restocked"
            note = note.map { "\($0) (\(restockNote))" } ?? restockNote
        }
        if let paymentReference {
            note = note.map { "\($0) (payment \(paymentReference))" } ?? "payment \(paymentReference)"
        }
        return note
    }
}
