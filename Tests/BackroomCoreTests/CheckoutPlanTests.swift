import BackroomCore
import Testing

@Suite("What a checkout writes")
struct CheckoutPlanTests {
    let euro = try! Currency(code: "EUR")
    let shopper = Principal(userID: 7, name: "li@example.com", role: .customer)
    let staff = Principal(userID: 1, name: "ana@backroom.local", role: .operator)

    func line(
        _ sku: String, quantity: Int64, ownHold: Int64 = 0, available: Int64 = 100, price: Int64 = 1290, status: ProductStatus = .active
    ) -> CheckoutLineState {
        CheckoutLineState(
            productID: Int64(sku.hashValue & 0xFFFF), sku: SKU(trusted: sku), name: "Item \(sku)", unitPriceMinorUnits: price,
            status: status, quantity: quantity, ownHold: ownHold, available: available
        )
    }

    @Test("lines at today's prices, totals, and the units each line takes from its own hold")
    func ordinary() throws {
        let plan = try CheckoutPlan.make(
            lines: [line("MUG-1", quantity: 2, ownHold: 2, price: 1290), line("TEE-1", quantity: 3, ownHold: 1, available: 2, price: 2900)],
            currency: euro, cartOwnerID: nil, principal: shopper
        )
        #expect(plan.lines.map(\.lineTotal.minorUnits) == [2580, 8700])
        #expect(plan.subtotal.minorUnits == 11280 && plan.subtotal.currency == euro)
        #expect(plan.itemCount == 5)
        #expect(plan.ownHolds == [2, 1])
        #expect(plan.customerID == 7, "a guest cart a customer checks out becomes theirs")
    }

    @Test("the cart's owner stays its customer; staff never become one")
    func customer() throws {
        let owned = try CheckoutPlan.make(lines: [line("MUG-1", quantity: 1)], currency: euro, cartOwnerID: 42, principal: shopper)
        #expect(owned.customerID == 42)
        let byStaff = try CheckoutPlan.make(lines: [line("MUG-1", quantity: 1)], currency: euro, cartOwnerID: nil, principal: staff)
        #expect(byStaff.customerID == nil)
    }

    @Test("every short line is named with what this cart could have: its hold plus what nobody claimed")
    func shortages() {
        let lines = [
            line("MUG-1", quantity: 5, ownHold: 2, available: 2),
            line("TEE-1", quantity: 1, ownHold: 0, available: 1),
            line("LMP-1", quantity: 4, ownHold: 0, available: 0),
        ]
        #expect {
            try CheckoutPlan.make(lines: lines, currency: euro, cartOwnerID: nil, principal: shopper)
        } throws: { error in
            guard let error = error as? BackroomError, case .shortages(let shortages)? = error.detail else { return false }
            return error.code == .insufficientStock && shortages == [
                StockShortage(sku: SKU(trusted: "MUG-1"), requested: 5, available: 4),
                StockShortage(sku: SKU(trusted: "LMP-1"), requested: 4, available: 0),
            ]
        }
    }

    @Test("an empty cart and an archived product are refused, naming what is wrong")
    func refusals() {
        #expect {
            try CheckoutPlan.make(lines: [], currency: euro, cartOwnerID: nil, principal: shopper)
        } throws: { ($0 as? BackroomError)?.code == .validationFailed && ($0 as? BackroomError)?.field == "cart" }
        #expect {
            try CheckoutPlan.make(lines: [line("MUG-1", quantity: 1), line("OLD-1", quantity: 1, status: .archived)],
                                  currency: euro, cartOwnerID: nil, principal: shopper)
        } throws: { ($0 as? BackroomError)?.code == .conflict && ($0 as? BackroomError)?.message.contains("OLD-1") == true }
    }

    @Test("a line total too large for money is an error, not a wrapped number")
    func overflow() {
        #expect(throws: BackroomError.self) {
            try CheckoutPlan.make(lines: [line("GOLD-1", quantity: 1_000_000, price: Int64.max / 1000)], currency: euro, cartOwnerID: nil, principal: shopper)
        }
    }
}
