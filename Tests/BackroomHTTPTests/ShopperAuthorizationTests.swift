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

/// Every shopper route × whose cart or order it is × who calls. Staff roles
/// get nothing here beyond reading orders: they work on orders through the
/// admin routes, so a viewer's token cannot fill a customer's cart, check
/// it out under another email, or pay for somebody.
@Suite("Authorization of carts and payment")
struct ShopperAuthorizationTests {
    enum Owner: String, CaseIterable { case guest, ana }
    enum Caller: String, CaseIterable { case anonymous, ana, li, viewer, `operator`, admin }
    enum Route: String, CaseIterable {
        case readCart = "GET /api/v1/carts/{cartId}"
        case putLine = "PUT /api/v1/carts/{cartId}/lines/{sku}"
        case removeLine = "DELETE /api/v1/carts/{cartId}/lines/{sku}"
        case checkout = "POST /api/v1/carts/{cartId}/checkout"
        case readOrder = "GET /api/v1/orders/{number}"
        case pay = "POST /api/v1/orders/{number}/pay"
    }

    /// Who may: a guest's cart and order belong to whoever holds the cart's
    /// token (every caller here does); a customer's to that customer, and
    /// staff may read (not touch) the order.
    static func allowed(_ route: Route, _ owner: Owner, _ caller: Caller) -> Bool {
        if owner == .guest { return true }
        if caller == .ana { return true }
        return route == .readOrder && [.viewer, .operator, .admin].contains(caller)
    }

    @Test("roles × cart owner × route", arguments: Route.allCases)
    func matrix(route: Route) async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 500)
        let ana = try await server.test.customer("ana@example.com", name: "Ana")
        let li = try await server.test.customer("li@example.com", name: "Li")
        let anaToken = try await server.shop.auth.login(email: "ana@example.com", password: "correct horse").token
        let liToken = try await server.shop.auth.login(email: "li@example.com", password: "correct horse").token
        _ = (ana, li)
        @Sendable func headers(_ caller: Caller, json: Bool = false) -> HTTPFields {
            var fields: HTTPFields
            switch caller {
            case .anonymous: fields = [:]
            case .ana: fields = [.authorization: "Bearer \(anaToken)"]
            case .li: fields = [.authorization: "Bearer \(liToken)"]
            case .viewer: fields = server.headers(.viewer)
            case .operator: fields = server.headers(.operator)
            case .admin: fields = server.headers(.admin)
            }
            if json { fields[.contentType] = "application/json" }
            return fields
        }
        let routes = Set(server.router().routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(routes.contains(route.rawValue), "\(route.rawValue) is not a route any more")
        try await server.run { client in
            for owner in Owner.allCases {
                for caller in Caller.allCases {
                    // A fresh cart (and order) for each case, made by its owner.
                    let ownerHeaders = owner == .ana ? headers(.ana, json: true) : [.contentType: "application/json"]
                    let cartID = try #require(try await client.execute(uri: "/api/v1/carts", method: .post, headers: ownerHeaders).json()["id"] as? String)
                    _ = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: ownerHeaders, body: jsonBody(["quantity": 1]))
                    var number: String?
                    if route == .readOrder || route == .pay {
                        number = try await client.execute(
                            uri: "/api/v1/carts/\(cartID)/checkout", method: .post, headers: ownerHeaders,
                            body: jsonBody(["email": "ana@example.com", "shippingAddress": addressJSON])
                        ).json()["number"] as? String
                    }
                    var request = headers(caller, json: true)
                    if owner == .guest { request[.init("X-Cart-Token")!] = cartID }
                    let callsBefore = server.test.payments.calls
                    let response: TestResponse
                    switch route {
                    case .readCart:
                        response = try await client.execute(uri: "/api/v1/carts/\(cartID)", method: .get, headers: request)
                    case .putLine:
                        response = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: request, body: jsonBody(["quantity": 3]))
                    case .removeLine:
                        response = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .delete, headers: request)
                    case .checkout:
                        response = try await client.execute(
                            uri: "/api/v1/carts/\(cartID)/checkout", method: .post, headers: request,
                            body: jsonBody(["email": "mallory@example.com", "shippingAddress": addressJSON])
                        )
                    case .readOrder:
                        response = try await client.execute(uri: "/api/v1/orders/\(try #require(number))", method: .get, headers: request)
                    case .pay:
                        response = try await client.execute(uri: "/api/v1/orders/\(try #require(number))/pay", method: .post, headers: request)
                    }
                    let label = "\(route.rawValue) on \(owner)'s as \(caller)"
                    if Self.allowed(route, owner, caller) {
                        #expect(response.status.code < 300, "\(label): \(response.text)")
                    } else {
                        #expect([401, 403, 404].contains(response.status.code), "\(label): \(response.text)")
                        // And nothing happened.
                        let cart = try await server.shop.carts.cart(try CartID(cartID), by: ana.principal)
                        #expect(cart.lines.map(\.quantity) == (route == .readOrder || route == .pay ? [1] : [1]), "\(label) changed the cart")
                        #expect(server.test.payments.calls == callsBefore, "\(label) reached the payment provider")
                        if route == .checkout { #expect(cart.status == .open, "\(label) checked the cart out") }
                        if let number {
                            let order = try await server.shop.orders.order(try OrderNumber(number), by: TestShop.admin)
                            #expect(order.order.status == .pendingPayment, "\(label) changed the order")
                        }
                    }
                }
            }
        }
        #expect(try await server.shop.checkInvariants().isEmpty)
    }

    @Test("an anonymous lookup of a customer's order is not found, exactly like an order that does not exist")
    func anonymousLookups() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 10)
        let ana = try await server.test.customer("ana@example.com")
        let cart = try await server.shop.carts.createCart(for: ana.principal)
        _ = try await server.shop.carts.setQuantity(1, of: server.test.sku("MUG-1"), in: cart.id, by: ana.principal)
        let number = try await server.shop.carts.checkout(cart.id, email: ana.email, shippingAddress: TestShop.address, idempotencyKey: nil, by: ana.principal).order.order.number
        try await server.run { client in
            let real = try await client.execute(uri: "/api/v1/orders/\(number)", method: .get)
            let missing = try await client.execute(uri: "/api/v1/orders/BR-999999", method: .get)
            #expect(real.status == .notFound && missing.status == .notFound)
            #expect(try real.json()["code"] as? String == "not_found")
            let realDetail = (try real.json()["detail"] as? String)?.replacingOccurrences(of: number.rawValue, with: "N")
            let missingDetail = (try missing.json()["detail"] as? String)?.replacingOccurrences(of: "BR-999999", with: "N")
            #expect(realDetail == missingDetail)
        }
    }
}
