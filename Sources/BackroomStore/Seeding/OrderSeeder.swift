import BackroomCore
import GRDB

/// Seeds orders across every status, consistent with stock: open orders
/// allocate their units, shipped and delivered ones took them off on hand
/// with `sale` ledger rows, refunds put some back as `return`s.
struct OrderSeeder {
    let store: SQLiteShopStore

    private struct StockedProduct {
        var id: Int64
        var sku: String
        var name: String
        var price: Int64
        var onHand: Int64
        var held: Int64
        var allocated: Int64
        var startOnHand: Int64
        var startAllocated: Int64
        var available: Int64 { onHand - held - allocated }
    }

    private struct Customer {
        var id: Int64
        var email: String
        var name: String
    }

    /// The path an order took to its final status.
    private static let paths: [(weight: Int, actions: [OrderAction])] = [
        (10, []),
        (15, [.pay]),
        (15, [.pay, .ship]),
        (42, [.pay, .ship, .deliver]),
        (5, [.cancel]),
        (4, [.pay, .cancel]),
        (3, [.pay, .refund]),
        (6, [.pay, .ship, .deliver, .refund]),
    ]

    func seed(_ plan: SeedPlan, _ random: inout SeededRandom, _ progress: (SeedProgress) -> Void) throws -> Int {
        var products = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, sku, name, price, on_hand, held, allocated FROM product
                WHERE status = 'active' AND on_hand - held - allocated > 0 ORDER BY id LIMIT 20000
                """).map { row in
                StockedProduct(id: try row.stored("id"), sku: try row.stored("sku"), name: try row.stored("name"), price: try row.stored("price"),
                               onHand: try row.stored("on_hand"), held: try row.stored("held"), allocated: try row.stored("allocated"),
                               startOnHand: try row.stored("on_hand"), startAllocated: try row.stored("allocated"))
            }
        }
        let customers = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, email, display_name FROM user WHERE role = 'customer' ORDER BY id LIMIT 10000")
                .map { Customer(id: try $0.stored("id"), email: try $0.stored("email"), name: try $0.stored("display_name")) }
        }
        guard !products.isEmpty else {
            throw BackroomError.validation("orders", "There is no product with stock to order; seed products first.")
        }
        let currency = store.currency.code
        let totalWeight = Self.paths.reduce(0) { $0 + $1.weight }
        let ninetyDays: Int64 = 90 * 86_400_000
        let end = plan.now.millisecondsSince1970
        let start = end - ninetyDays
        var placed = 0
        var attempts = 0
        while placed < plan.orders && attempts < plan.orders * 3 {
            let count = min(StoreSeeder.chunkSize / 4, plan.orders - placed)
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let insertOrder = try db.makeStatement(sql: """
                        INSERT INTO shop_order (status, customer_id, email, currency, item_count, subtotal, total,
                            ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country,
                            payment_reference, placed_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
                        """)
                    let insertLine = try db.makeStatement(sql: """
                        INSERT INTO order_line (order_id, line_number, product_id, sku, name, unit_price, quantity, line_total)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    let insertEvent = try db.makeStatement(sql: """
                        INSERT INTO order_event (order_id, at, actor, event, from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    let insertMovement = try db.makeStatement(sql: """
                        INSERT INTO stock_movement (product_id, delta, reason, actor, reference, on_hand_after, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    var touched = Set<Int>()
                    var done = 0
                    while done < count && attempts < plan.orders * 3 {
                        attempts += 1
                        // Orders arrive in time order over the last 90 days.
                        let placedAt = start + ninetyDays * Int64(placed + done) / Int64(max(plan.orders, 1)) + random.int(in: 0...60_000)
                        var pick = Int(random.int(in: 0...Int64(totalWeight - 1)))
                        var actions: [OrderAction] = []
                        for path in Self.paths {
                            if pick < path.weight { actions = path.actions; break }
                            pick -= path.weight
                        }
                        // Recent orders are still moving; old ones have arrived.
                        if end - placedAt > 14 * 86_400_000 && (actions.isEmpty || actions == [.pay] || actions == [.pay, .ship]) {
                            actions = [.pay, .ship, .deliver]
                        }
                        let lineCount = Int(random.int(in: 1...4))
                        var lines: [(index: Int, quantity: Int64)] = []
                        for _ in 0..<lineCount {
                            let index = Int(random.int(in: 0...Int64(products.count - 1)))
                            guard !lines.contains(where: { $0.index == index }) else { continue }
                            let quantity = min(random.int(in: 1...3), products[index].available)
                            if quantity > 0 { lines.append((index, quantity)) }
                        }
                        guard !lines.isEmpty else { continue }
                        let guest = customers.isEmpty || random.chance(0.3)
                        let customer = guest ? nil : random.pick(customers)
                        let email = customer?.email ?? "guest\(placed + done + 1)@example.net"
                        let shipName = customer?.name ?? "Guest Shopper"
                        let (city, country, postal) = random.pick(DemoCatalog.cities)
                        let street = "\(random.pick(DemoCatalog.streets)) \(random.int(in: 1...200))"
                        var status = OrderStatus.pendingPayment
                        for action in actions { status = try OrderStateMachine.transition(from: status, action: action).to }
                        let restocked = actions.last == .refund && actions.contains(.ship) && random.chance(0.5)
                        let itemCount = lines.reduce(0) { $0 + $1.quantity }
                        let subtotal = lines.reduce(0) { $0 + products[$1.index].price * $1.quantity }
                        let paymentReference: String? = actions.contains(.pay) ? "sim_seed_\(placed + done + 1)" : nil
                        let lastAt = placedAt + Int64(actions.count) * 3_600_000 * random.int(in: 1...20)
                        try insertOrder.execute(arguments: [
                            status.rawValue, customer?.id, email, currency, itemCount, subtotal, subtotal,
                            shipName, street, city, postal, country, paymentReference, placedAt, lastAt,
                        ])
                        let orderID = db.lastInsertedRowID
                        let number = OrderNumber(id: orderID).rawValue
                        for (lineNumber, line) in lines.enumerated() {
                            let product = products[line.index]
                            try insertLine.execute(arguments: [
                                orderID, lineNumber + 1, product.id, product.sku, product.name, product.price,
                                line.quantity, product.price * line.quantity,
                            ])
                        }
                        try insertEvent.execute(arguments: [orderID, placedAt, email, "placed", nil, OrderStatus.pendingPayment.rawValue, nil])
                        var current = OrderStatus.pendingPayment
                        var at = placedAt
                        for action in actions {
                            let transition = try OrderStateMachine.transition(from: current, action: action)
                            at += 3_600_000 * random.int(in: 1...20)
                            let actor: String = switch action {
                            case .pay: email
                            case .deliver: "carrier"
                            default: "ana@backroom.local"
                            }
                            var note: String? = action == .pay ? "payment \(paymentReference ?? "")" : nil
                            if transition.stockEffect == .restockIfRequested { note = restocked ? "restocked" : "not restocked" }
                            try insertEvent.execute(arguments: [orderID, at, actor, action.rawValue, current.rawValue, transition.to.rawValue, note])
                            for line in lines {
                                switch transition.stockEffect {
                                case .consumeAllocation:
                                    products[line.index].onHand -= line.quantity
                                    try insertMovement.execute(arguments: [
                                        products[line.index].id, -line.quantity, "sale", actor, number, products[line.index].onHand, at,
                                    ])
                                case .restockIfRequested where restocked:
                                    products[line.index].onHand += line.quantity
                                    try insertMovement.execute(arguments: [
                                        products[line.index].id, line.quantity, "return", actor, number, products[line.index].onHand, at,
                                    ])
                                default:
                                    break
                                }
                            }
                            current = transition.to
                        }
                        if status.holdsAllocation {
                            for line in lines { products[line.index].allocated += line.quantity }
                        }
                        for line in lines { touched.insert(line.index) }
                        done += 1
                    }
                    let update = try db.makeStatement(sql: "UPDATE product SET on_hand = ?, allocated = ? WHERE id = ?")
                    for index in touched {
                        try update.execute(arguments: [products[index].onHand, products[index].allocated, products[index].id])
                    }
                    placed += done
                    return .commit
                }
            }
            progress(SeedProgress(phase: "orders", done: placed, total: plan.orders))
        }
        return placed
    }
}
