import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("thousands of random adjustments from parallel tasks keep on hand equal to the ledger", arguments: TestStoreKind.available)
    func randomAdjustments(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let skus = (0..<8).map { "SKU-\($0)" }
        for sku in skus { try await test.product(sku, stock: 50) }
        let tasks = 8
        let perTask = 400
        let outcomes = try await withThrowingTaskGroup(of: (applied: Int, refused: Int).self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var generator = SeededGenerator(seed: UInt64(task + 1))
                    var applied = 0
                    var refused = 0
                    for _ in 0..<perTask {
                        let sku = test.sku(skus[Int.random(in: 0..<skus.count, using: &generator)])
                        let delta = Int64.random(in: -30...30, using: &generator)
                        guard delta != 0 else { continue }
                        do {
                            _ = try await test.shop.inventory.adjustStock(sku, by: delta, reason: .correction, by: TestShop.operatorPrincipal)
                            applied += 1
                        } catch let error as BackroomError where error.code == .insufficientStock {
                            refused += 1
                        }
                    }
                    return (applied, refused)
                }
            }
            return try await group.reduce(into: [(applied: Int, refused: Int)]()) { $0.append($1) }
        }
        let applied = outcomes.reduce(0) { $0 + $1.applied }
        #expect(applied > 0)
        #expect(try await test.shop.checkInvariants().isEmpty)
        #expect(try await test.number("SELECT COUNT(*) FROM stock_movement") == applied + skus.count)
        for sku in skus {
            let item = try await test.item(sku)
            let ledger = try await test.number("SELECT SUM(delta) FROM stock_movement m JOIN product p ON p.id = m.product_id WHERE p.sku = '\(sku)'")
            #expect(Int64(ledger) == item.stock.onHand)
            #expect(item.stock.onHand >= 0)
        }
    }
}

/// A deterministic generator per task, so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
