import BackroomCore
import BackroomTelemetry
import Dispatch
import HTTPTypes
import Hummingbird

/// Records every request into the live telemetry and the Prometheus
/// metrics: route template, status (also of errors, mapped as the error
/// middleware will answer them), latency, size, user, request id.
struct TelemetryMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let telemetry: Telemetry
    let metrics: ShopMetrics
    let mapper: ProblemMapper
    let clock: any TimeSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        telemetry.requestStarted()
        metrics.requestStarted()
        do {
            let response = try await next(request, context)
            finish(request, context, status: response.status.code, bytes: response.body.contentLength ?? 0, started: started, error: nil)
            return response
        } catch {
            let (problem, _) = mapper.problem(for: error, request: request)
            finish(request, context, status: problem.status, bytes: 0, started: started, error: (problem.code, problem.detail))
            throw error
        }
    }

    private func finish(_ request: Request, _ context: Context, status: Int, bytes: Int, started: UInt64, error: (String, String)?) {
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        telemetry.requestFinished()
        let endpoint = context.endpointPath
        let route = (endpoint == nil || endpoint == "NotFound") ? "(unmatched)" : endpoint!
        let method = request.method.rawValue
        metrics.requestFinished(method: method, route: route, status: status, nanoseconds: Int64(elapsed))
        let noted = error ?? context.notes.error.map { ($0.code, $0.detail) }
        telemetry.record(RequestRecord(
            at: clock.now(), method: method, route: route, path: request.uri.path, status: status,
            latencyMicroseconds: elapsed / 1000, bytes: bytes, user: context.notes.user, requestID: context.id,
            errorCode: noted?.0, errorDetail: noted?.1
        ))
    }
}
