import BackroomCore
@testable import BackroomPostgres
import BackroomServices
import BackroomStore
import Foundation
import GRDB
import PostgresNIO

/// A fresh store file in its own temporary folder, deleted with the value.
public final class TemporaryStore: @unchecked Sendable {
    public let directory: URL
    public let store: SQLiteShopStore

    public var path: String { store.path }

    public init(currency: String = "EUR") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteShopStore(path: directory.appendingPathComponent("shop.sqlite").path, configuration: StoreConfiguration(currency: currency))
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The stores a test can run on: SQLite always, PostgreSQL when its
/// server binaries are here (or required: `PostgresTestCluster`).
public enum TestStoreKind: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var available: [TestStoreKind] { PostgresTestCluster.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    public var description: String { rawValue }
}

/// A service layer over a temporary store, a manual clock and cheap bcrypt.
public final class TestShop: @unchecked Sendable {
    private let temporaryStore: TemporaryStore?
    private let postgres: PostgresShopStore?

    /// The SQLite file, for tests that reopen it.
    public var temporary: TemporaryStore {
        guard let temporaryStore else { preconditionFailure("this test reads the SQLite store directly; run it on .sqlite only") }
        return temporaryStore
    }
    public let clock: ManualTimeSource
    public let payments: SimulatedPaymentProvider
    public let shop: Shop
    public let kind: TestStoreKind

    /// The store, whichever it is.
    public var anyStore: any ShopStore { postgres ?? temporary.store }

    /// The SQLite store, for tests that read its file directly.
    public var store: SQLiteShopStore {
        temporary.store
    }

    public static let admin = Principal.system("test-admin")
    public static let operatorPrincipal = Principal(userID: nil, name: "ana@backroom.local", role: .operator)
    public static let viewer = Principal(userID: nil, name: "vic@backroom.local", role: .viewer)

    /// - Parameter configure: changes to the test configuration (cheap
    ///   bcrypt, the given hold time, default limits).
    public convenience init(holdSeconds: Int64 = 900, currency: String = "EUR", configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        try self.init(temporary: TemporaryStore(currency: currency), postgres: nil, holdSeconds: holdSeconds, configure: configure)
    }

    /// A shop on `kind`: a new SQLite file, or a new database on the test
    /// PostgreSQL server.
    public static func make(
        _ kind: TestStoreKind, holdSeconds: Int64 = 900, currency: String = "EUR", configure: (inout ShopConfiguration) -> Void = { _ in }
    ) async throws -> TestShop {
        switch kind {
        case .sqlite:
            return try TestShop(holdSeconds: holdSeconds, currency: currency, configure: configure)
        case .postgres:
            let store = try await PostgresShopStore.open(try await PostgresTestCluster.shared.database(), currency: currency, maximumConnections: 16)
            return try TestShop(temporary: nil, postgres: store, holdSeconds: holdSeconds, configure: configure)
        }
    }

    private init(temporary: TemporaryStore?, postgres: PostgresShopStore?, holdSeconds: Int64, configure: (inout ShopConfiguration) -> Void) throws {
        temporaryStore = temporary
        self.postgres = postgres
        kind = postgres == nil ? .sqlite : .postgres
        clock = ManualTimeSource()
        payments = SimulatedPaymentProvider()
        var configuration = ShopConfiguration(holdPolicy: HoldPolicy(durationSeconds: holdSeconds), passwordCost: 4)
        configure(&configuration)
        let store: any ShopStore = postgres ?? temporary!.store
        shop = Shop(
            store: store, currency: postgres?.currency ?? temporary!.store.currency, clock: clock,
            configuration: configuration,
            payments: payments
        )
    }

    public func euros(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .eur) }

    /// Creates an active product with `stock` units on hand.
    @discardableResult
    public func product(_ sku: String, name: String? = nil, price: Int64 = 1290, stock: Int64 = 10, reorderPoint: Int64 = 0) async throws -> InventoryItem {
        try await shop.inventory.createProduct(
            ProductDraft(sku: sku, name: name ?? "Product \(sku)", price: Money(minorUnits: price, currency: shop.currency), reorderPoint: reorderPoint, initialStock: stock),
            by: Self.admin
        )
    }

    /// A customer signed up through `register`, read back as the account.
    @discardableResult
    public func customer(_ email: String, name: String = "Customer", password: String = "correct horse") async throws -> User {
        let registration = try await shop.users.register(email: email, displayName: name, password: password)
        guard let credentials = try await anyStore.credentials(for: registration.email) else {
            throw BackroomError.notFound("registration of \(email) made no account")
        }
        return credentials.user
    }

    public func item(_ sku: String) async throws -> InventoryItem {
        try await shop.inventory.item(try SKU(sku), by: Self.admin)
    }

    public func sku(_ text: String) -> SKU { SKU(trusted: text) }

    public static let address = ShippingAddress(name: "Ana Lima", line1: "Rua Augusta 1", city: "Lisbon", postalCode: "1100-148", country: "PT")

    /// A cart holding `quantity` of each SKU, checked out.
    public func placeOrder(_ lines: [(String, Int64)], key: String? = nil) async throws -> CheckoutResult {
        var cart = try await shop.carts.createCart(for: nil)
        for (sku, quantity) in lines {
            cart = try await shop.carts.setQuantity(quantity, of: self.sku(sku), in: cart.id, by: nil)
        }
        return try await shop.carts.checkout(cart.id, email: try Email("shopper@example.com"), shippingAddress: Self.address, idempotencyKey: key, by: nil)
    }

    public func count(_ sql: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Another store on the same file or database, as a second process
    /// (or node) opens it; closed by `close`.
    public func secondStore() async throws -> (store: any ShopStore, close: @Sendable () async -> Void) {
        if let postgres {
            let other = try await PostgresShopStore.open(postgres.address, maximumConnections: 2)
            return (other, { await other.close() })
        }
        let other = try SQLiteShopStore(path: store.path)
        return (other, { try? other.close() })
    }

    /// A number one query answers (`SELECT COUNT(*) …`), on either store.
    /// Table names are the same on both, but for users (`app_user` on
    /// PostgreSQL).
    public func number(_ sql: String) async throws -> Int64 {
        guard let postgres else { return Int64(try count(sql)) }
        return try await postgres.read { connection in
            var value: Int64 = 0
            // SUM of a BIGINT is a NUMERIC there: the answer is cast back.
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: "SELECT (\(sql))::BIGINT"), logger: postgres.logger) {
                value = try row.decode(Int64?.self) ?? 0
            }
            return value
        }
    }
}
