import BackroomCore
import BackroomServices
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The public catalog: products and availability. Product reads are served
/// from `CatalogCache` with an ETag; `If-None-Match` gets a 304.
struct CatalogController {
    let shop: Shop
    let cache: CatalogCache

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/products")
        group.get { request, _ in
            let query = QueryParameters(request)
            let sort: ProductSort = try query.sort(default: ProductSort(.sku))
            let window = try query.window(sort: sort.token)
            let page = try await shop.inventory.catalog(text: query.string("q"), sort: sort, window: window)
            return try JSONResponse.make(page.page(sort: sort.token) { ProductJSON($0.product) })
        }
        group.get("{sku}") { request, context in
            let sku = try context.sku()
            let entry = try await cachedEntry(sku)
            if let match = request.headers[.ifNoneMatch], Self.matches(match, etag: entry.etag) {
                return Response(status: .notModified, headers: entry.notModifiedHeaders)
            }
            return Response(status: .ok, headers: entry.headers, body: ResponseBody(byteBuffer: entry.body))
        }
        group.get("{sku}/availability") { _, context in
            let item = try await shop.inventory.catalogItem(try context.sku())
            let available = max(0, item.stock.available)
            return try JSONResponse.make(
                AvailabilityJSON(sku: item.sku.rawValue, available: available, inStock: available > 0),
                headers: [.cacheControl: "no-store"]
            )
        }
    }

    private func cachedEntry(_ sku: SKU) async throws -> CatalogCache.Entry {
        if let entry = cache.entry(for: sku) { return entry }
        let generation = cache.generation
        let item = try await shop.inventory.catalogItem(sku)
        let data = try JSONCoders.encoder.encode(ProductJSON(item.product))
        let entry = CatalogCache.Entry(body: ByteBuffer(bytes: data), etag: "\"p\(item.id)-v\(item.product.version)\"")
        cache.store(entry, for: sku, readAtGeneration: generation)
        return entry
    }

    /// `If-None-Match` may list several tags, or `*`.
    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }
}
