/// The persistence contract of the service layer.
///
/// Every method is one transaction that keeps the inventory invariants of
/// DESIGN.md true when it returns, whatever else runs at the same time.
/// Decisions that need current data (is there enough stock? is this
/// transition legal?) are made inside that transaction with the pure rules
/// of this module, so that no interleaving can break them. Staff writes
/// (`WriteContext.isAudited`) write their audit line in the same
/// transaction.
///
/// Inputs arrive validated; implementations still enforce invariants with
/// constraints as a last line of defence. A shared contract test suite holds
/// every implementation to the same behaviour.
///
/// Its parts that stand alone (`CatalogStore`, `AuditStore`) are protocols
/// of their own, so a new store is held to the contract part by part as it
/// is built.
public protocol ShopStore: CatalogStore, AuditStore {
    // MARK: Carts

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

    // MARK: Orders

    func order(_ number: OrderNumber) async throws -> OrderDetail?

    func orders(matching filter: OrderFilter, sort: OrderSort, window: ListWindow) async throws -> Window<Order>

    func countOrders(matching filter: OrderFilter) async throws -> Int

    func orderPosition(of key: KeysetKey, matching filter: OrderFilter, sort: OrderSort) async throws -> Int

    /// Applies a state-machine action with its stock effect, timeline entry
    /// and (for staff) audit line. `invalid_transition` if illegal now.
    func transitionOrder(_ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext) async throws -> OrderDetail

    // MARK: Payments

    /// Claims the order's payment before the provider is called: a new
    /// attempt with `newKey`, or the order's pending attempt (with its own
    /// key) if its caller's lease ran out. `payment_in_progress` while
    /// another caller holds a live lease; `invalid_transition` if the order
    /// cannot be paid. When it returns, the claim is committed.
    func beginPayment(_ number: OrderNumber, newKey: String, leaseUntil: Timestamp, context: WriteContext) async throws -> PaymentClaim

    /// Records how an attempt ended; a success pays the order (state,
    /// reference, timeline) in the same transaction. Settling an attempt
    /// that is no longer pending is a `conflict`.
    func settlePayment(attemptID: Int64, outcome: PaymentOutcome, context: WriteContext) async throws -> OrderDetail

    /// Moves a pending attempt's lease (the provider is still processing it).
    func extendPaymentLease(attemptID: Int64, until: Timestamp) async throws

    /// Every attempt of an order, oldest first.
    func paymentAttempts(of number: OrderNumber) async throws -> [PaymentAttempt]

    /// Pending attempts whose lease ended before `now`: their caller went
    /// away (a crash, a timeout) and recovery must find out what happened.
    func stalePaymentAttempts(now: Timestamp, limit: Int) async throws -> [PaymentAttempt]

    // MARK: Users and tokens

    /// `conflict` if the email is taken.
    func createUser(_ user: NewUser, context: WriteContext) async throws -> User

    func user(id: Int64) async throws -> User?

    func credentials(for email: Email) async throws -> UserCredentials?

    func users(matching filter: UserFilter, sort: UserSort, window: ListWindow) async throws -> Window<User>

    func countUsers(matching filter: UserFilter) async throws -> Int

    func userPosition(of key: KeysetKey, matching filter: UserFilter, sort: UserSort) async throws -> Int

    func updateUser(id: Int64, changes: UserChanges, context: WriteContext) async throws -> User

    /// Replaces the password hash and revokes every token of the user.
    func setPasswordHash(userID: Int64, hash: String, context: WriteContext) async throws

    func recordLogin(userID: Int64, at: Timestamp) async throws

    /// Stores a token by its hash only.
    func insertToken(hash: [UInt8], userID: Int64, createdAt: Timestamp, expiresAt: Timestamp) async throws

    /// The active user a live (unrevoked, unexpired) token belongs to.
    func user(forTokenHash hash: [UInt8], now: Timestamp) async throws -> User?

    /// Returns whether a live token was revoked.
    func revokeToken(hash: [UInt8], at: Timestamp) async throws -> Bool

    /// Revokes every live token of a user; returns how many.
    func revokeAllTokens(userID: Int64, context: WriteContext) async throws -> Int

    // MARK: Batches

    /// Applies `writes` in one transaction, each in a savepoint of its own:
    /// one that breaks a rule is rolled back alone and reported, the others
    /// are committed together. The results are in the order of `writes`.
    func perform(_ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>]

    /// A batch sent with an `Idempotency-Key`: the first time, runs it and
    /// stores `reply(results)` in the same transaction; after that, returns
    /// the stored reply without writing. The same key with another
    /// fingerprint is a `conflict`.
    func perform(
        _ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext, claim: IdempotencyClaim,
        reply: @escaping @Sendable ([Result<StoreWriteResult, BackroomError>]) throws -> StoredReply
    ) async throws -> IdempotentBatch

