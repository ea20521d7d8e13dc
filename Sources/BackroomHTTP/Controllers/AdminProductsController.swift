import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Staff work on the catalog and its stock. The service layer checks the
/// role (viewers read; operators and admins write).
struct AdminProductsController {
    let shop: Shop
    let body: RequestBodyReader
    let metrics: ShopMetrics

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/admin/products")
        group.get { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryParameters(request)
            let sort: ProductSort = try query.sort(default: ProductSort(.sku))
            let window = try query.window(sort: sort.token)
            var filter = ProductFilter(text: query.string("q"), lowStockOnly: try query.bool("lowStock") ?? false)
            if let status = query.string("status") {
                guard let scope = ProductFilter.StatusScope(rawValue: status) else {
                    throw BackroomError.validation("status", "Use active, archived or all.")
                }
                filter.status = scope
            }
            let items = try await shop.inventory.items(matching: filter, sort: sort, window: window, by: principal)
            return try JSONResponse.make(items.page(sort: sort.token, InventoryItemJSON.init))
        }
        group.post { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.editCatalog)
            let input = try await body.decode(CreateProductRequest.self, from: request)
            let draft = ProductDraft(
                sku: input.sku, name: input.name, description: input.description ?? "",
                price: try Money.parse(input.price, currency: shop.currency),
                reorderPoint: input.reorderPoint?.value ?? 0, initialStock: input.initialStock?.value ?? 0
            )
            let item = try await shop.inventory.createProduct(draft, by: principal)
            if draft.initialStock > 0 { metrics.stockAdjusted(reason: .received) }
            return try JSONResponse.make(InventoryItemJSON(item), status: .created, headers: [.location: "/api/v1/admin/products/\(item.sku)"])
        }
        group.get("{sku}") { _, context in
            try JSONResponse.make(InventoryItemJSON(try await shop.inventory.item(try context.sku(), by: try context.requirePrincipal())))
        }
        group.patch("{sku}") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.editCatalog)
            let input = try await body.decode(UpdateProductRequest.self, from: request)
            let changes = ProductChanges(
                name: input.name, description: input.description,
                price: try input.price.map { text throws(BackroomError) in try Money.parse(text, currency: shop.currency) },
                reorderPoint: input.reorderPoint?.value
            )
            let item = try await shop.inventory.updateProduct(try context.sku(), changes: changes, expectedVersion: input.expectedVersion?.value, by: principal)
            return try JSONResponse.make(InventoryItemJSON(item))
        }
        group.post("{sku}/archive") { _, context in
            try JSONResponse.make(InventoryItemJSON(try await shop.inventory.archive(try context.sku(), by: try context.requirePrincipal())))
        }
        group.post("{sku}/restore") { _, context in
            try JSONResponse.make(InventoryItemJSON(try await shop.inventory.restore(try context.sku(), by: try context.requirePrincipal())))
        }
        group.post("{sku}/stock/adjustments") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.adjustStock)
            let input = try await body.decode(AdjustStockRequest.self, from: request)
            let reason = try MovementReason(parsing: input.reason)
            let change = try await shop.inventory.adjustStock(try context.sku(), by: input.delta.value, reason: reason, reference: input.reference, by: principal)
            metrics.stockAdjusted(reason: reason)
            return try JSONResponse.make(StockChangeJSON(change), status: .created)
        }
        group.put("{sku}/stock") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.adjustStock)
            let input = try await body.decode(SetStockRequest.self, from: request)
            let reason = try input.reason.map { text throws(BackroomError) in try MovementReason(parsing: text) } ?? .cycleCount
            let change = try await shop.inventory.setStockCount(
                try context.sku(), to: input.count.value, expected: input.expected.value, reason: reason, reference: input.reference, by: principal
            )
            metrics.stockAdjusted(reason: reason)
            return try JSONResponse.make(StockChangeJSON(change))
        }
        group.get("{sku}/movements") { request, context in
            let principal = try context.requirePrincipal()
            let window = try QueryParameters(request).window(sort: "-id")
            let movements = try await shop.inventory.movements(of: try context.sku(), window: window, by: principal)
            return try JSONResponse.make(movements.page(sort: "-id", MovementJSON.init))
        }
    }
}
