import BackroomCore
import BackroomPostgres
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// `backroom copy` between the two stores.
@Suite("Copying a store", .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL's server binaries are not installed"))
struct StoreCopyTests {
    /// A shop with some of everything: products, stock moves, customers,
    /// carts with holds, orders in several states with payments, tokens,
    /// a webhook with deliveries, the audit log.
    func busyShop() async throws -> TestShop {
        let test = try TestShop {
            $0.paymentTimeoutSeconds = 5
            $0.allowPrivateWebhookTargets = true
        }
        _ = try await test.shop.webhooks.create(url: "http://127.0.0.1:9/backroom", events: ["*"], description: "all", by: TestShop.admin)
        for index in 0..<30 { try await test.product("CP-\(index)", name: "Crème \(index) 藍色", stock: Int64(20 + index), reorderPoint: 3) }
        _ = try await test.shop.inventory.adjustStock(test.sku("CP-1"), by: -2, reason: .damaged, by: TestShop.operatorPrincipal)
        // What COPY's text format must escape: backslashes, tabs, line ends.
        _ = try await test.shop.inventory.updateProduct(
            test.sku("CP-0"), changes: ProductChanges(description: "C:\\mugs\\big\tmug\nline two\r\nend \\N"), by: TestShop.admin
        )
        _ = try await test.customer("ana@example.com")
        _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        let paid = try await test.placeOrder([("CP-2", 2), ("CP-3", 1)])
        _ = try await test.shop.orders.pay(paid.order.order.number, by: nil, cartToken: paid.order.order.cartID)
        _ = try await test.placeOrder([("CP-4", 1)])
        let open = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(3, of: test.sku("CP-5"), in: open.id, by: nil)
        // The delivery worker's first step, so deliveries are copied too.
        _ = try await test.store.fanOutEvents(now: test.clock.now(), limit: 10_000)
        return test
    }

    /// Every copied table's rows, as the store holds them.
    func contents(_ store: any CopyableStore) async throws -> [String: [[CopiedValue]]] {
        var tables: [String: [[CopiedValue]]] = [:]
        for table in CopiedTable.all {
            tables[table.name] = try await store.copyRows(of: table, after: nil, limit: 100_000)
        }
        return tables
    }

    /// Every index and constraint of the database, as the server would
    /// write it again: what a copy sets aside must all be back after it.
    func schemaShape(_ address: PostgresAddress) async throws -> [String] {
        let client = PostgresClient(
            configuration: .init(unixSocketPath: try #require(address.socketPath), username: address.user, password: nil, database: address.database),
            backgroundLogger: Logger(label: "test")
        )
        return try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask { await client.run(); return [] }
            defer { group.cancelAll() }
            var shape: [String] = []
            for try await (definition) in try await client.query("""
                SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index
                    WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
                UNION ALL
                SELECT conrelid::regclass::TEXT || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                    WHERE connamespace = 'public'::regnamespace
                ORDER BY 1
                """).decode(String.self) {
                shape.append(definition)
            }
            return shape
        }
    }

    @Test("SQLite to PostgreSQL and back: every row the same, ids kept, check clean on each, and the copy works on as a shop")
    func roundTrip() async throws {
        let test = try await busyShop()
        let original = try await contents(test.store)
        #expect(original["outbox_event"]?.isEmpty == false && original["webhook_delivery"]?.isEmpty == false)
        let address = try await PostgresTestCluster.shared.database()
        let postgres = try await PostgresShopStore.open(address)
        let schema = try await schemaShape(address)
        #expect(schema.contains { $0.contains("product_text") } && schema.contains { $0.contains("FOREIGN KEY") })
        // Pages of 7 rows, so paging over every kind of key is exercised.
        let there = try await StoreCopier(from: test.store, named: "test", to: postgres, pageSize: 7).run(replacing: false)
        #expect(there == original.values.reduce(0) { $0 + $1.count })
        // The indexes and foreign keys set aside for the load are all back.
        #expect(try await schemaShape(address) == schema)
        #expect(try await contents(postgres) == original)
        #expect(try await postgres.checkInvariants(now: test.clock.now()).isEmpty)

        let back = try TemporaryStore()
        _ = try await StoreCopier(from: postgres, named: "postgres", to: back.store, pageSize: 7).run(replacing: false)
        #expect(try await contents(back.store) == original)
        #expect(try await back.store.checkInvariants(now: test.clock.now()).isEmpty)

        // The copy is a working shop: new rows take ids after the copied ones.
        let next = try await postgres.createProduct(
            try ProductDraft(sku: "CP-NEW", name: "New", price: Money(minorUnits: 100, currency: .eur), initialStock: 1).validated(),
            context: WriteContext(principal: .system("test"), at: test.clock.now())
        )
        #expect(next.id == 31)
        await postgres.close()
    }

    @Test("a target with data is refused and keeps it; --replace-target empties it first")
    func nonEmptyTarget() async throws {
        let test = try await busyShop()
        let target = try TemporaryStore()
        let context = WriteContext(principal: .system("test"), at: test.clock.now())
        _ = try await target.store.createProduct(
            try ProductDraft(sku: "MINE", name: "Mine", price: Money(minorUnits: 100, currency: .eur), initialStock: 1).validated(), context: context
        )
        await #expect {
            try await StoreCopier(from: test.store, named: "test", to: target.store).run(replacing: false)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        #expect(try await target.store.inventoryItem(SKU("MINE"), now: test.clock.now()) != nil)
        _ = try await StoreCopier(from: test.store, named: "test", to: target.store).run(replacing: true)
        #expect(try await target.store.inventoryItem(SKU("MINE"), now: test.clock.now()) == nil)
        #expect(try await contents(target.store) == contents(test.store))
        #expect(try await target.store.checkInvariants(now: test.clock.now()).isEmpty)
    }

    @Test("indexes and foreign keys set aside by a copy whose mark was removed by hand are reported by check, and the copy's end restores them")
    func setAsideWithoutMark() async throws {
        let address = try await PostgresTestCluster.shared.database()
        let store = try await PostgresShopStore.open(address)
        let schema = try await schemaShape(address)
        try await store.beginCopy(from: "test")
        #expect(try await schemaShape(address).count < schema.count)
        let client = PostgresClient(
            configuration: .init(unixSocketPath: try #require(address.socketPath), username: address.user, password: nil, database: address.database),
            backgroundLogger: Logger(label: "test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query("DELETE FROM store_setting WHERE key = \(CopiedTable.unfinishedCopyKey)")
            group.cancelAll()
        }
        let violations = try await store.checkInvariants(now: Timestamp(millisecondsSince1970: 0))
        #expect(violations.map(\.rule) == [.copyFinished])
        #expect(violations.first?.subject.contains("indexes and foreign keys set aside by a copy") == true)
        try await store.finishCopy()
        #expect(try await schemaShape(address) == schema)
        #expect(try await store.checkInvariants(now: Timestamp(millisecondsSince1970: 0)).isEmpty)
        await store.close()
    }

    @Test("a copy killed with -9 leaves a target that check refuses, and a second copy replaces it")
    func killed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.sqlite").path
        let binary = ChildProcess.backroomBinary
        let seeded = try await ChildProcess.run([binary, "seed", "--db", source, "--products", "20000", "--users", "20", "--orders", "500", "--password-cost", "4"])
        try #require(seeded.status == 0, "seed: \(seeded.output)")
        let address = try await PostgresTestCluster.shared.database()
        let url = address.copyURL
        let migrated = try await ChildProcess.run([binary, "migrate", "--db", url])
        try #require(migrated.status == 0, "migrate: \(migrated.output)")
        let schema = try await schemaShape(address)
        let copy = try ChildProcess([binary, "copy", "--from", source, "--to", url], output: directory.appendingPathComponent("copy.log").path)
        // Killed once the copy has begun writing (the mark is its first write).
        let watcher = try await PostgresShopStore.open(address, maximumConnections: 1)
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !watcher.holdsData(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        await copy.kill()
        await watcher.close()
        let check = try await ChildProcess.run([binary, "check", "--db", url])
        #expect(check.status == 2, "check refuses the partial copy: \(check.output)")
        #expect(check.output.contains("a copy into the store finished"))
        let again = try await ChildProcess.run([binary, "copy", "--from", source, "--to", url])
        #expect(again.status != 0 && again.output.contains("--replace-target"), "\(again.output)")
        let replaced = try await ChildProcess.run([binary, "copy", "--from", source, "--to", url, "--replace-target"])
        #expect(replaced.status == 0, "\(replaced.output)")
        #expect(try await ChildProcess.run([binary, "check", "--db", url]).status == 0)
        // What the killed copy set aside was kept for the one that replaced it.
        #expect(try await schemaShape(address) == schema)
    }
}

extension PostgresAddress {
    /// The address as `--db` takes it.
    var copyURL: String {
        switch endpoint {
        case .unixSocket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            return "postgres://\(user)@/\(database)?host=\(directory)"
        case .tcp(let host, let port):
            return "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
        }
    }
}