    /// The products with these SKUs (those that exist), in one read.
    func inventoryItems(skus: [SKU], now: Timestamp) async throws -> [InventoryItem]

    // MARK: Stock takes

    /// The actor's open stock take (to resume), or a new one.
    func openStockTake(actor: String, at: Timestamp) async throws -> StockTake

    /// Counts `quantity` of `sku` in the take; the first scan of a SKU
    /// records on hand then as the expected count. Returns the SKU's line
    /// only: a scan costs the same in a take of ten lines or ten thousand.
    func countInStockTake(_ takeID: Int64, sku: SKU, quantity: Int64, repeat mode: RepeatScan, at: Timestamp) async throws -> StockTakeLine

    /// Takes a SKU out of the take.
    func removeFromStockTake(_ takeID: Int64, sku: SKU, at: Timestamp) async throws

    /// Writes every count as a compare-and-set `cycle_count` in one
    /// transaction; counts whose on hand moved stay, marked for a recount.
    func commitStockTake(_ takeID: Int64, context: WriteContext) async throws -> StockTakeCommit

    /// Drops the take and its counts; nothing of it is written.
    func discardStockTake(_ takeID: Int64, at: Timestamp) async throws

    // MARK: Exports (whole tables, in id order)

    /// Ledger rows with ids above `afterID`, oldest first.
    func movements(afterID: Int64, limit: Int) async throws -> [StockMovement]

    /// The lines of up to `orders` orders with ids above `afterOrderID`.
    func orderLines(afterOrderID: Int64, orders: Int) async throws -> [OrderLineRecord]

    // MARK: Events and webhooks

    /// Outbox events with ids above `afterID` (oldest first), optionally
    /// only those at or after `since`.
    func outboxEvents(afterID: Int64, since: Timestamp?, limit: Int) async throws -> [OutboxEvent]

    func createWebhook(_ draft: WebhookDraft, context: WriteContext) async throws -> WebhookSubscription

    func webhooks() async throws -> [WebhookSubscription]

    func webhook(_ id: Int64) async throws -> WebhookSubscription?

    /// `notFound` when there is no such subscription.
    func updateWebhook(_ id: Int64, _ changes: WebhookChanges, context: WriteContext) async throws -> WebhookSubscription

    func rotateWebhookSecret(_ id: Int64, to secret: String, context: WriteContext) async throws -> WebhookSubscription

    /// Deletes the subscription and its deliveries.
    func deleteWebhook(_ id: Int64, context: WriteContext) async throws

    /// A delivery of a test event to one subscription (also when disabled).
    func enqueueTestEvent(to id: Int64, context: WriteContext) async throws -> WebhookDelivery

    /// Turns new outbox events into deliveries for the active subscriptions
    /// that want them; returns how many deliveries it made.
    func fanOutEvents(now: Timestamp, limit: Int) async throws -> Int

    /// Claims up to `limit` deliveries that are due, the oldest pending one
    /// of each subscription and resource only (so one resource's events
    /// arrive in order), leasing each until `leaseUntil`.
    func claimDueDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [DueDelivery]

    /// Records an attempt; a subscription failing for longer than
    /// `disableAfterMilliseconds` is disabled (and audited).
    func recordDeliveryAttempt(_ deliveryID: Int64, outcome: DeliveryAttemptOutcome, at: Timestamp, disableAfterMilliseconds: Int64) async throws

    /// Deliveries (of every subscription, or the filter's), newest first.
    func webhookDeliveries(matching filter: DeliveryFilter, window: ListWindow) async throws -> Window<WebhookDelivery>

    func countWebhookDeliveries(matching filter: DeliveryFilter) async throws -> Int

    /// Makes a failed (or pending) delivery of the subscription due now.
    func retryDelivery(_ deliveryID: Int64, of subscriptionID: Int64, context: WriteContext) async throws -> WebhookDelivery

    /// New deliveries of the events at or after `since` to every active
    /// subscription that wants them (`only`: one subscription).
    func replayEvents(since: Timestamp, only: Int64?, context: WriteContext) async throws -> Int

    /// Deletes up to `limit` events older than `before` whose deliveries are
    /// all settled; returns how many.
    func pruneEvents(before: Timestamp, limit: Int) async throws -> Int

    /// Pending and failed deliveries, and the age of the oldest pending one.
    func deliveryBacklog(now: Timestamp) async throws -> DeliveryBacklog

    // MARK: Health, invariants

    func revision() async throws -> StoreRevision

    /// Every broken inventory invariant; empty when the store is consistent.
    func checkInvariants(now: Timestamp) async throws -> [InvariantViolation]
}

extension ShopStore {
    /// A batch where each write stands alone.
    public func perform(_ writes: [StoreWrite], context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>] {
        try await perform(writes, atomicity: .eachWrite, context: context)
    }
}
