import BackroomCore
import Testing

@Suite("Order state machine")
struct OrderStateMachineTests {
    /// Every status × every action: the resulting status, or nil for illegal.
    static let table: [(OrderStatus, OrderAction, OrderStatus?, StockEffect?)] = [
        (.pendingPayment, .pay, .paid, StockEffect.none),
        (.pendingPayment, .ship, nil, nil),
        (.pendingPayment, .deliver, nil, nil),
        (.pendingPayment, .cancel, .cancelled, .releaseAllocation),
        (.pendingPayment, .refund, nil, nil),
        (.paid, .pay, nil, nil),
        (.paid, .ship, .shipped, .consumeAllocation),
        (.paid, .deliver, nil, nil),
        (.paid, .cancel, .cancelled, .releaseAllocation),
        (.paid, .refund, .refunded, .releaseAllocation),
        (.shipped, .pay, nil, nil),
        (.shipped, .ship, nil, nil),
        (.shipped, .deliver, .delivered, StockEffect.none),
        (.shipped, .cancel, nil, nil),
        (.shipped, .refund, .refunded, .restockIfRequested),
        (.delivered, .pay, nil, nil),
        (.delivered, .ship, nil, nil),
        (.delivered, .deliver, nil, nil),
        (.delivered, .cancel, nil, nil),
        (.delivered, .refund, .refunded, .restockIfRequested),
        (.cancelled, .pay, nil, nil),
        (.cancelled, .ship, nil, nil),
        (.cancelled, .deliver, nil, nil),
        (.cancelled, .cancel, nil, nil),
        (.cancelled, .refund, nil, nil),
        (.refunded, .pay, nil, nil),
        (.refunded, .ship, nil, nil),
        (.refunded, .deliver, nil, nil),
        (.refunded, .cancel, nil, nil),
        (.refunded, .refund, nil, nil),
    ]

    @Test("the table covers every status and action")
    func complete() {
        #expect(Self.table.count == OrderStatus.allCases.count * OrderAction.allCases.count)
    }

    @Test("every status × every action", arguments: table.indices)
    func transition(index: Int) throws {
        let (status, action, expected, effect) = Self.table[index]
        if let expected {
            let transition = try OrderStateMachine.transition(from: status, action: action)
            #expect(transition.to == expected)
            #expect(transition.stockEffect == effect)
        } else {
            #expect {
                try OrderStateMachine.transition(from: status, action: action)
            } throws: { error in
                guard let error = error as? BackroomError else { return false }
                return error.code == .invalidTransition && error.detail == .transition(status: status, action: action)
            }
        }
    }

    @Test("allowed actions are exactly the legal ones")
    func allowed() {
        #expect(OrderStateMachine.allowedActions(from: .pendingPayment) == [.pay, .cancel])
        #expect(OrderStateMachine.allowedActions(from: .paid) == [.ship, .cancel, .refund])
        #expect(OrderStateMachine.allowedActions(from: .refunded).isEmpty)
    }

    @Test("order numbers", arguments: [("BR-000123", Int64(123)), ("br-42", 42), ("7", 7), ("BR-1234567", 1_234_567)])
    func numbers(text: String, id: Int64) throws {
        #expect(try OrderNumber(text).id == id)
        #expect(OrderNumber(id: 123).rawValue == "BR-000123")
    }

    @Test("malformed order numbers are not found", arguments: ["", "BR-", "BR-x1", "-1", "0", "BR-99999999999999999999"])
    func badNumbers(text: String) {
        #expect { try OrderNumber(text) } throws: { ($0 as? BackroomError)?.code == .notFound }
    }
}
