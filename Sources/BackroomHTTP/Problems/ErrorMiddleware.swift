import Dispatch
import Foundation
import BackroomCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// First in the chain: every error becomes an `application/problem+json`
/// response (unexpected ones are logged with the request id and answered
/// with a generic 500), and every outcome, as the client sees it, is
/// recorded for the live views and metrics. Both need the final response,
/// and one layer costs less than two on every request.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let mapper: ProblemMapper
    /// `nil` when telemetry is off.
    let recorder: RequestRecorder?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let startedAt = recorder == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        recorder?.started()
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let (problem, headers) = mapper.problem(for: error, request: request)
            if problem.status >= 500 && !(error is BackroomError) {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            }
            context.notes.noteError(code: problem.code, detail: problem.detail)
            response = ProblemResponse.make(problem, headers: headers, requestID: context.id)
        }
        recorder?.finished(request, context, status: response.status.code, bytes: response.body.contentLength ?? 0, startedAt: startedAt)
        return response
    }
}

enum ProblemResponse {
    static func make(_ problem: Problem, headers: HTTPFields, requestID: String) -> Response {
        var problem = problem
        problem.requestId = requestID
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let data = (try? JSONCoders.encoder.encode(problem)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: problem.status, reasonPhrase: problem.title),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
