import BackroomCore
import GRDB

enum OrderRows {
    static let columns = """
        o.id, o.status, o.customer_id, o.email, o.currency, o.item_count, o.subtotal, o.total, \
        o.ship_name, o.ship_line1, o.ship_line2, o.ship_city, o.ship_postal_code, o.ship_country, \
        o.payment_reference, o.placed_at, o.updated_at, o.cart_id
        """

    static func decode(_ row: Row) throws -> Order {
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

    static func fetchOrder(_ db: Database, id: Int64) throws -> Order? {
        try RowsDecoded.one(db.cachedStatement(sql: "SELECT \(columns) FROM shop_order o WHERE o.id = ?"), arguments: [id], decode)
    }

    static func lines(_ db: Database, orderID: Int64, currency: Currency) throws -> [OrderLine] {
        try RowsDecoded.all(
            db.cachedStatement(sql: "SELECT product_id, sku, name, unit_price, quantity, line_total FROM order_line WHERE order_id = ? ORDER BY line_number"),
            arguments: [orderID]
        ) { row in
            OrderLine(
                productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                unitPrice: Money(minorUnits: try row.stored("unit_price"), currency: currency), quantity: try row.stored("quantity"),
                lineTotal: Money(minorUnits: try row.stored("line_total"), currency: currency)
            )
        }
    }

    static func timeline(_ db: Database, orderID: Int64) throws -> [OrderEvent] {
        try RowsDecoded.all(
            db.cachedStatement(sql: "SELECT at, actor, event, from_status, to_status, note FROM order_event WHERE order_id = ? ORDER BY id"),
            arguments: [orderID]
        ) { row in
            OrderEvent(
                at: try row.timestamp("at"), actor: try row.stored("actor"), event: try row.stored("event"),
                fromStatus: try row.stored("from_status", as: OrderStatus?.self),
                toStatus: try row.stored("to_status", as: OrderStatus.self), note: try row.stored("note")
            )
        }
    }

    static func detail(_ db: Database, id: Int64) throws -> OrderDetail? {
        guard let order = try fetchOrder(db, id: id) else { return nil }
        return OrderDetail(order: order, lines: try lines(db, orderID: id, currency: order.currency), timeline: try timeline(db, orderID: id))
    }

    static func appendEvent(_ db: Database, orderID: Int64, event: OrderEvent) throws {
        try db.cachedStatement(sql: """
            INSERT INTO order_event (order_id, at, actor, event, from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                orderID, event.at.millisecondsSince1970, event.actor, event.event,
                event.fromStatus?.rawValue, event.toStatus.rawValue, event.note,
            ])
    }

    static func query(filter: OrderFilter, sort: OrderSort) -> KeysetQuery {
        let (expression, kind): (String, KeysetQuery.ValueKind) = switch sort.key {
        case .number: ("o.id", .integer)
        case .status: ("o.status", .text)
        case .customer: ("o.email", .text)
        case .items: ("o.item_count", .integer)
        case .total: ("o.total", .integer)
        case .placedAt: ("o.placed_at", .integer)
        }
        var query = KeysetQuery(
            columns: columns, columnArguments: [], from: "shop_order o",
            sortExpression: expression, idExpression: "o.id", direction: sort.direction, valueKind: kind
        )
        if !filter.statuses.isEmpty {
            let statuses = OrderStatus.allCases.filter(filter.statuses.contains)
            let placeholders = statuses.map { _ in "?" }.joined(separator: ", ")
            query.conditions.append(("+o.status IN (\(placeholders))", "o.status IN (\(placeholders))"))
            query.conditionArguments.append(contentsOf: statuses.map(\.rawValue))
        }
        if let customerID = filter.customerID { query.filter("o.customer_id = ?", customerID) }
        if let from = filter.placedFrom { query.filter(scanning: "o.placed_at >= ?", from.millisecondsSince1970) }
        if let before = filter.placedBefore { query.filter(scanning: "o.placed_at < ?", before.millisecondsSince1970) }
        if let minimum = filter.minimumTotalMinorUnits { query.filter(scanning: "o.total >= ?", minimum) }
        if let maximum = filter.maximumTotalMinorUnits { query.filter(scanning: "o.total <= ?", maximum) }
        if let text = filter.text?.trimmingWhitespace().lowercased(), !text.isEmpty {
            if let number = try? OrderNumber(text) {
                query.filter("o.id = ?", number.id)
            } else {
                // A prefix of the email, as a range so the email index serves it.
                query.filter("o.email >= ? AND o.email < ?", text, text + "\u{10FFFF}")
            }
        }
        return query
    }
}
