import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

@Suite("No oversell")
struct OversellTests {
    @Test("64 concurrent shoppers, 10 units: exactly 10 orders and 54 clean refusals", arguments: TestStoreKind.available)
    func lastTenUnits(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("LAST-10", stock: 10)
        let outcomes = await withTaskGroup(of: Result<OrderNumber, BackroomError>.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    do {
                        let result = try await test.placeOrder([("LAST-10", 1)])
                        return .success(result.order.order.number)
                    } catch let error as BackroomError {
                        return .failure(error)
                    } catch {
                        return .failure(BackroomError(.internalError, "\(error)"))
                    }
                }
            }
            return await group.reduce(into: [Result<OrderNumber, BackroomError>]()) { $0.append($1) }
        }
        let placed = outcomes.compactMap { try? $0.get() }
        let refusals = outcomes.compactMap { outcome -> BackroomError? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(placed.count == 10)
        #expect(Set(placed).count == 10)
        #expect(refusals.count == 54)
        #expect(refusals.allSatisfy { $0.code == .insufficientStock })
        #expect(try await test.item("LAST-10").stock == StockLevel(onHand: 10, held: 0, allocated: 10))
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == 10)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("mixed quantities and several SKUs per cart never oversell any SKU", arguments: TestStoreKind.available)
    func mixedCarts(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let stock: [String: Int64] = ["A": 17, "B": 9, "C": 25, "D": 4]
        for (sku, units) in stock { try await test.product(sku, stock: units) }
        let skus = stock.keys.sorted()
        let results = await withTaskGroup(of: [(String, Int64)]?.self) { group in
            for shopper in 0..<64 {
                group.addTask {
                    var generator = SeededGenerator(seed: UInt64(shopper + 100))
                    let lineCount = Int.random(in: 1...3, using: &generator)
                    var lines: [(String, Int64)] = []
                    for sku in skus.shuffled(using: &generator).prefix(lineCount) {
                        lines.append((sku, Int64.random(in: 1...4, using: &generator)))
                    }
                    do {
                        _ = try await test.placeOrder(lines)
                        return lines
                    } catch {
                        return nil
                    }
                }
            }
            return await group.reduce(into: [[(String, Int64)]]()) { if let lines = $1 { $0.append(lines) } }
        }
        #expect(!results.isEmpty)
        for sku in skus {
            let ordered = results.flatMap { $0 }.filter { $0.0 == sku }.reduce(0) { $0 + $1.1 }
            let item = try await test.item(sku)
            #expect(item.stock.allocated == ordered)
            #expect(item.stock.allocated <= stock[sku]!)
            #expect(item.stock.available >= 0)
        }
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == results.count)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }
}
