import BackroomCore
import BackroomWire
import Foundation
import PostgresNIO

/// Domain events, each written with its change in the same transaction,
/// with the payload the SQLite store's outbox writes (the resource as the
/// API returns it at that moment), and their deliveries (see `append`).
enum PostgresOutbox {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Writes the event and, in the same transaction, a delivery for each
    /// active subscription that wants it. The SQLite store offers events
    /// later, from a cursor over event ids; here ids are taken before
    /// commit, in another order than commits, so a cursor could pass an
    /// event whose transaction had not committed yet and never offer it.
    /// (A subscription created while a write is in flight may miss that
    /// write's event.)
    @discardableResult
    static func append(
        _ connection: PostgresConnection, _ type: EventType, resourceType: String, resourceID: String,
        payload: some Encodable, context: WriteContext, logger: Logger
    ) async throws -> Int64 {
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        let ms = context.at.millisecondsSince1970
        // One statement, one round trip: the event, and a delivery for each
        // active subscription whose list (a JSON array of names, or ["*"])
        // names the type (`EventSelection.matches`). A test event goes
        // only where it is sent (`sendTestEvent`).
        let appended = Appended(
            eventID: OutboxEventID.make(), type: type.rawValue, resourceType: resourceType, resourceID: resourceID, at: ms,
            actor: context.principal.name, payload: json, deliver: type != .webhookTest
        )
        guard let id = try await connection.rows(appended, logger: logger, { try $0.stored("id", as: Int64.self) }).first else {
            throw BackroomError(.internalError, "store error: the event \(type.rawValue) was not written")
        }
        return id
    }

    /// One event and its deliveries (`append`).
    struct Appended: PreparedRows {
        static let sql = "WITH \(ctes(from: 1)) SELECT id FROM event"

        /// The CTEs `event` (its id) and `deliveries`, on parameters
        /// `$first`…`$first+7` in the order of `bind`; another statement
        /// writes its event with them too (`CheckoutStatements.PlaceOrder`).
        static func ctes(from first: Int) -> String {
            func p(_ offset: Int) -> String { "$\(first + offset)" }
            return """
                event AS (
                    INSERT INTO outbox_event (event_id, type, resource_type, resource_id, at, actor, payload)
                    VALUES (\(p(0))::TEXT, \(p(1))::TEXT, \(p(2))::TEXT, \(p(3))::TEXT, \(p(4))::BIGINT, \(p(5))::TEXT, \(p(6))::TEXT)
                    RETURNING id
                ), deliveries AS (
                    INSERT INTO webhook_delivery (subscription_id, event_id, resource_key, next_attempt_at, created_at)
                    SELECT s.id, event.id, \(p(2))::TEXT || '/' || \(p(3))::TEXT, \(p(4))::BIGINT, \(p(4))::BIGINT
                    FROM event, webhook_subscription s
                    WHERE \(p(7))::BOOLEAN AND s.status = 'active'
                        AND (s.events::jsonb @> jsonb_build_array(\(p(1))::TEXT) OR s.events::jsonb @> '["*"]'::jsonb)
                    ORDER BY s.id
                )
                """
        }

        var eventID: String
        var type: String
        var resourceType: String
        var resourceID: String
        var at: Int64
        var actor: String
        var payload: String
        var deliver: Bool

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bind(into: &bindings)
            return bindings
        }

        func bind(into bindings: inout PostgresBindings) {
            bindings.append(eventID)
            bindings.append(type)
            bindings.append(resourceType)
            bindings.append(resourceID)
            bindings.append(at)
            bindings.append(actor)
            bindings.append(payload)
            bindings.append(deliver)
        }
    }

    /// The event of an order reaching its status, ready to be written by
    /// `append` or inside another statement (`Appended.ctes`).
    static func orderEvent(_ detail: OrderDetail, context: WriteContext) throws -> Appended {
        Appended(
            eventID: OutboxEventID.make(), type: EventType(orderReached: detail.order.status).rawValue, resourceType: "order",
            resourceID: detail.order.number.rawValue, at: context.at.millisecondsSince1970, actor: context.principal.name,
            payload: String(decoding: try encoder.encode(OrderJSON(detail)), as: UTF8.self), deliver: true
        )
    }

    static func product(_ connection: PostgresConnection, _ type: EventType, _ item: InventoryItem, context: WriteContext, logger: Logger) async throws {
        try await append(connection, type, resourceType: "product", resourceID: item.sku.rawValue, payload: InventoryItemJSON(item), context: context, logger: logger)
    }

    /// `stock.adjusted`, and `stock.low` / `stock.restocked` when available
    /// stock crossed the reorder point (not for a new product's first stock).
    static func stockChanged(_ connection: PostgresConnection, _ change: StockChange, levelEvents: Bool = true, context: WriteContext, logger: Logger) async throws {
        try await append(connection, .stockAdjusted, resourceType: "product", resourceID: change.item.sku.rawValue,
                         payload: StockChangeJSON(change), context: context, logger: logger)
        if levelEvents, let event = EventType.stockLevel(before: change.before, after: change.item) {
            try await product(connection, event, change.item, context: context, logger: logger)
        }
    }

    static func order(_ connection: PostgresConnection, _ detail: OrderDetail, context: WriteContext, logger: Logger) async throws {
        try await connection.run(try orderEvent(detail, context: context), logger: logger)
    }

    /// A ledger row written by an order (a sale, a return), or a change of
    /// allocation alone: the product is read after the change and its level
    /// before is derived from it.
    static func orderMovedStock(
        _ connection: PostgresConnection, productID: Int64, delta: Int64, allocatedDelta: Int64, heldDelta: Int64 = 0, movementID: Int64?,
        reason: MovementReason, reference: String, context: WriteContext, logger: Logger
    ) async throws {
        guard let item = try await PostgresInventoryRows.fetch(connection, id: productID, now: context.at, logger: logger) else { return }
        let before = StockLevel(
            onHand: item.stock.onHand - delta, held: item.stock.held - heldDelta, allocated: item.stock.allocated - allocatedDelta
        )
        if let movementID {
            let movement = StockMovement(
                id: movementID, productID: productID, sku: item.sku, delta: delta, reason: reason,
                actor: context.principal.name, reference: reference, onHandAfter: item.stock.onHand, createdAt: context.at
            )
            try await stockChanged(connection, StockChange(item: item, before: before, movement: movement), context: context, logger: logger)
        } else if let event = EventType.stockLevel(before: before, after: item) {
            try await product(connection, event, item, context: context, logger: logger)
        }
    }
}
