import BackroomCore

extension InventoryService {
    /// Changes on hand of every SKU by `delta`, in one transaction; each SKU
    /// is refused on its own (below committed stock, archived, unknown).
    public func adjustStock(_ skus: [SKU], by delta: Int64, reason: MovementReason, reference: String? = nil, by principal: Principal) async throws -> BatchReport<StockChange> {
        try principal.require(.adjustStock)
        let delta = try QuantityRules.adjustment(delta)
        try reason.validate(manualDelta: delta)
        let reference = try TextRules.optionalLine(reference, field: "reference", label: "reference", maximum: 200)
        let report = try await BatchReport<StockChange>.run(
            store: store, keys: skus.map(\.rawValue),
            writes: skus.map { .success(.changeStock($0, .adjust(by: delta), reason: reason, reference: reference)) },
            context: context(principal)
        ) { if case .stock(let change) = $0 { change } else { nil } }
        for row in report.rows { if case .success(let change) = row.result { changes.publish(.stock(change.item.sku)) } }
        return report
    }

    /// Sets the reorder point of every SKU, in one transaction.
    public func setReorderPoint(_ skus: [SKU], to point: Int64, by principal: Principal) async throws -> BatchReport<InventoryItem> {
        try principal.require(.editCatalog)
        let point = try QuantityRules.reorderPoint(point)
        return try await updateProducts(skus, ProductChanges(reorderPoint: point), by: principal)
    }

    /// Archives (or restores) every SKU, in one transaction.
    public func setArchived(_ skus: [SKU], _ archived: Bool, by principal: Principal) async throws -> BatchReport<InventoryItem> {
        try principal.require(.editCatalog)
        return try await updateProducts(skus, ProductChanges(status: archived ? .archived : .active), by: principal)
    }

    private func updateProducts(_ skus: [SKU], _ productChanges: ProductChanges, by principal: Principal) async throws -> BatchReport<InventoryItem> {
        let report = try await BatchReport<InventoryItem>.run(
            store: store, keys: skus.map(\.rawValue),
            writes: skus.map { .success(.updateProduct($0, productChanges, expectedVersion: nil)) },
            context: context(principal)
        ) { if case .product(let item) = $0 { item } else { nil } }
        for row in report.rows { if case .success(let item) = row.result { changes.publish(.product(item.sku)) } }
        return report
    }
}

extension OrderService {
    /// Moves every order along by `action` (ship, cancel, …), in one
    /// transaction; orders the action is not legal for are refused.
    public func transition(_ numbers: [OrderNumber], _ action: OrderAction, by principal: Principal) async throws -> BatchReport<OrderDetail> {
        try principal.require(.transitionOrders)
        let reference = action == .pay ? "manual:\(principal.name)" : nil
        let report = try await BatchReport<OrderDetail>.run(
            store: store, keys: numbers.map(\.rawValue),
            writes: numbers.map { .success(.transitionOrder($0, OrderTransitionRequest(action: action, paymentReference: reference))) },
            context: WriteContext(principal: principal, at: clock.now())
        ) { if case .order(let detail) = $0 { detail } else { nil } }
        changes.publish(.orders)
        for row in report.rows {
            if case .success(let detail) = row.result, action != .pay, action != .deliver {
                for line in detail.lines { changes.publish(.stock(line.sku)) }
            }
        }
        return report
    }
}

extension UserService {
    /// Disables every account, in one transaction; the caller's own account
    /// and the last active admin are refused.
    public func disable(_ users: [User], by principal: Principal) async throws -> BatchReport<User> {
        try principal.require(.manageUsers)
        let writes: [Result<StoreWrite, BackroomError>] = users.map { user in
            user.id == principal.userID
                ? .failure(BackroomError.conflict("You cannot disable your own account."))
                : .success(.updateUser(id: user.id, UserChanges(status: .disabled)))
        }
        let report = try await BatchReport<User>.run(
            store: store, keys: users.map(\.email.rawValue), writes: writes, context: WriteContext(principal: principal, at: clock.now())
        ) { if case .user(let user) = $0 { user } else { nil } }
        changes.publish(.users)
        return report
    }
}
