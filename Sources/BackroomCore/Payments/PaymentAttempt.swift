/// Where one attempt to charge an order stands.
public enum PaymentAttemptState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Claimed in the store; the provider may or may not have charged yet.
    case pending
    /// The provider charged; the order is paid.
    case succeeded
    /// The provider declined; the order stays payable.
    case declined
    /// The charge never reached the provider (found out by looking the key
    /// up after a crash or a timeout); nothing was charged.
    case abandoned

    /// Pending and succeeded attempts are the order's one live payment: the
    /// store allows one at a time.
    public var isOpen: Bool { self == .pending || self == .succeeded }
}

/// One attempt to charge an order, claimed in the store before the provider
/// is called. Its idempotency key goes to the provider with the charge, so a
/// retry of the same attempt (after a timeout, a crash or on another node)
/// can never charge twice.
public struct PaymentAttempt: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var orderID: Int64
    /// 1 for the order's first attempt, 2 after a decline, …
    public var sequence: Int
    public var idempotencyKey: String
    public var amount: Money
    public var state: PaymentAttemptState
    /// Until when the caller that claimed it is taken to be working on it;
    /// after that, anyone may resume it with the same key.
    public var leaseUntil: Timestamp
    public var providerReference: String?
    public var failure: String?
    public var startedAt: Timestamp
    public var settledAt: Timestamp?

    public init(
        id: Int64, orderID: Int64, sequence: Int, idempotencyKey: String, amount: Money, state: PaymentAttemptState,
        leaseUntil: Timestamp, providerReference: String?, failure: String?, startedAt: Timestamp, settledAt: Timestamp?
    ) {
        self.id = id
        self.orderID = orderID
        self.sequence = sequence
        self.idempotencyKey = idempotencyKey
        self.amount = amount
        self.state = state
        self.leaseUntil = leaseUntil
        self.providerReference = providerReference
        self.failure = failure
        self.startedAt = startedAt
        self.settledAt = settledAt
    }

    public var orderNumber: OrderNumber { OrderNumber(id: orderID) }

    /// A fresh key: the order number, the attempt and a random part, so a
    /// store restored from a backup never reuses a key the provider has seen.
    public static func makeKey(order: OrderNumber, sequence: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let suffix = String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        return "pay_\(order.rawValue)_\(sequence)_\(suffix)"
    }
}

/// How an attempt ended, as the provider (or a lookup) told it.
public enum PaymentOutcome: Sendable, Hashable {
    case succeeded(reference: String)
    case declined(reason: String)
    case abandoned(reason: String)

    public var state: PaymentAttemptState {
        switch self {
        case .succeeded: .succeeded
        case .declined: .declined
        case .abandoned: .abandoned
        }
    }
}

/// What `beginPayment` did.
public struct PaymentClaim: Sendable, Hashable {
    public var attempt: PaymentAttempt
    public var order: Order
    /// True when an earlier attempt whose caller went away was taken over
    /// (same key), false for a new attempt.
    public var isResumed: Bool

    public init(attempt: PaymentAttempt, order: Order, isResumed: Bool) {
        self.attempt = attempt
        self.order = order
        self.isResumed = isResumed
    }
}

/// The rules of claiming and settling a payment, pure, for every store.
public enum PaymentRules {
    /// Decides a claim from the order and its open attempt (if any).
    /// Returns nil when a new attempt should be created, the attempt to
    /// resume when its caller's lease ran out; throws when the order cannot
    /// be paid now.
    public static func claim(order: Order, openAttempt: PaymentAttempt?, now: Timestamp) throws(BackroomError) -> PaymentAttempt? {
        if let openAttempt {
            switch openAttempt.state {
            case .succeeded:
                throw BackroomError(.invalidTransition, "Order \(order.number) is already paid.", field: "action",
                                    detail: .transition(status: order.status, action: .pay))
            case .pending where openAttempt.leaseUntil > now:
                throw BackroomError(.paymentInProgress, "A payment for \(order.number) is in progress; check the order again in a few seconds.",
                                    detail: .retryAfter(seconds: max(1, Int((openAttempt.leaseUntil.millisecondsSince1970 - now.millisecondsSince1970 + 999) / 1000))))
            case .pending:
                _ = try OrderStateMachine.transition(from: order.status, action: .pay)
                return openAttempt
            case .declined, .abandoned:
                break
            }
        }
        _ = try OrderStateMachine.transition(from: order.status, action: .pay)
        return nil
    }

    /// Staff actions other than paying wait while a charge is unsettled:
    /// cancelling an order that is being charged would keep the money and
    /// release the goods.
    public static func checkNoPaymentPending(_ order: Order, openAttempt: PaymentAttempt?, action: OrderAction) throws(BackroomError) {
        guard let openAttempt, openAttempt.state == .pending else { return }
        throw BackroomError(.paymentInProgress, "A payment for \(order.number) is being settled; \(action.rawValue) it once it is.",
                            detail: .retryAfter(seconds: 5))
    }

    /// The timeline entry for a new or resumed attempt.
    public static func startedEvent(_ attempt: PaymentAttempt, resumed: Bool, status: OrderStatus, actor: String, at: Timestamp) -> OrderEvent {
        OrderEvent(
            at: at, actor: actor, event: resumed ? "payment_resumed" : "payment_started", fromStatus: status, toStatus: status,
            note: "attempt \(attempt.sequence), \(attempt.amount)"
        )
    }

    /// The timeline entry for how an attempt ended (a success also moves the
    /// order to paid, recorded by the `pay` transition entry).
    public static func settledEvent(_ attempt: PaymentAttempt, outcome: PaymentOutcome, status: OrderStatus, actor: String, at: Timestamp) -> OrderEvent {
        switch outcome {
        case .succeeded(let reference):
            OrderEvent(at: at, actor: actor, event: "pay", fromStatus: status, toStatus: .paid,
                       note: "attempt \(attempt.sequence) charged (payment \(reference))")
        case .declined(let reason):
            OrderEvent(at: at, actor: actor, event: "payment_declined", fromStatus: status, toStatus: status,
                       note: "attempt \(attempt.sequence): \(reason)")
        case .abandoned(let reason):
            OrderEvent(at: at, actor: actor, event: "payment_abandoned", fromStatus: status, toStatus: status,
                       note: "attempt \(attempt.sequence): \(reason)")
        }
    }
}
