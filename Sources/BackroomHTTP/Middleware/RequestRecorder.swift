import BackroomCore
import BackroomTelemetry
import Dispatch
import Hummingbird
import Synchronization

/// Records finished requests into the live telemetry and the Prometheus
/// metrics: route template, final status, latency, size, user, request id.
struct RequestRecorder: Sendable {
    let instruments: RequestInstruments

    func started() {
        instruments.started()
    }

    func finished(_ request: Request, _ context: BackroomRequestContext, requestID: String, status: Int, bytes: Int, startedAt: UInt64) {
        let elapsed = DispatchTime.now().uptimeNanoseconds - startedAt
        let endpoint = context.endpointPath
        let route = (endpoint == nil || endpoint == "NotFound") ? "(unmatched)" : endpoint!
        var code: String?
        var detail: String?
        if status >= 400, let noted = context.notes.error {
            code = noted.code
            detail = noted.detail
        }
        instruments.finished(
            method: request.method.rawValue, route: route, path: request.uri.path, status: status,
            nanoseconds: elapsed, bytes: bytes, user: context.notes.user, requestID: requestID,
            errorCode: code, errorDetail: detail
        )
    }
}

/// What the server records of every request, kept per route: the route's
/// Prometheus series and its slot in the telemetry are found with one
/// lookup by route and method, then used without hashing anything else.
/// (Public for `backroom bench telemetry`, which measures exactly this.)
public final class RequestInstruments: Sendable {
    private struct RouteKey: Hashable {
        let method: String
        let route: String
    }

    private struct Route {
        let metrics: RouteMetrics
        let telemetrySlot: Int
    }

    private let telemetry: Telemetry
    private let metrics: ShopMetrics
    private let clock: any TimeSource
    private let routes = Mutex<[RouteKey: Route]>([:])

    public init(telemetry: Telemetry, metrics: ShopMetrics, clock: any TimeSource) {
        self.telemetry = telemetry
        self.metrics = metrics
        self.clock = clock
    }

    public func started() {
        telemetry.requestStarted()
        metrics.requestStarted()
    }

    public func finished(
        method: String, route: String, path: String, status: Int, nanoseconds: UInt64, bytes: Int,
        user: String?, requestID: String, errorCode: String? = nil, errorDetail: String? = nil
    ) {
        telemetry.requestFinished()
        let instruments = self.route(method: method, route: route)
        instruments.metrics.finished(status: status, nanoseconds: Int64(nanoseconds))
        telemetry.record(RequestRecord(
            at: clock.now(), method: method, route: route, path: Self.redacted(path), status: status,
            latencyMicroseconds: nanoseconds / 1000, bytes: bytes, user: user, requestID: requestID,
            errorCode: errorCode, errorDetail: errorDetail
        ), routeSlot: instruments.telemetrySlot)
    }

    private func route(method: String, route: String) -> Route {
        let key = RouteKey(method: method, route: route)
        return routes.withLock { routes in
            if let known = routes[key] { return known }
            let made = Route(metrics: metrics.route(method: method, route: route), telemetrySlot: telemetry.routeSlot(method: method, route: route))
            routes[key] = made
            return made
        }
    }

    /// The path with cart tokens cut short: a cart's id is the bearer secret
    /// of a guest's cart, and the live stream, logs and metrics are read by
    /// people who must not be able to use it. (Scans bytes: most paths have
    /// no cart in them, and this runs on every request.)
    static func redacted(_ path: String) -> String {
        guard path.utf8.containsCartSegment else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("c_"), segment.count > 6 else { return String(segment) }
            return String(segment.prefix(5)) + "…"
        }.joined(separator: "/")
    }
}

extension String.UTF8View {
    /// Whether a `/c_` occurs.
    fileprivate var containsCartSegment: Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in self {
            if previous == (UInt8(ascii: "/"), UInt8(ascii: "c")) && byte == UInt8(ascii: "_") { return true }
            previous = (previous.1, byte)
        }
        return false
    }
}
