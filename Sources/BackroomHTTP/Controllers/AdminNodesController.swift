import BackroomCore
import BackroomServices
import BackroomWire
import HTTPTypes
import Hummingbird

/// `GET /api/v1/admin/nodes`: the API nodes sharing this store that beat
/// lately (for whoever may watch the live stream: the console attaches to
/// each of them).
struct AdminNodesController {
    let shop: Shop
    let nodeName: String

    func addRoutes(to router: Router<BackroomRequestContext>) {
        router.get("/api/v1/admin/nodes") { _, context in
            let live = try await shop.nodes.live(by: try context.requirePrincipal())
            return try JSONResponse.make(
                PageJSON(items: live.map { NodeJSON($0, current: $0.name == nodeName) }, nextCursor: nil),
                headers: [.cacheControl: "no-store"]
            )
        }
    }
}
