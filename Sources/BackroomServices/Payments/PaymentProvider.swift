import BackroomCore
import Synchronization

/// Takes payment for an order. Only the provider's reference is stored;
/// card data never reaches Backroom.
public protocol PaymentProvider: Sendable {
    /// Charges the order's total; returns the provider's reference, or
    /// throws `payment_declined`.
    func charge(_ order: Order) async throws -> String
}

/// A stand-in provider: approves everything unless told to decline.
public final class SimulatedPaymentProvider: PaymentProvider {
    private let declining = Atomic<Bool>(false)
    private let sequence = Atomic<Int64>(0)

    public init(declineAll: Bool = false) {
        declining.store(declineAll, ordering: .relaxed)
    }

    /// From now on, decline (or approve) every charge.
    public func setDeclining(_ value: Bool) {
        declining.store(value, ordering: .relaxed)
    }

    public func charge(_ order: Order) async throws -> String {
        guard !declining.load(ordering: .relaxed) else {
            throw BackroomError(.paymentDeclined, "The payment for \(order.number) was declined (simulated).")
        }
        let number = sequence.add(1, ordering: .relaxed).newValue
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() % 1_000_000, radix: 36)
        return "sim_\(order.id)_\(number)_\(suffix)"
    }
}
