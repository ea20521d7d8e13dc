import BackroomCore
import BackroomServices
import BackroomStore
import Foundation

/// The demo store: seeded on first use, reused after.
enum DemoStore {
    static let password = "backroom-demo"

    /// Seeds `store` if it has no products yet; returns whether it did.
    @discardableResult
    static func prepare(_ store: SQLiteShopStore) async throws -> Bool {
        let existing = try await store.countInventoryItems(matching: ProductFilter(status: .all), now: SystemTimeSource().now())
        guard existing == 0 else { return false }
        let hash = PasswordHasher(cost: 10).hashNow(password)
        _ = try StoreSeeder(store: store).run(SeedPlan(
            products: 5_000, users: 400, orders: 1_500, seed: 2026, passwordHash: hash, now: SystemTimeSource().now()
        ))
        return true
    }
}

/// Whether a TCP port can be listened on, and a free one when it cannot.
enum PortProbe {
    static func isFree(host: String, port: Int) -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func freePort(host: String, from start: Int) -> Int? {
        (start..<(start + 100)).first { isFree(host: host, port: $0) }
    }
}
