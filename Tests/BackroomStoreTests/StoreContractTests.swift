import BackroomCore
import BackroomPostgres
import BackroomStore
import BackroomTestSupport
import Foundation
import Testing

/// Every store implementation, each held to the same contract. The
/// PostgreSQL cases need its server binaries (`PostgresTestCluster`).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var allCases: [StoreKind] { PostgresTestCluster.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// The store, and what keeps it open until the test lets go of it.
    func make() async throws -> (any ShopStore, AnyObject) {
        switch self {
        case .sqlite:
            let temporary = try TemporaryStore()
            return (temporary.store, temporary)
        case .postgres:
            let store = try await PostgresShopStore.open(try await PostgresTestCluster.shared.database(), maximumConnections: 4)
            return (store, store)
        }
    }
}

/// The behaviour every `ShopStore` must have, through the protocol alone.
@Suite("Store contract")
struct StoreContractTests {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    var admin: WriteContext { WriteContext(principal: .system("contract"), at: now) }

    func draft(_ sku: String, name: String? = nil, price: Int64 = 1000, stock: Int64 = 10, reorder: Int64 = 0) throws -> ValidProductDraft {
        try ProductDraft(sku: sku, name: name ?? "Item \(sku)", price: Money(minorUnits: price, currency: .eur), reorderPoint: reorder, initialStock: stock).validated()
    }

    @Test("creating a product records its initial stock in the ledger", arguments: StoreKind.allCases)
    func createProduct(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        let item = try await store.createProduct(try draft("MUG-1", name: "Enamel mug, 藍色 🌲", stock: 7), context: admin)
        #expect(item.stock == StockLevel(onHand: 7, held: 0, allocated: 0))
        #expect(item.product.name == "Enamel mug, 藍色 🌲")
        let ledger = try await store.movements(of: SKU("MUG-1"), window: ListWindow())
        #expect(ledger.items.map(\.delta) == [7])
        #expect(ledger.items.first?.reason == .received)
        withExtendedLifetime(keep) {}
    }

    @Test("SKUs are unique regardless of case; the duplicate writes nothing", arguments: StoreKind.allCases)
    func duplicateSKU(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        _ = try await store.createProduct(try draft("MUG-1"), context: admin)
        await #expect {
            try await store.createProduct(try draft("mug-1"), context: admin)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        #expect(try await store.countInventoryItems(matching: ProductFilter(status: .all), now: now) == 1)
        #expect(try await store.inventoryItem(SKU("mug-1"), now: now)?.sku.rawValue == "MUG-1")
        withExtendedLifetime(keep) {}
    }

    @Test("a stale version refuses an update and writes nothing", arguments: StoreKind.allCases)
    func versionedUpdate(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        let created = try await store.createProduct(try draft("MUG-1"), context: admin)
        let renamed = try await store.updateProduct(SKU("MUG-1"), changes: ProductChanges(name: "Renamed"), expectedVersion: created.product.version, context: admin)
        #expect(renamed.product.version == created.product.version + 1)
        await #expect {
            try await store.updateProduct(SKU("MUG-1"), changes: ProductChanges(name: "Stale"), expectedVersion: created.product.version, context: admin)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        #expect(try await store.inventoryItem(SKU("MUG-1"), now: now)?.product.name == "Renamed")
        let audit = try await store.auditLog(matching: AuditFilter(), window: ListWindow())
        #expect(audit.items.map(\.action) == ["product.update", "product.create"])
        withExtendedLifetime(keep) {}
    }

