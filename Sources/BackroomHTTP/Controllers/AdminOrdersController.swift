import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Staff work on orders: lists with filters, detail, transitions.
struct AdminOrdersController {
    let shop: Shop
    let body: RequestBodyReader

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/admin/orders")
        group.get { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryParameters(request)
            let sort: OrderSort = try query.sort(default: OrderSort(.number, .descending))
            let window = try query.window(sort: sort.token)
            var filter = OrderFilter(text: query.string("q"))
            if let statuses = query.string("status") {
                filter.statuses = Set(try statuses.split(separator: ",").map { text throws(BackroomError) in try OrderStatus(parsing: String(text)) })
            }
            filter.customerID = try query.integer("customer")
            filter.placedFrom = try query.timestamp("from")
            filter.placedBefore = try query.timestamp("to")
            filter.minimumTotalMinorUnits = try query.string("minTotal").map { text throws(BackroomError) in try Money.parse(text, currency: shop.currency, field: "minTotal").minorUnits }
            filter.maximumTotalMinorUnits = try query.string("maxTotal").map { text throws(BackroomError) in try Money.parse(text, currency: shop.currency, field: "maxTotal").minorUnits }
            let orders = try await shop.orders.orders(matching: filter, sort: sort, window: window, by: principal)
            return try JSONResponse.make(orders.page(sort: sort.token, OrderSummaryJSON.init))
        }
        group.get("{number}") { _, context in
            let principal = try context.requirePrincipal()
            try principal.require(.viewOrders)
            return try JSONResponse.make(OrderJSON(try await shop.orders.order(try context.orderNumber(), by: principal)))
        }
        group.post("{number}/transitions") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.transitionOrders)
            let input = try await body.decode(TransitionRequest.self, from: request)
            let detail = try await shop.orders.transition(
                try context.orderNumber(), try OrderAction(parsing: input.action), restock: input.restock ?? false, note: input.note, by: principal
            )
            return try JSONResponse.make(OrderJSON(detail))
        }
    }
}
