/// Carts and the stock they hold.
public protocol CartStore: Sendable {
    func createCart(_ id: CartID, customerID: Int64?, currency: Currency, at: Timestamp) async throws -> Cart

    /// A new cart with its first lines in one transaction: the cart and
    /// every line's hold (as `setCartLine` takes them, in order), or, when
    /// any line is refused, nothing at all.
    func createCart(
        _ id: CartID, customerID: Int64?, currency: Currency, lines: [CartLineQuantity], now: Timestamp, policy: HoldPolicy, limits: CartLimits
    ) async throws -> Cart

    func cart(_ id: CartID, now: Timestamp) async throws -> Cart?

    /// Sets a line's quantity (0 removes it) and holds the units as
    /// `CartLinePlan.decide` says, if `access` may use the cart.
    /// `insufficient_stock` or `limit_exceeded` (cart unchanged) when the
    /// rules refuse.
    func setCartLine(_ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess) async throws -> Cart

    /// Deletes holds that expired at or before `now`; returns how many.
    func releaseExpiredHolds(now: Timestamp, limit: Int) async throws -> Int

    /// Turns the cart's holds into an allocation and places the order, in
    /// one immediate transaction. Lines whose holds expired are re-acquired
    /// if stock allows; otherwise `insufficient_stock` naming them, and
    /// nothing is written. With an idempotency key, a repeat on the same
    /// cart with the same details returns the first order; with other
    /// details it is a `validation_failed` on `Idempotency-Key`. Keys are
    /// scoped to their cart.
    func checkout(_ id: CartID, details: CheckoutDetails, access: CartAccess, context: WriteContext) async throws -> CheckoutResult
}
