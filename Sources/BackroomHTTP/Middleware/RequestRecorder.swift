import BackroomCore
import BackroomTelemetry
import Dispatch
import Hummingbird

/// Records finished requests into the live telemetry and the Prometheus
/// metrics: route template, final status, latency, size, user, request id.
struct RequestRecorder: Sendable {
    let telemetry: Telemetry
    let metrics: ShopMetrics
    let clock: any TimeSource

    func started() {
        telemetry.requestStarted()
        metrics.requestStarted()
    }

    func finished(_ request: Request, _ context: BackroomRequestContext, status: Int, bytes: Int, startedAt: UInt64) {
        let elapsed = DispatchTime.now().uptimeNanoseconds - startedAt
        telemetry.requestFinished()
        let endpoint = context.endpointPath
        let route = (endpoint == nil || endpoint == "NotFound") ? "(unmatched)" : endpoint!
        let method = request.method.rawValue
        metrics.requestFinished(method: method, route: route, status: status, nanoseconds: Int64(elapsed))
        var code: String?
        var detail: String?
        if status >= 400, let noted = context.notes.error {
            code = noted.code
            detail = noted.detail
        }
        telemetry.record(RequestRecord(
            at: clock.now(), method: method, route: route, path: Self.redacted(request.uri.path), status: status,
            latencyMicroseconds: elapsed / 1000, bytes: bytes, user: context.notes.user, requestID: context.id,
            errorCode: code, errorDetail: detail
        ))
    }

    /// The path with cart tokens cut short: a cart's id is the bearer secret
    /// of a guest's cart, and the live stream, logs and metrics are read by
    /// people who must not be able to use it.
    static func redacted(_ path: String) -> String {
        guard path.contains("/c_") else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("c_"), segment.count > 6 else { return String(segment) }
            return String(segment.prefix(5)) + "…"
        }.joined(separator: "/")
    }
}
