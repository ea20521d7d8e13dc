import BackroomCore
import BackroomServices
import BackroomTelemetry
import HTTPTypes
import Hummingbird

/// Carts and checkout. An anonymous cart is used by its token (the id); a
/// signed-in customer's cart by its owner.
struct CartsController {
    let shop: Shop
    let body: RequestBodyReader
    let telemetry: Telemetry
    let metrics: ShopMetrics

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/carts")
        group.post { request, context in
            let input = try await body.decodeIfPresent(CreateCartRequest.self, from: request)
            let lines = try (input?.lines ?? []).map { CartLineQuantity(sku: try SKU($0.sku), quantity: $0.quantity.value) }
            let cart = try await shop.carts.createCart(for: context.principal, client: context.client, lines: lines)
            return try JSONResponse.make(CartJSON(cart), status: .created, headers: [.location: "/api/v1/carts/\(cart.id)"])
        }
        group.get("{cartId}") { _, context in
            try JSONResponse.make(CartJSON(try await shop.carts.cart(try context.cartID(), by: context.principal)))
        }
        group.put("{cartId}/lines/{sku}") { request, context in
            let input = try await body.decode(SetQuantityRequest.self, from: request)
            let cart = try await shop.carts.setQuantity(input.quantity.value, of: try context.sku(), in: try context.cartID(), by: context.principal, client: context.client)
            return try JSONResponse.make(CartJSON(cart))
        }
        group.delete("{cartId}/lines/{sku}") { _, context in
            let cart = try await shop.carts.removeLine(try context.sku(), from: try context.cartID(), by: context.principal)
            return try JSONResponse.make(CartJSON(cart))
        }
        group.post("{cartId}/checkout") { request, context in
            let input = try await body.decode(CheckoutRequest.self, from: request)
            let email = try Email(input.email)
            do {
                let result = try await shop.carts.checkout(
                    try context.cartID(), email: email, shippingAddress: input.shippingAddress.address,
                    idempotencyKey: request.headers[.idempotencyKey], by: context.principal
                )
                let number = result.order.order.number.rawValue
                if result.isReplay {
                    return try JSONResponse.make(OrderJSON(result.order), headers: [.idempotentReplayed: "true", .location: "/api/v1/orders/\(number)"])
                }
                telemetry.recordOrder(total: result.order.order.total, at: result.order.order.placedAt)
                metrics.orderPlaced()
                return try JSONResponse.make(OrderJSON(result.order), status: .created, headers: [.location: "/api/v1/orders/\(number)"])
            } catch let error as BackroomError where error.code == .insufficientStock {
                telemetry.recordStockRefusal(at: shop.clock.now())
                metrics.checkoutRefusedForStock()
                throw error
            }
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let cartToken = HTTPField.Name("X-Cart-Token")!
    static let requestID = HTTPField.Name("X-Request-Id")!
}