    @Test("keyset windows visit every row exactly once, in order, both ways", arguments: StoreKind.allCases)
    func keysetPaging(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        var expectedNames: [String] = []
        for index in 0..<57 {
            let name = "Item \(String(format: "%02d", (index * 37) % 57))"
            expectedNames.append(name)
            _ = try await store.createProduct(try draft("SKU-\(index)", name: name, price: Int64(index % 5) * 100, stock: Int64(index % 7)), context: admin)
        }
        for sort in ProductSortKey.allCases.flatMap({ [ProductSort($0, .ascending), ProductSort($0, .descending)] }) {
            var seen: [Int64] = []
            var window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .first, limit: 10), now: now)
            #expect(!window.hasMoreBefore)
            seen += window.items.map(\.id)
            while window.hasMoreAfter {
                window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .after(window.keys.last!), limit: 10), now: now)
                #expect(window.hasMoreBefore)
                seen += window.items.map(\.id)
            }
            #expect(seen.count == 57, "\(sort.token)")
            #expect(Set(seen).count == 57, "\(sort.token)")
            // Walking back from the end gives the same order.
            var backwards: [Int64] = []
            window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .last, limit: 10), now: now)
            backwards = window.items.map(\.id) + backwards
            while window.hasMoreBefore {
                window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .before(window.keys.first!), limit: 10), now: now)
                backwards = window.items.map(\.id) + backwards
            }
            #expect(backwards == seen, "\(sort.token)")
            // Positions count the rows before a key.
            let key = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .first, limit: 23), now: now).keys.last!
            #expect(try await store.inventoryPosition(of: key, matching: ProductFilter(), sort: sort, now: now) == 22)
        }
        let byName = try await store.inventoryItems(matching: ProductFilter(), sort: ProductSort(.name), window: ListWindow(limit: 100), now: now)
        #expect(byName.items.map(\.product.name) == expectedNames.sorted())
        withExtendedLifetime(keep) {}
    }

    @Test("full-text search matches SKU and name prefixes, including CJK", arguments: StoreKind.allCases)
    func search(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        _ = try await store.createProduct(try draft("MUG-0001", name: "Enamel mug, forest green"), context: admin)
        _ = try await store.createProduct(try draft("MUG-0002", name: "Enamel mug, 藍色"), context: admin)
        _ = try await store.createProduct(try draft("TEE-0003", name: "Organic tee \"quoted\""), context: admin)
        func skus(_ text: String) async throws -> [String] {
            try await store.inventoryItems(matching: ProductFilter(text: text), sort: ProductSort(.sku), window: ListWindow(), now: now).items.map(\.sku.rawValue)
        }
        #expect(try await skus("mug") == ["MUG-0001", "MUG-0002"])
        #expect(try await skus("enam gre") == ["MUG-0001"])
        #expect(try await skus("藍色") == ["MUG-0002"])
        #expect(try await skus("tee-0003") == ["TEE-0003"])
        #expect(try await skus("\"quoted") == ["TEE-0003"])
        #expect(try await skus("nothing") == [])
        // Accents and case fold away in every script, on both sides.
        _ = try await store.createProduct(try draft("DSH-0004", name: "Crème brûlée dish"), context: admin)
        _ = try await store.createProduct(try draft("GRK-0005", name: "ΣΑΛΑΤΑ bowl"), context: admin)
        #expect(try await skus("creme BRU") == ["DSH-0004"])
        #expect(try await skus("CRÈME") == ["DSH-0004"])
        #expect(try await skus("σαλ") == ["GRK-0005"])
        #expect(try await skus("rème") == [], "a word matches from its start only")
        _ = try await store.updateProduct(SKU("MUG-0001"), changes: ProductChanges(name: "Stoneware cup"), expectedVersion: nil, context: admin)
        #expect(try await skus("enamel") == ["MUG-0002"])
        #expect(try await skus("stoneware") == ["MUG-0001"])
        withExtendedLifetime(keep) {}
    }

    @Test("low-stock and archived filters", arguments: StoreKind.allCases)
    func filters(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        _ = try await store.createProduct(try draft("A", stock: 3, reorder: 5), context: admin)
        _ = try await store.createProduct(try draft("B", stock: 50, reorder: 5), context: admin)
        _ = try await store.createProduct(try draft("C", stock: 5, reorder: 5), context: admin)
        _ = try await store.updateProduct(SKU("C"), changes: ProductChanges(status: .archived), expectedVersion: nil, context: admin)
        func skus(_ filter: ProductFilter) async throws -> [String] {
            try await store.inventoryItems(matching: filter, sort: ProductSort(.sku), window: ListWindow(), now: now).items.map(\.sku.rawValue)
        }
        #expect(try await skus(ProductFilter(lowStockOnly: true)) == ["A"])
        #expect(try await skus(ProductFilter(lowStockOnly: true, status: .all)) == ["A", "C"])
        #expect(try await skus(ProductFilter(status: .archived)) == ["C"])
        #expect(try await store.inventorySummary(now: now) == InventorySummary(activeProducts: 2, archivedProducts: 1, lowStockProducts: 1))
        // Unfiltered totals (kept as counts per status) follow archive and restore.
        func total(_ status: ProductFilter.StatusScope) async throws -> Int {
            try await store.countInventoryItems(matching: ProductFilter(status: status), now: now)
        }
        #expect(try await [total(.active), total(.archived), total(.all)] == [2, 1, 3])
        _ = try await store.updateProduct(SKU("A"), changes: ProductChanges(status: .archived), expectedVersion: nil, context: admin)
        _ = try await store.updateProduct(SKU("C"), changes: ProductChanges(status: .active), expectedVersion: nil, context: admin)
        _ = try await store.updateProduct(SKU("B"), changes: ProductChanges(name: "Renamed"), expectedVersion: nil, context: admin)
        #expect(try await [total(.active), total(.archived), total(.all)] == [2, 1, 3])
        #expect(try await skus(ProductFilter(status: .archived)) == ["A"])
        #expect(try await store.countInventoryItems(matching: ProductFilter(text: "  "), now: now) == 2)
        #expect(try await store.checkInvariants(now: now).isEmpty)
        withExtendedLifetime(keep) {}
    }

    @Test("stock changes: adjust, compare-and-set, refusal below committed", arguments: StoreKind.allCases)
    func stockChanges(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        _ = try await store.createProduct(try draft("MUG-1", stock: 10), context: admin)
        let sku = try SKU("MUG-1")
        let change = try await store.changeStock(sku, .adjust(by: -2), reason: .damaged, reference: "dropped", context: admin)
        #expect(change.before.onHand == 10 && change.after.onHand == 8)
        #expect(change.movement.reason == .damaged && change.movement.reference == "dropped")
        let set = try await store.changeStock(sku, .setCount(to: 12, expected: 8), reason: .cycleCount, reference: nil, context: admin)
        #expect(set.movement.delta == 4)
        await #expect {
            try await store.changeStock(sku, .setCount(to: 1, expected: 8), reason: .cycleCount, reference: nil, context: admin)
        } throws: { ($0 as? BackroomError)?.detail == .currentCount(12) }
        await #expect {
            try await store.changeStock(sku, .adjust(by: -13), reason: .correction, reference: nil, context: admin)
        } throws: { ($0 as? BackroomError)?.code == .insufficientStock }
        let ledger = try await store.movements(of: sku, window: ListWindow())
        #expect(ledger.items.map(\.delta) == [4, -2, 10])
        #expect(ledger.items.map(\.onHandAfter) == [12, 8, 10])
        #expect(try await store.checkInvariants(now: now).isEmpty)
        withExtendedLifetime(keep) {}
    }

    @Test("users: create, duplicate email, update, tokens", arguments: StoreKind.allCases)
    func users(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        let user = try await store.createUser(NewUser(email: try Email("ana@example.com"), displayName: "Ana", role: .operator, passwordHash: "x"), context: admin)
        await #expect {
            try await store.createUser(NewUser(email: try Email("ANA@example.com"), displayName: "Ana 2", role: .customer, passwordHash: "y"), context: admin)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        let hash = [UInt8](repeating: 7, count: 32)
        try await store.insertToken(hash: hash, userID: user.id, createdAt: now, expiresAt: now.adding(seconds: 60))
        #expect(try await store.user(forTokenHash: hash, now: now)?.id == user.id)
        #expect(try await store.user(forTokenHash: hash, now: now.adding(seconds: 61)) == nil)
        #expect(try await store.revokeToken(hash: hash, at: now))
        #expect(try await store.user(forTokenHash: hash, now: now) == nil)
        #expect(try await store.revokeToken(hash: hash, at: now) == false)
        let renamed = try await store.updateUser(id: user.id, changes: UserChanges(displayName: "李伟"), context: admin)
        #expect(renamed.displayName == "李伟")
        let found = try await store.users(matching: UserFilter(text: "李伟"), sort: UserSort(.email), window: ListWindow())
        #expect(found.items.map(\.id) == [user.id])
        withExtendedLifetime(keep) {}
    }

    @Test("the last active admin cannot be demoted or disabled", arguments: StoreKind.allCases)
    func lastAdmin(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        let admin1 = try await store.createUser(NewUser(email: try Email("a1@example.com"), displayName: "A1", role: .admin, passwordHash: "x"), context: admin)
        await #expect {
            try await store.updateUser(id: admin1.id, changes: UserChanges(status: .disabled), context: admin)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        let admin2 = try await store.createUser(NewUser(email: try Email("a2@example.com"), displayName: "A2", role: .admin, passwordHash: "x"), context: admin)
        #expect(try await store.updateUser(id: admin1.id, changes: UserChanges(role: .viewer), context: admin).role == .viewer)
        await #expect {
            try await store.updateUser(id: admin2.id, changes: UserChanges(role: .operator), context: admin)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        withExtendedLifetime(keep) {}
    }

    @Test("audit entries page newest first", arguments: StoreKind.allCases)
    func audit(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        for index in 0..<5 { _ = try await store.createProduct(try draft("P\(index)"), context: admin) }
        let first = try await store.auditLog(matching: AuditFilter(), window: ListWindow(limit: 3))
        #expect(first.items.map(\.targetID) == ["P4", "P3", "P2"])
        #expect(first.hasMoreAfter)
        let next = try await store.auditLog(matching: AuditFilter(), window: ListWindow(anchor: .after(first.keys.last!), limit: 3))
        #expect(next.items.map(\.targetID) == ["P1", "P0"])
        #expect(!next.hasMoreAfter)
        withExtendedLifetime(keep) {}
    }

    @Test("revisions move when their area is written", arguments: StoreKind.allCases)
    func revisions(kind: StoreKind) async throws {
        let (store, keep) = try await kind.make()
        let start = try await store.revision()
        _ = try await store.createProduct(try draft("A"), context: admin)
        let afterCreate = try await store.revision()
        #expect(afterCreate.catalog > start.catalog && afterCreate.stock > start.stock)
        _ = try await store.changeStock(SKU("A"), .adjust(by: 1), reason: .received, reference: nil, context: admin)
        let afterStock = try await store.revision()
        #expect(afterStock.stock > afterCreate.stock && afterStock.catalog == afterCreate.catalog)
        withExtendedLifetime(keep) {}
    }
}
