import Foundation
import BackroomCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// First in the chain: every error becomes an `application/problem+json`
/// response. Unexpected errors are logged with the request id and answered
/// with a generic 500.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = BackroomRequestContext
    let mapper: ProblemMapper

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (problem, headers) = mapper.problem(for: error, request: request)
            if problem.status >= 500 && !(error is BackroomError) {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            }
            context.notes.noteError(code: problem.code, detail: problem.detail)
            return ProblemResponse.make(problem, headers: headers, requestID: context.id)
        }
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
