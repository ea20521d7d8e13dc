import BackroomCore

/// The service layer: every use case of Backroom is one call on one of
/// these services, and every write is one store transaction. The HTTP API
/// and the console both drive this, so they enforce the same rules.
public final class Shop: Sendable {
    /// Reached only through the services: nothing above them may know
    /// which store runs underneath.
    let store: any ShopStore
    public let clock: any TimeSource
    public let configuration: ShopConfiguration
    public let changes: ShopChangeFeed
    public let currency: Currency

    public let inventory: InventoryService
    public let carts: CartService
    public let orders: OrderService
    public let users: UserService
    public let auth: AuthService
    public let audit: AuditService
    public let webhooks: WebhookService
    public let nodes: NodeService
    /// bcrypt on its own bounded executor.
    public let passwordHasher: PasswordHasher
    /// The provider charges go to (simulated unless configured otherwise).
    public let payments: any PaymentProvider

    public init(
        store: any ShopStore,
        currency: Currency,
        clock: any TimeSource = SystemTimeSource(),
        configuration: ShopConfiguration = ShopConfiguration(),
        payments: any PaymentProvider = SimulatedPaymentProvider()
    ) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.currency = currency
        let changes = ShopChangeFeed()
        self.changes = changes
        passwordHasher = PasswordHasher(
            cost: configuration.passwordCost,
            executor: HashingExecutor(threads: configuration.hashingThreads, queueCapacity: configuration.hashingQueue)
        )
        let limits = ClientGuard(configuration.clientLimits, clock: clock)
        self.payments = payments
        inventory = InventoryService(store: store, clock: clock, changes: changes, currency: currency)
        carts = CartService(
            store: store, clock: clock, changes: changes, currency: currency, holdPolicy: configuration.holdPolicy,
            cartLimits: configuration.cartLimits, limits: limits
        )
        orders = OrderService(store: store, clock: clock, changes: changes, payments: payments, configuration: configuration)
        users = UserService(store: store, clock: clock, changes: changes, passwords: passwordHasher, limits: limits)
        auth = AuthService(store: store, clock: clock, passwords: passwordHasher, tokenLifetimeSeconds: configuration.tokenLifetimeSeconds, limits: limits)
        audit = AuditService(store: store)
        webhooks = WebhookService(store: store, clock: clock, targets: WebhookTargetPolicy(allowPrivateTargets: configuration.allowPrivateWebhookTargets))
        nodes = NodeService(store: store, clock: clock)
    }

    /// The store's change counters: a reader that remembers them learns
    /// whether anyone (another process included) wrote since.
    public func revision() async throws -> StoreRevision {
        try await store.revision()
    }

    /// Calls `notice` soon after a catalog write commits anywhere, where
    /// the store can tell (PostgreSQL); returns at once where it cannot.
    public func listenForRevisionNotices(_ notice: @escaping @Sendable () -> Void) async throws {
        try await store.listenForRevisionNotices(notice)
    }

    /// Verifies the inventory invariants; empty means consistent.
    public func checkInvariants() async throws -> [InvariantViolation] {
        try await store.checkInvariants(now: clock.now())
    }

    func context(_ principal: Principal) -> WriteContext {
        WriteContext(principal: principal, at: clock.now())
    }
}
