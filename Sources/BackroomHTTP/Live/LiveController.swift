import BackroomCore
import BackroomServices
import BackroomTelemetry
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/v1/admin/live`: the live request and metrics stream (admins).
///
/// The viewer's token is checked again every second: the stream ends within
/// a second of the token being revoked or expiring, or of its user being
/// disabled or losing the right to watch.
struct LiveController {
    let shop: Shop
    let broadcast: LiveBroadcast

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
            let token = AuthenticationMiddleware.bearerToken(request.headers) ?? ""
            let subscriber = try broadcast.subscribe(windowSeconds: window, maximumEventsPerSecond: rate)
            let first = broadcast.snapshotEvent(windowSeconds: window)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .xAccelBuffering: "no"],
                body: ResponseBody { writer in
                    defer { broadcast.unsubscribe(subscriber) }
                    try await writer.write(ByteBuffer(string: ": connected to Backroom live\nretry: 2000\n\n"))
                    try await writer.write(first)
                    for await chunk in subscriber.chunks {
                        // A chunk comes at least every second, so both checks run that often.
                        if Task.isShuttingDownGracefully { break }
                        if chunk.endsSecond, await !stillAllowed(token: token) { break }
                        try await writer.write(chunk.bytes)
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    /// The token is live, its user active and still allowed to watch.
    private func stillAllowed(token: String) async -> Bool {
        guard let user = try? await shop.auth.authenticate(token: token) else { return false }
        return user.principal.can(.viewLive)
    }
}

extension HTTPField.Name {
    /// Tells nginx not to buffer the event stream.
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
