import BackroomCore
import BackroomServices
import Foundation
import HTTPTypes
import Hummingbird

/// Bulk stock work: up to 1,000 changes and counts in one request and one
/// transaction, each item answered on its own.
struct AdminStockController {
    let shop: Shop
    let body: RequestBodyReader
    let metrics: ShopMetrics

    func addRoutes(to router: Router<BackroomRequestContext>) {
        router.post("/api/v1/admin/stock/adjustments") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.adjustStock)
            let (input, bytes) = try await body.decodeKeepingBytes(StockBatchRequest.self, from: request)
            let policy = try input.policy()
            let claim = try request.headers[.idempotencyKey].map { key throws(BackroomError) in
                try IdempotencyClaim(actor: principal.name, key: key, body: bytes)
            }
            let items = input.items.map {
                StockBatchItem(sku: $0.sku, delta: $0.delta?.value, count: $0.count?.value, expected: $0.expected?.value, reason: $0.reason, reference: $0.reference)
            }
            let skus = input.items.map(\.sku)
            let (stored, replayed) = try await shop.inventory.applyStockBatch(items, policy: policy, claim: claim, by: principal) { outcomes in
                let response = StockBatchResponse(outcomes, skus: skus)
                return StoredReply(status: response.written || response.refused == 0 ? 200 : 422, body: try JSONCoders.encoder.encode(response))
            }
            if !replayed, stored.status == 200, let response = try? JSONCoders.decoder.decode(StockBatchResponse.self, from: stored.body) {
                for item in response.items where item.status == "applied" {
                    if let reason = item.change.flatMap({ MovementReason(rawValue: $0.movement.reason) }) { metrics.stockAdjusted(reason: reason) }
                }
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if replayed { headers[.idempotentReplayed] = "true" }
            return Response(status: HTTPResponse.Status(code: stored.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
        }
    }
}

/// `POST /api/v1/admin/stock/adjustments`.
struct StockBatchRequest: Codable, Sendable {
    /// `reject-all` (default: nothing is written when any item is refused) or `skip-bad-rows`.
    var onError: String?
    var items: [StockBatchItemRequest]

    func policy() throws(BackroomError) -> ImportPolicy {
        guard let onError else { return .rejectAll }
        guard let policy = ImportPolicy(rawValue: onError) else {
            throw BackroomError.validation("onError", "Use reject-all or skip-bad-rows.")
        }
        return policy
    }
}

struct StockBatchItemRequest: Codable, Sendable {
    var sku: String
    var delta: WholeNumber?
    var count: WholeNumber?
    var expected: WholeNumber?
    var reason: String?
    var reference: String?
}

struct StockBatchResponse: Codable, Sendable {
    struct Item: Codable, Sendable {
        var index: Int
        var sku: String
        /// `applied`, `refused` or `not_applied` (undone with the batch).
        var status: String
        var change: StockChangeJSON?
        var problem: ItemProblem?
    }

    struct ItemProblem: Codable, Sendable {
        var code: String
        var detail: String
        var field: String?
    }

    var written: Bool
    var applied: Int
    var refused: Int
    var notApplied: Int
    var items: [Item]

    init(_ outcomes: [StockBatchOutcome], skus: [String]) {
        items = zip(outcomes, skus).enumerated().map { index, pair in
            let (outcome, sku) = pair
            switch outcome {
            case .applied(let change): return Item(index: index, sku: sku, status: "applied", change: StockChangeJSON(change))
            case .refused(let error):
                return Item(index: index, sku: sku, status: "refused", problem: ItemProblem(code: error.code.rawValue, detail: error.message, field: error.field))
            case .notApplied: return Item(index: index, sku: sku, status: "not_applied")
            }
        }
        applied = items.filter { $0.status == "applied" }.count
        refused = items.filter { $0.status == "refused" }.count
        notApplied = items.filter { $0.status == "not_applied" }.count
        written = applied > 0
    }
}
