import BackroomCore
import PostgresNIO

enum PostgresOrderRows {
    static let columns = """
        o.id, o.status, o.customer_id, o.email, o.currency, o.item_count, o.subtotal, o.total, \
        o.ship_name, o.ship_line1, o.ship_line2, o.ship_city, o.ship_postal_code, o.ship_country, \
        o.payment_reference, o.placed_at, o.updated_at, o.cart_id
        """

    static func decode(_ row: PostgresRandomAccessRow) throws -> Order {
        let currency = try row.currency("currency")
        return Order(
            id: try row.stored("id"),
            status: try row.stored("status", as: OrderStatus.self),
            customerID: try row.stored("customer_id"),
            email: Email(trusted: try row.stored("email")),
            currency: currency,
            itemCount: try row.stored("item_count"),
            subtotal: Money(minorUnits: try row.stored("subtotal"), currency: currency),
            total: Money(minorUnits: try row.stored("total"), currency: currency),
            shippingAddress: ShippingAddress(
                name: try row.stored("ship_name"), line1: try row.stored("ship_line1"), line2: try row.stored("ship_line2"),
                city: try row.stored("ship_city"), postalCode: try row.stored("ship_postal_code"), country: try row.stored("ship_country")
            ),
            paymentReference: try row.stored("payment_reference"),
            cartID: (try row.stored("cart_id", as: String?.self)).map(CartID.init(trusted:)),
            placedAt: try row.timestamp("placed_at"),
            updatedAt: try row.timestamp("updated_at")
        )
    }

    /// The order; with `lock`, its row stays locked until the transaction
    /// ends (transitions and payments of one order apply one at a time).
    static func fetchOrder(_ connection: PostgresConnection, id: Int64, lock: Bool = false, logger: Logger) async throws -> Order? {
        let statement = Statement(sql: "SELECT \(columns) FROM shop_order o WHERE o.id = ?" + (lock ? " FOR UPDATE" : ""), values: [id])
        return try await connection.query(statement.query, logger: logger).decoded(decode).first
    }

    static func lines(_ connection: PostgresConnection, orderID: Int64, currency: Currency, logger: Logger) async throws -> [OrderLine] {
        try await connection.query("""
            SELECT product_id, sku, name, unit_price, quantity, line_total FROM order_line WHERE order_id = \(orderID) ORDER BY line_number
            """, logger: logger).decoded { row in
            OrderLine(
                productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                unitPrice: Money(minorUnits: try row.stored("unit_price"), currency: currency), quantity: try row.stored("quantity"),
                lineTotal: Money(minorUnits: try row.stored("line_total"), currency: currency)
            )
        }
    }

    static func timeline(_ connection: PostgresConnection, orderID: Int64, logger: Logger) async throws -> [OrderEvent] {
        try await connection.query("""
            SELECT at, actor, event, from_status, to_status, note FROM order_event WHERE order_id = \(orderID) ORDER BY id
            """, logger: logger).decoded { row in
            let from = try row.stored("from_status", as: String?.self)
            guard from.map({ OrderStatus(rawValue: $0) != nil }) ?? true else {
                throw BackroomError(.internalError, "store error: column from_status holds \"\(from ?? "")\", which this Backroom does not know as a OrderStatus")
            }
            return OrderEvent(
                at: try row.timestamp("at"), actor: try row.stored("actor"), event: try row.stored("event"),
                fromStatus: from.flatMap(OrderStatus.init(rawValue:)),
                toStatus: try row.stored("to_status", as: OrderStatus.self), note: try row.stored("note")
            )
        }
    }

    static func detail(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> OrderDetail? {
        guard let order = try await fetchOrder(connection, id: id, logger: logger) else { return nil }
        return OrderDetail(
            order: order, lines: try await lines(connection, orderID: id, currency: order.currency, logger: logger),
            timeline: try await timeline(connection, orderID: id, logger: logger)
        )
    }

    static func appendEvent(_ connection: PostgresConnection, orderID: Int64, event: OrderEvent, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO order_event (order_id, at, actor, event, from_status, to_status, note)
            VALUES (\(orderID), \(event.at.millisecondsSince1970), \(event.actor), \(event.event),
                    \(event.fromStatus?.rawValue), \(event.toStatus.rawValue), \(event.note))
            """, logger: logger)
    }

    static func query(filter: OrderFilter, sort: OrderSort) -> PostgresKeysetQuery {
        let (expression, kind): (String, PostgresKeysetQuery.ValueKind) = switch sort.key {
        case .number: ("o.id", .integer)
        case .status: ("(o.status COLLATE \"C\")", .text)
        case .customer: ("(o.email COLLATE \"C\")", .text)
        case .items: ("o.item_count", .integer)
        case .total: ("o.total", .integer)
        case .placedAt: ("o.placed_at", .integer)
        }
        var query = PostgresKeysetQuery(
            columns: columns, columnValues: [], from: "shop_order o",
            sortExpression: expression, idExpression: "o.id", direction: sort.direction, valueKind: kind
        )
        if !filter.statuses.isEmpty {
            let statuses = OrderStatus.allCases.filter(filter.statuses.contains).map(\.rawValue)
            query.filter("o.status = ANY(?)", statuses)
        }
        if let customerID = filter.customerID { query.filter("o.customer_id = ?", customerID) }
        if let from = filter.placedFrom { query.filter("o.placed_at >= ?", from.millisecondsSince1970) }
        if let before = filter.placedBefore { query.filter("o.placed_at < ?", before.millisecondsSince1970) }
        if let minimum = filter.minimumTotalMinorUnits { query.filter("o.total >= ?", minimum) }
        if let maximum = filter.maximumTotalMinorUnits { query.filter("o.total <= ?", maximum) }
        if let text = filter.text?.trimmingWhitespace().lowercased(), !text.isEmpty {
            if let number = try? OrderNumber(text) {
                query.filter("o.id = ?", number.id)
            } else {
                query.filter("starts_with(o.email, ?)", text)
            }
        }
        return query
    }
}
