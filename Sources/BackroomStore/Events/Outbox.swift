import BackroomCore
import BackroomWire
import Foundation
import GRDB

/// Domain events, written by each write in its own transaction: no event
/// without its change, no change without its event. The payload is the
/// resource as the API returns it at that moment, so that a delivery made
/// an hour later still says what was true then.
enum Outbox {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The label of a store opened with `recordsEvents: false`.
    static let silentLabel = "backroom-without-events"

    static func append(
        _ db: Database, _ type: EventType, resourceType: String, resourceID: String, payload: some Encodable, context: WriteContext
    ) throws {
        guard db.configuration.label != silentLabel else { return }
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO outbox_event (event_id, type, resource_type, resource_id, at, actor, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                OutboxEventID.make(), type.rawValue, resourceType, resourceID, context.at.millisecondsSince1970,
                context.principal.name, json,
            ])
    }

    static func order(_ db: Database, _ detail: OrderDetail, context: WriteContext) throws {
        guard db.configuration.label != silentLabel else { return }
        try append(db, EventType(orderReached: detail.order.status), resourceType: "order",
                   resourceID: detail.order.number.rawValue, payload: OrderJSON(detail), context: context)
    }

    static func product(_ db: Database, _ type: EventType, _ item: InventoryItem, context: WriteContext) throws {
        guard db.configuration.label != silentLabel else { return }
        try append(db, type, resourceType: "product", resourceID: item.sku.rawValue, payload: InventoryItemJSON(item), context: context)
    }

    /// A ledger row (`stock.adjusted`), and `stock.low` / `stock.restocked`
    /// if available stock crossed the reorder point (not for a new
    /// product's initial stock: it had no level before).
    static func stockChanged(_ db: Database, _ change: StockChange, levelEvents: Bool = true, context: WriteContext) throws {
        guard db.configuration.label != silentLabel else { return }
        try append(db, .stockAdjusted, resourceType: "product", resourceID: change.item.sku.rawValue,
                   payload: StockChangeJSON(change), context: context)
        if levelEvents { try stockLevel(db, before: change.before, after: change.item, context: context) }
    }

    /// `stock.low` or `stock.restocked` when available stock crossed the
    /// reorder point between `before` and `after`.
    static func stockLevel(_ db: Database, before: StockLevel, after: InventoryItem, context: WriteContext) throws {
        guard let event = EventType.stockLevel(before: before, after: after) else { return }
        try product(db, event, after, context: context)
    }

    /// A ledger row written by an order (a sale, a return): the product is
    /// read after the change and its level before is derived from it.
    static func orderMovedStock(
        _ db: Database, productID: Int64, delta: Int64, allocatedDelta: Int64, heldDelta: Int64 = 0, movementID: Int64?,
        reason: MovementReason, reference: String, context: WriteContext
    ) throws {
        guard db.configuration.label != silentLabel else { return }
        guard let item = try InventoryRows.fetch(db, id: productID, now: context.at) else { return }
        let before = StockLevel(
            onHand: item.stock.onHand - delta, held: item.stock.held - heldDelta, allocated: item.stock.allocated - allocatedDelta
        )
        if let movementID {
            let movement = StockMovement(
                id: movementID, productID: productID, sku: item.sku, delta: delta, reason: reason,
                actor: context.principal.name, reference: reference, onHandAfter: item.stock.onHand, createdAt: context.at
            )
            try stockChanged(db, StockChange(item: item, before: before, movement: movement), context: context)
        } else {
            try stockLevel(db, before: before, after: item, context: context)
        }
    }
}
