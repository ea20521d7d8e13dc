import BackroomCore
import BackroomTelemetry
import HTTPTypes
import Hummingbird

/// `GET /api/v1/admin/live`: the live request and metrics stream (admins).
struct LiveController {
    let telemetry: Telemetry

    func addRoutes(to router: Router<BackroomRequestContext>) {
        router.get("/api/v1/admin/live") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.viewLive)
            let query = QueryParameters(request)
            let window = Int(try query.integer("window") ?? 300)
            guard [60, 300, 900].contains(window) else {
                throw BackroomError.validation("window", "window is 60, 300 or 900 seconds.")
            }
            let rate = Int(try query.integer("maxEventsPerSecond") ?? 400)
            guard (1...10_000).contains(rate) else {
                throw BackroomError.validation("maxEventsPerSecond", "maxEventsPerSecond is 1 to 10000.")
            }
            let stream = LiveStream(telemetry: telemetry, windowSeconds: window, maximumEventsPerSecond: rate)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await stream.run(into: &writer)
                    try await writer.finish(nil)
                }
            )
        }
    }
}
