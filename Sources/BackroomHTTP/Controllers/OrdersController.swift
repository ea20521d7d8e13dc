import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// A customer's own orders, and paying. Guests reach the order they placed
/// with the token of the cart it came from (`X-Cart-Token`).
struct OrdersController {
    let shop: Shop

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/orders")
        group.get { request, context in
            let principal = try context.requirePrincipal()
            let sort = OrderSort(.number, .descending)
            let window = try QueryParameters(request).window(sort: sort.token)
            let orders = try await shop.orders.myOrders(window: window, by: principal)
            return try JSONResponse.make(orders.page(sort: sort.token, OrderSummaryJSON.init))
        }
        group.get("{number}") { request, context in
            let detail = try await shop.orders.order(try context.orderNumber(), by: context.principal, cartToken: try Self.cartToken(request))
            return try JSONResponse.make(OrderJSON(detail))
        }
        group.post("{number}/pay") { request, context in
            let detail = try await shop.orders.pay(try context.orderNumber(), by: context.principal, cartToken: try Self.cartToken(request))
            return try JSONResponse.make(OrderJSON(detail))
        }
    }

    static func cartToken(_ request: Request) throws -> CartID? {
        guard let text = request.headers[.cartToken] else { return nil }
        return try? CartID(text)
    }
}
