import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("No oversell over HTTP")
struct HTTPOversellTests {
    @Test("64 concurrent clients checking out the last 10 units: exactly 10 orders", arguments: TestStoreKind.available)
    func lastTenUnits(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("LAST-10", stock: 10)
        let statuses = try await server.run { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let json: HTTPFields = [.contentType: "application/json"]
                        let cart = try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as! String
                        let held = try await client.execute(uri: "/api/v1/carts/\(cart)/lines/LAST-10", method: .put, headers: json, body: jsonBody(["quantity": 1]))
                        guard held.status == .ok else { return held.status }
                        let placed = try await client.execute(uri: "/api/v1/carts/\(cart)/checkout", method: .post, headers: json,
                                                              body: jsonBody(["email": "shopper\(index)@example.com", "shippingAddress": addressJSON]))
                        return placed.status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == .created }.count == 10)
        #expect(statuses.filter { $0 == .conflict }.count == 54)
        #expect(try await server.test.number("SELECT COUNT(*) FROM shop_order") == 10)
        #expect(try await server.test.item("LAST-10").stock == StockLevel(onHand: 10, held: 0, allocated: 10))
        #expect(try await server.shop.checkInvariants().isEmpty)
    }
}
