import BackroomCore
import BackroomServices
import BackroomStore
import Foundation
import GRDB

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

/// A service layer over a temporary store, a manual clock and cheap bcrypt.
public final class TestShop: @unchecked Sendable {
    public let temporary: TemporaryStore
    public let clock: ManualTimeSource
    public let payments: SimulatedPaymentProvider
    public let shop: Shop

    public var store: SQLiteShopStore { temporary.store }

    public static let admin = Principal.system("test-admin")
    public static let operatorPrincipal = Principal(userID: nil, name: "ana@backroom.local", role: .operator)
    public static let viewer = Principal(userID: nil, name: "vic@backroom.local", role: .viewer)

    /// - Parameter configure: changes to the test configuration (cheap
    ///   bcrypt, the given hold time, default limits).
    public init(holdSeconds: Int64 = 900, currency: String = "EUR", configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        temporary = try TemporaryStore(currency: currency)
        clock = ManualTimeSource()
        payments = SimulatedPaymentProvider()
        var configuration = ShopConfiguration(holdPolicy: HoldPolicy(durationSeconds: holdSeconds), passwordCost: 4)
        configure(&configuration)
        shop = Shop(
            store: temporary.store, currency: temporary.store.currency, clock: clock,
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
        guard let credentials = try await store.credentials(for: registration.email) else {
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
}
