import BackroomCore

/// Tunables of the service layer. Every figure here is a setting (see
/// `docs/OPERATIONS.md`); the defaults are safe for a shop on the internet.
public struct ShopConfiguration: Sendable, Hashable {
    /// How long units added to a cart stay held.
    public var holdPolicy: HoldPolicy
    /// What one cart may hold (checked with the stock, in the store).
    public var cartLimits: CartLimits
    /// What one client address may do per minute or hour, and shop-wide rates.
    public var clientLimits: ClientLimits
    /// How long a login token lives.
    public var tokenLifetimeSeconds: Int64
    /// bcrypt work factor: 12 in production (about 300 ms a hash on two cores),
    /// 4 in tests.
    public var passwordCost: UInt8
    /// Threads that hash passwords, and how many hashes may wait for them.
    public var hashingThreads: Int
    public var hashingQueue: Int
    /// How long a pay request waits for the payment provider. The attempt
    /// stays claimed a little longer, so nobody else retries it meanwhile.
    public var paymentTimeoutSeconds: Double
    /// Whether webhooks may point at loopback, private and link-local
    /// addresses (off: a subscription could reach the shop's own network).
    public var allowPrivateWebhookTargets: Bool

    public init(
        holdPolicy: HoldPolicy = HoldPolicy(), cartLimits: CartLimits = CartLimits(), clientLimits: ClientLimits = ClientLimits(),
        tokenLifetimeSeconds: Int64 = 30 * 24 * 3600, passwordCost: UInt8 = 12,
        hashingThreads: Int = HashingExecutor.defaultThreads, hashingQueue: Int = 16, paymentTimeoutSeconds: Double = 15,
        allowPrivateWebhookTargets: Bool = false
    ) {
        self.holdPolicy = holdPolicy
        self.cartLimits = cartLimits
        self.clientLimits = clientLimits
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.passwordCost = passwordCost
        self.hashingThreads = hashingThreads
        self.hashingQueue = hashingQueue
        self.paymentTimeoutSeconds = paymentTimeoutSeconds
        self.allowPrivateWebhookTargets = allowPrivateWebhookTargets
    }

    /// The lease of a payment attempt: the timeout plus a margin for the
    /// settle write.
    public var paymentLeaseSeconds: Int64 { Int64(paymentTimeoutSeconds.rounded(.up)) + 5 }
}
