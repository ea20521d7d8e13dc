import BackroomCore
import Testing

@Suite("What one cart may hold")
struct CartLinePlanTests {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    let sku = SKU(trusted: "MUG-1")
    let policy = HoldPolicy(durationSeconds: 900)

    func plan(
        _ quantity: Int64, lineExists: Bool = false, lineCount: Int = 0, ownHold: Int64 = 0, available: Int64 = 100,
        firstHoldAt: Timestamp? = nil, at time: Timestamp? = nil, limits: CartLimits = CartLimits()
    ) throws(BackroomError) -> CartLinePlan {
        try CartLinePlan.decide(
            sku: sku, quantity: quantity, lineExists: lineExists, lineCount: lineCount, ownHold: ownHold,
            availableToOthers: available, firstHoldAt: firstHoldAt, now: time ?? now, policy: policy, limits: limits
        )
    }

    static func limit(_ error: any Error) -> AbuseLimit? {
        if case .limit(let limit, _)? = (error as? BackroomError)?.detail { return limit }
        return nil
    }

    @Test("a shopper's usual cart is held in full for the hold time")
    func ordinary() throws {
        let held = try plan(3)
        #expect(held.heldUnits == 3 && held.holdUntil == now.adding(seconds: 900) && held.firstHoldAt == now)
    }

    @Test("units per line and lines per cart")
    func counts() {
        #expect { try plan(11, limits: CartLimits(unitsPerLine: 10)) } throws: { Self.limit($0) == .unitsPerLine }
        #expect { try plan(1, lineCount: 50) } throws: { Self.limit($0) == .linesPerCart }
        // Changing a line already there is not a new line.
        #expect((try? plan(1, lineExists: true, lineCount: 50)) != nil)
    }

    @Test("a cart holds at most its share of what is available, but always the floor", arguments: [
        (Int64(100), Int64(50)), (20, 10), (10, 5), (6, 5), (4, 4), (1, 1), (0, 0),
    ])
    func share(available: Int64, most: Int64) throws {
        #expect(CartLinePlan.maximumHold(availableToCart: available, limits: CartLimits()) == most)
        if most > 0 { #expect(try plan(most, available: available).heldUnits == most) }
        if most < available {
            #expect { try plan(most + 1, available: available) } throws: { Self.limit($0) == .holdShare }
        }
    }

    @Test("more than is available is insufficient stock, not a limit")
    func insufficient() {
        #expect { try plan(8, available: 7) } throws: { ($0 as? BackroomError)?.code == .insufficientStock }
    }

    @Test("units the cart already holds count as available to it; lowering a line is always allowed")
    func ownHold() throws {
        #expect(try plan(40, lineExists: true, ownHold: 40, available: 10).heldUnits == 40)
        #expect(try plan(30, lineExists: true, ownHold: 40, available: 10).heldUnits == 30)
        #expect { try plan(41, lineExists: true, ownHold: 40, available: 10) } throws: { Self.limit($0) == .holdShare }
    }

    @Test("every hold ends within the lifetime after the cart's first; after it, lines hold nothing")
    func lifetime() throws {
        let first = now.adding(seconds: -3000)
        let late = try plan(2, firstHoldAt: first)
        #expect(late.holdUntil == first.adding(seconds: 3600))
        let over = try plan(2, lineExists: true, ownHold: 0, firstHoldAt: now.adding(seconds: -3600))
        #expect(over.heldUnits == 0)
        #expect { try plan(200, firstHoldAt: now.adding(seconds: -4000)) } throws: { ($0 as? BackroomError)?.code == .insufficientStock }
    }

    @Test("limits out of range are refused naming the setting")
    func settings() {
        #expect { try CartLimits(holdShare: 0).validated() } throws: { ($0 as? BackroomError)?.field == "limits.hold_share" }
        #expect { try CartLimits(unitsPerLine: 1000).validated() } throws: { ($0 as? BackroomError)?.field == "limits.units_per_line" }
    }
}
