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

/// Every admin route × every caller, generated from the router's own route
/// list: a new admin route without an entry here fails the test.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// The least role that may call each admin route.
    static let minimumRole: [String: Role] = [
        "GET /api/v1/admin/products": .viewer,
        "POST /api/v1/admin/products": .operator,
        "GET /api/v1/admin/products/{sku}": .viewer,
        "PATCH /api/v1/admin/products/{sku}": .operator,
        "POST /api/v1/admin/products/{sku}/archive": .operator,
        "POST /api/v1/admin/products/{sku}/restore": .operator,
        "POST /api/v1/admin/products/{sku}/stock/adjustments": .operator,
        "PUT /api/v1/admin/products/{sku}/stock": .operator,
        "GET /api/v1/admin/products/{sku}/movements": .viewer,
        "POST /api/v1/admin/stock/adjustments": .operator,
        "GET /api/v1/admin/orders": .viewer,
        "GET /api/v1/admin/orders/{number}": .viewer,
        "POST /api/v1/admin/orders/{number}/transitions": .operator,
        "GET /api/v1/admin/users": .viewer,
        "POST /api/v1/admin/users": .admin,
        "GET /api/v1/admin/users/{id}": .viewer,
        "PUT /api/v1/admin/users/{id}/role": .admin,
        "POST /api/v1/admin/users/{id}/disable": .admin,
        "POST /api/v1/admin/users/{id}/enable": .admin,
        "POST /api/v1/admin/users/{id}/revoke-tokens": .admin,
        "POST /api/v1/admin/users/{id}/password": .admin,
        "GET /api/v1/admin/audit": .admin,
        "GET /api/v1/admin/live": .admin,
        "GET /api/v1/admin/nodes": .admin,
        "GET /api/v1/admin/webhooks": .admin,
        "POST /api/v1/admin/webhooks": .admin,
        "GET /api/v1/admin/webhooks/{id}": .admin,
        "PATCH /api/v1/admin/webhooks/{id}": .admin,
        "DELETE /api/v1/admin/webhooks/{id}": .admin,
        "POST /api/v1/admin/webhooks/{id}/disable": .admin,
        "POST /api/v1/admin/webhooks/{id}/enable": .admin,
        "POST /api/v1/admin/webhooks/{id}/rotate-secret": .admin,
        "POST /api/v1/admin/webhooks/{id}/test": .admin,
        "POST /api/v1/admin/webhooks/{id}/replay": .admin,
        "GET /api/v1/admin/webhooks/{id}/deliveries": .admin,
        "POST /api/v1/admin/webhooks/{id}/deliveries/{delivery}/retry": .admin,
    ]

    @Test("every admin route × {anonymous, customer, viewer, operator, admin}")
    func matrix() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 50)
        let order = try await server.test.placeOrder([("MUG-1", 1)]).order.order.number
        let target = try await server.test.customer("target@example.com", name: "Target")
        let routes = server.router().routes
            .map { "\($0.method.rawValue) \($0.path.description)" }
            .filter { $0.contains(" /api/v1/admin") }
        #expect(Set(routes) == Set(Self.minimumRole.keys), "admin routes and the matrix differ")
        let callers: [Role?] = [nil] + Role.allCases
        try await server.run { client in
            for route in routes.sorted() {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                // A live stream would not end: an invalid window makes the handler
                // answer right after its authorization checks.
                let path = String(parts[1])
                    .replacingOccurrences(of: "{sku}", with: "MUG-1")
                    .replacingOccurrences(of: "{number}", with: order.rawValue)
                    .replacingOccurrences(of: "{id}", with: String(target.id))
                    + (route.hasSuffix("/live") ? "?window=7" : "")
                for caller in callers {
                    let hasBody = method == .post || method == .put || method == .patch
                    let response = try await client.execute(
                        uri: path, method: method, headers: server.headers(caller, json: hasBody),
                        body: hasBody ? ByteBuffer(string: "{}") : nil
                    )
                    let required = Self.minimumRole[route] ?? .admin
                    let label = "\(route) as \(caller?.rawValue ?? "anonymous")"
                    switch caller {
                    case nil:
                        #expect(response.status == .unauthorized, "\(label): \(response.text)")
                    case let role? where role < required:
                        #expect(response.status == .forbidden, "\(label): \(response.text)")
                    default:
                        #expect(response.status != .unauthorized && response.status != .forbidden, "\(label): \(response.text)")
                        #expect(response.status.code < 500, "\(label): \(response.text)")
                    }
                }
            }
        }
    }
}
