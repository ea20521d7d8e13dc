/// Payments, claimed before the provider is called.
public protocol PaymentStore: Sendable {
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
}
