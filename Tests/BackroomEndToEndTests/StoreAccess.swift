import BackroomCore
import BackroomServices
import BackroomStore
import Foundation
import GRDB

/// The store a test's console works on, opened beside it as another
/// process would: to prepare data and to compare the screen with it.
enum StoreAccess {
    static func withShop<T>(_ path: String, _ body: (Shop) async throws -> T) async throws -> T {
        let store = try SQLiteShopStore(path: path)
        defer { try? store.close() }
        return try await body(Shop(store: store, currency: store.currency, configuration: ShopConfiguration(passwordCost: 4)))
    }

    /// Signs in and writes the session's token to a file (the console's
    /// `--token $(cat FILE)`), so no password is typed.
    static func writeToken(store path: String, email: String, password: String, to file: String) async throws {
        let token = try await withShop(path) { shop in try await shop.auth.login(email: email, password: password).token }
        try token.write(toFile: file, atomically: true, encoding: .utf8)
    }
}

extension StoreAccess {
    /// One integer a query answers, read beside the console.
    static func count(_ path: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: path, configuration: {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(5)
            return configuration
        }())
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
