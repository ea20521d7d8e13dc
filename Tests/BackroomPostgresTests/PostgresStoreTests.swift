import BackroomCore
import BackroomPostgres
import BackroomTestSupport
import Foundation
import PostgresNIO
import Testing

/// The PostgreSQL store against a throwaway server (PostgresTestCluster).
/// The parts it has are held to the store contract with the SQLite store
/// (`CatalogStoreKind` in the contract suite); these are what only a
/// server shared by several nodes has to show.
@Suite("PostgreSQL store", .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL's server binaries are not installed"))
struct PostgresStoreTests {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    var admin: WriteContext { WriteContext(principal: .system("contract"), at: now) }
    var staff: WriteContext { WriteContext(principal: Principal(userID: nil, name: "ops@example.com", role: .operator), at: now) }

    func draft(_ sku: String, name: String? = nil, stock: Int64 = 10, reorder: Int64 = 0) throws -> ValidProductDraft {
        try ProductDraft(sku: sku, name: name ?? "Item \(sku)", price: Money(minorUnits: 1000, currency: .eur), reorderPoint: reorder, initialStock: stock).validated()
    }

    func withStore<T>(_ body: (PostgresShopStore, PostgresAddress) async throws -> T) async throws -> T {
        let address = try await PostgresTestCluster.shared.database()
        let store = try await PostgresShopStore.open(address, maximumConnections: 16)
        do {
            let result = try await body(store, address)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    @Test("a new database is migrated once; opening it again, or from several nodes at once, applies nothing twice")
    func migrations() async throws {
        let address = try await PostgresTestCluster.shared.database()
        // Four nodes starting at the same moment on an empty database.
        let stores = try await withThrowingTaskGroup(of: PostgresShopStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresShopStore.open(address, maximumConnections: 2) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for store in stores {
            #expect(try await store.appliedMigrations() == ["v1", "v2 node heartbeats", "v3 product counts per statement", "v4 definitions a copy sets aside"])
            await store.close()
        }
        let again = try await PostgresShopStore.open(address, currency: "USD")
        #expect(again.currency == .eur, "an existing store keeps its currency")
        await again.close()
    }

    @Test("64 concurrent takes of one unit from 40 in stock: exactly 40 succeed, the rest are refused, the ledger adds up")
    func noOversell() async throws {
        try await withStore { store, _ in
            _ = try await store.createProduct(try draft("HOT-1", stock: 40), context: admin)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        do {
                            _ = try await store.changeStock(SKU("HOT-1"), .adjust(by: -1), reason: .damaged, reference: nil, context: admin)
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 40)
            let item = try #require(try await store.inventoryItem(SKU("HOT-1"), now: now))
            #expect(item.stock.onHand == 0)
            let ledger = try await store.movements(of: SKU("HOT-1"), window: ListWindow(limit: ListWindow.maximumLimit)).items
            #expect(ledger.reduce(0) { $0 + $1.delta } == item.stock.onHand)
            #expect(ledger.first?.onHandAfter == 0)
            #expect(Set(ledger.map(\.onHandAfter)).count == ledger.count, "each change applied to the count the previous one left")
        }
    }

    @Test("two admins demoting each other at the same moment: one wins, an active admin always remains")
    func lastAdminRace() async throws {
        try await withStore { store, _ in
            for round in 0..<10 {
                let first = try await store.createUser(NewUser(email: try Email("a\(round)@example.com"), displayName: "A", role: .admin, passwordHash: "x"), context: admin)
                let second = try await store.createUser(NewUser(email: try Email("b\(round)@example.com"), displayName: "B", role: .admin, passwordHash: "x"), context: admin)
                // Earlier rounds' admins step down first, so these two are the only ones.
                for user in try await store.users(matching: UserFilter(role: .admin, status: .active), sort: UserSort(.email), window: ListWindow(limit: 100)).items
                where user.id != first.id && user.id != second.id {
                    _ = try await store.updateUser(id: user.id, changes: UserChanges(role: .viewer), context: admin)
                }
                async let demoteFirst: User? = try? store.updateUser(id: first.id, changes: UserChanges(role: .viewer), context: admin)
                async let demoteSecond: User? = try? store.updateUser(id: second.id, changes: UserChanges(role: .viewer), context: admin)
                let outcomes = await [demoteFirst, demoteSecond]
                #expect(outcomes.compactMap { $0 }.count == 1, "round \(round)")
                #expect(try await store.countUsers(matching: UserFilter(role: .admin, status: .active)) == 1, "round \(round)")
            }
        }
    }

    @Test("the schema refuses negative stock and stock below holds even from raw SQL")
    func constraints() async throws {
        try await withStore { store, address in
            _ = try await store.createProduct(try draft("MUG-1", stock: 3), context: admin)
            let client = PostgresClient(configuration: .init(unixSocketPath: try #require(address.socketPath), username: address.user, password: nil, database: address.database), backgroundLogger: Logger(label: "test"))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                for statement: PostgresQuery in [
                    "UPDATE product SET on_hand = -1 WHERE sku = 'MUG-1'",
                    "UPDATE product SET allocated = 4 WHERE sku = 'MUG-1'",
                    "INSERT INTO stock_movement (product_id, delta, reason, actor, on_hand_after, created_at) SELECT id, 1, 'gift', 'x', 4, 0 FROM product",
                ] {
                    await #expect(throws: PSQLError.self) { try await client.query(statement) }
                }
                group.cancelAll()
            }
            #expect(try await store.inventoryItem(SKU("MUG-1"), now: now)?.stock == StockLevel(onHand: 3, held: 0, allocated: 0))
        }
    }

    @Test("an address nobody answers at is unavailable, naming the address without its password")
    func unreachable() async throws {
        let address = try PostgresAddress.parse("postgres://backroom:s3cret@127.0.0.1:1/shop?sslmode=disable")
        await #expect {
            try await PostgresShopStore.open(address)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .unavailable && error.message.contains("127.0.0.1:1/shop") && !error.message.contains("s3cret")
        }
    }
}

extension PostgresAddress {
    var socketPath: String? {
        if case .unixSocket(let path) = endpoint { return path }
        return nil
    }
}
