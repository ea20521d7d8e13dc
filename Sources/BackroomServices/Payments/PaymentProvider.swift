import BackroomCore

/// One charge as the provider sees it. The idempotency key is the
/// attempt's: the provider charges a key at most once and answers a repeat
/// with the first outcome.
public struct PaymentRequest: Sendable, Hashable {
    public var order: OrderNumber
    public var amount: Money
    public var idempotencyKey: String
    public var attempt: Int

    public init(order: OrderNumber, amount: Money, idempotencyKey: String, attempt: Int) {
        self.order = order
        self.amount = amount
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
    }
}

/// What the provider knows of a key.
public enum PaymentLookup: Sendable, Hashable {
    case charged(reference: String)
    case declined(reason: String)
    /// Received and not finished yet.
    case processing
    /// Never received: nothing was charged.
    case notFound
}

/// Takes payment for an order. Only the provider's reference is stored;
/// card data never reaches Backroom.
public protocol PaymentProvider: Sendable {
    /// Charges the request's amount under its idempotency key; returns the
    /// provider's reference, or throws `payment_declined`. Any other error
    /// means the outcome is unknown (it may still have been charged).
    func charge(_ request: PaymentRequest) async throws -> String

    /// What happened to a key, for recovery after a crash or a timeout.
    func lookup(idempotencyKey: String) async throws -> PaymentLookup
}

/// Raised when the provider did not answer within the payment timeout.
public struct PaymentTimedOut: Error, Sendable {}
