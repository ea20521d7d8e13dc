import BackroomCore

/// Carts, their holds, and checkout.
public struct CartService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let changes: ShopChangeFeed
    let currency: Currency
    public let holdPolicy: HoldPolicy
    public let cartLimits: CartLimits
    let limits: ClientGuard

    /// A new cart: the customer's if `principal` is a signed-in customer,
    /// otherwise anonymous (its unguessable id is its key). `client` is the
    /// address it comes from, limited to `carts_per_client_per_hour`; nil
    /// for callers that are not limited (the console, tools).
    ///
    /// With `lines`, the cart starts with them in the same transaction (one
    /// write instead of one per line; the shop front's "buy this" button):
    /// every line is held as `setQuantity` would hold it, or, if one is
    /// refused, no cart is made. Each line counts against the client's
    /// `holds_per_client_per_minute`.
    public func createCart(for principal: Principal?, client: ClientAddress? = nil, lines: [CartLineQuantity] = []) async throws -> Cart {
        let lines = try CartLineQuantity.validated(lines, limits: cartLimits)
        if let client {
            try limits.carts.consume(client.rawValue, "Too many new carts from \(client)")
            for _ in lines { try limits.holds.consume(client.rawValue, "Too many cart changes from \(client)") }
        }
        let customerID = principal.flatMap { $0.role == .customer ? $0.userID : nil }
        guard !lines.isEmpty else {
            return try await store.createCart(CartID.random(), customerID: customerID, currency: currency, at: clock.now())
        }
        let cart = try await store.createCart(
            CartID.random(), customerID: customerID, currency: currency, lines: lines, now: clock.now(), policy: holdPolicy, limits: cartLimits
        )
        for line in lines { changes.publish(.stock(line.sku)) }
        return cart
    }

    /// The cart, if `principal` may see it: anyone holding an anonymous
    /// cart's id; only its owner for a customer's cart.
    public func cart(_ id: CartID, by principal: Principal?) async throws -> Cart {
        guard let cart = try await store.cart(id, now: clock.now()) else {
            throw BackroomError.notFound("No cart \(id.abbreviated).")
        }
        try CartAccess(principal).authorize(ownerID: cart.customerID)
        return cart
    }

    /// Sets how many units of `sku` the cart holds (0 removes the line). The
    /// units are held at once, within the cart limits; `insufficient_stock`
    /// or `limit_exceeded` (cart unchanged) otherwise. Each put counts
    /// against the client's `holds_per_client_per_minute`.
    public func setQuantity(_ quantity: Int64, of sku: SKU, in id: CartID, by principal: Principal?, client: ClientAddress? = nil) async throws -> Cart {
        if quantity != 0 {
            _ = try QuantityRules.lineQuantity(quantity)
            if let client {
                try limits.holds.consume(client.rawValue, "Too many cart changes from \(client)")
            }
        }
        let now = clock.now()
        let cart = try await store.setCartLine(
            id, sku: sku, quantity: quantity, now: now, policy: holdPolicy, limits: cartLimits, access: CartAccess(principal)
        )
        changes.publish(.stock(sku))
        return cart
    }

    /// Adds units to a line (creating it if needed).
    public func add(_ quantity: Int64, of sku: SKU, to id: CartID, by principal: Principal?, client: ClientAddress? = nil) async throws -> Cart {
        _ = try QuantityRules.lineQuantity(quantity)
        let current = try await cart(id, by: principal)
        let existing = current.lines.first { $0.sku.rawValue.lowercased() == sku.rawValue.lowercased() }?.quantity ?? 0
        let (total, overflow) = existing.addingReportingOverflow(quantity)
        guard !overflow else { throw BackroomError.validation("quantity", "The quantity is too large.") }
        return try await setQuantity(try QuantityRules.lineQuantity(total), of: sku, in: id, by: principal, client: client)
    }

    public func removeLine(_ sku: SKU, from id: CartID, by principal: Principal?) async throws -> Cart {
        try await setQuantity(0, of: sku, in: id, by: principal)
    }

    /// Places the order: holds become allocation in one transaction that
    /// cannot oversell. When it returns, the order exists and its stock is
    /// allocated. A repeated idempotency key returns the first order.
    public func checkout(_ id: CartID, email: Email, shippingAddress: ShippingAddress, idempotencyKey: String?, by principal: Principal?) async throws -> CheckoutResult {
        let key = try CheckoutDetails.validateIdempotencyKey(idempotencyKey)
        let address = try shippingAddress.validated()
        let actor = principal ?? Principal(userID: nil, name: email.rawValue, role: .customer)
        let result = try await store.checkout(
            id, details: CheckoutDetails(email: email, shippingAddress: address, idempotencyKey: key),
            access: CartAccess(principal), context: WriteContext(principal: actor, at: clock.now())
        )
        if !result.isReplay {
            for line in result.order.lines { changes.publish(.stock(line.sku)) }
            changes.publish(.orders)
        }
        return result
    }

    /// Releases expired holds in batches; returns how many were released.
    @discardableResult
    public func releaseExpiredHolds(batchSize: Int = 500) async throws -> Int {
        var total = 0
        while true {
            let released = try await store.releaseExpiredHolds(now: clock.now(), limit: batchSize)
            total += released
            if released < batchSize { break }
        }
        return total
    }
}
