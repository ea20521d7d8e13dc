import BackroomCore
import PostgresNIO

extension PostgresShopStore: CatalogStore {
    public func createProduct(_ draft: ValidProductDraft, context: WriteContext) async throws -> InventoryItem {
        try await write { connection, changed in try await self.createProduct(connection, draft, status: .active, context: context, changed: changed) }
    }

    func createProduct(
        _ connection: PostgresConnection, _ draft: ValidProductDraft, status: ProductStatus, context: WriteContext, changed: ChangedAreas
    ) async throws -> InventoryItem {
        guard draft.price.currency == currency else {
            throw BackroomError.validation("price", "This shop sells in \(currency.code), not \(draft.price.currency.code).")
        }
        let logger = self.logger
        let currency = self.currency
        let now = context.at.millisecondsSince1970
        let inserted: [Int64]
        do {
            inserted = try await connection.query("""
                INSERT INTO product (sku, name, description, price, currency, status, reorder_point, on_hand, created_at, updated_at)
                VALUES (\(draft.sku.rawValue), \(draft.name), \(draft.description), \(draft.price.minorUnits), \(currency.code),
                        \(status.rawValue), \(draft.reorderPoint), \(draft.initialStock), \(now), \(now))
                RETURNING id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }
        } catch let error where PostgresErrors.isUniqueViolation(error) {
            throw BackroomError(.conflict, "A product with SKU \(draft.sku) already exists.", field: "sku")
        }
        let productID = inserted[0]
        var initialMovementID: Int64?
        if draft.initialStock > 0 {
            initialMovementID = try await PostgresLedger.append(
                connection, productID: productID, delta: draft.initialStock, reason: .received,
                actor: context.principal.name, reference: context.ledgerReference ?? "initial stock",
                onHandAfter: draft.initialStock, at: context.at, logger: logger
            )
        }
        if context.isAudited {
            try await PostgresAuditLog.append(connection, context: context, .productCreated(draft, status: status), logger: logger)
        }
        guard let item = try await PostgresInventoryRows.fetch(connection, id: productID, now: context.at, logger: logger) else {
            throw BackroomError(.internalError, "store error: the new product \(draft.sku) was not found in its own transaction")
        }
        try await PostgresOutbox.product(connection, .productCreated, item, context: context, logger: logger)
        if let initialMovementID {
            let movement = StockMovement(
                id: initialMovementID, productID: productID, sku: item.sku, delta: draft.initialStock, reason: .received,
                actor: context.principal.name, reference: context.ledgerReference ?? "initial stock",
                onHandAfter: draft.initialStock, createdAt: context.at
            )
            let change = StockChange(item: item, before: StockLevel(onHand: 0, held: 0, allocated: 0), movement: movement)
            try await PostgresOutbox.stockChanged(connection, change, levelEvents: false, context: context, logger: logger)
        }
        changed.mark([.catalog, .stock])
        return item
    }

    public func updateProduct(_ sku: SKU, changes: ProductChanges, expectedVersion: Int64?, context: WriteContext) async throws -> InventoryItem {
        try await write { connection, changed in try await self.updateProduct(connection, sku, changes: changes, expectedVersion: expectedVersion, context: context, changed: changed) }
    }

    func updateProduct(
        _ connection: PostgresConnection, _ sku: SKU, changes: ProductChanges, expectedVersion: Int64?, context: WriteContext, changed: ChangedAreas
    ) async throws -> InventoryItem {
        let logger = self.logger
        let productID = try await PostgresInventoryRows.lock(connection, sku: sku, logger: logger)
        guard let current = try await PostgresInventoryRows.fetch(connection, id: productID, now: context.at, logger: logger) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        if let expectedVersion, expectedVersion != current.product.version {
            throw BackroomError.conflict("\(sku) was changed by someone else (version \(current.product.version), you had \(expectedVersion)); nothing written.")
        }
        if let price = changes.price, price.currency != current.product.price.currency {
            throw BackroomError.validation("price", "This shop sells in \(current.product.price.currency.code), not \(price.currency.code).")
        }
        let updated = changes.applied(to: current.product)
        guard updated != current.product else { return current }
        try await connection.query("""
            UPDATE product SET name = \(updated.name), description = \(updated.description), price = \(updated.price.minorUnits),
                reorder_point = \(updated.reorderPoint), status = \(updated.status.rawValue),
                version = version + 1, updated_at = \(context.at.millisecondsSince1970)
            WHERE id = \(productID)
            """, logger: logger)
        if context.isAudited {
            try await PostgresAuditLog.append(connection, context: context, .productUpdated(changes, from: current.product, to: updated), logger: logger)
        }
        guard let item = try await PostgresInventoryRows.fetch(connection, id: productID, now: context.at, logger: logger) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        for event in EventType.productUpdate(from: current, to: item) {
            try await PostgresOutbox.product(connection, event, item, context: context, logger: logger)
        }
        changed.mark([.catalog])
        return item
    }

    public func inventoryItem(_ sku: SKU, now: Timestamp) async throws -> InventoryItem? {
        let logger = self.logger
        return try await read { connection in try await PostgresInventoryRows.fetch(connection, sku: sku, now: now, logger: logger) }
    }

    public func inventoryItems(matching filter: ProductFilter, sort: ProductSort, window: ListWindow, now: Timestamp) async throws -> Window<InventoryItem> {
        let logger = self.logger
        return try await read { connection in
            try await PostgresInventoryRows.query(filter: filter, sort: sort, now: now)
                .fetchWindow(connection, window, logger: logger, decode: PostgresInventoryRows.decode)
        }
    }

    public func countInventoryItems(matching filter: ProductFilter, now: Timestamp) async throws -> Int {
        let logger = self.logger
        return try await read { connection in
            if !filter.lowStockOnly, filter.text.flatMap(PostgresTextQuery.words) == nil {
                let counts = try await Self.productCounts(connection, logger: logger)
                switch filter.status {
                case .active: return Int(counts.active)
                case .archived: return Int(counts.archived)
                case .all: return Int(counts.active + counts.archived)
                }
            }
            return try await PostgresInventoryRows.query(filter: filter, sort: ProductSort(.sku), now: now).count(connection, logger: logger)
        }
    }

    public func inventoryPosition(of key: KeysetKey, matching filter: ProductFilter, sort: ProductSort, now: Timestamp) async throws -> Int {
        let logger = self.logger
        return try await read { connection in
            try await PostgresInventoryRows.query(filter: filter, sort: sort, now: now).position(connection, of: key, logger: logger)
        }
    }

    public func inventorySummary(now: Timestamp) async throws -> InventorySummary {
        let logger = self.logger
        return try await read { connection in
            let (active, archived) = try await Self.productCounts(connection, logger: logger)
            let low = try await PostgresInventoryRows.query(filter: ProductFilter(lowStockOnly: true), sort: ProductSort(.sku), now: now)
                .count(connection, logger: logger)
            return InventorySummary(activeProducts: active, archivedProducts: archived, lowStockProducts: Int64(low))
        }
    }

    /// Products per status, as the triggers of migration v1 keep them.
    static func productCounts(_ connection: PostgresConnection, logger: Logger) async throws -> (active: Int64, archived: Int64) {
        var counts: [String: Int64] = [:]
        for try await row in try await connection.query("SELECT status, products FROM product_status_count", logger: logger) {
            let cells = row.makeRandomAccess()
            counts[try cells.stored("status", as: String.self)] = try cells.stored("products", as: Int64.self)
        }
        return (counts[ProductStatus.active.rawValue] ?? 0, counts[ProductStatus.archived.rawValue] ?? 0)
    }
}
