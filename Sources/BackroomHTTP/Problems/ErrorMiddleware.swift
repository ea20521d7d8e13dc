import Dispatch
import Foundation
import BackroomCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// First in the chain: every error becomes an `application/problem+json`
/// response (unexpected ones are logged with the request id and answered
/// with a generic 500), every outcome, as the client sees it, is recorded
/// for the live views and metrics, and every response gets the headers
/// every response needs, its request id among them (`RequestIdentity`,
/// applied here first). All of these need the final response, and one
/// layer costs less than several on every request. (`HEAD` is answered by
/// the router's generated endpoints; an error to a `HEAD` loses its body
/// here.)
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let mapper: ProblemMapper
    /// `nil` when telemetry is off.
    let recorder: RequestRecorder?
    let metrics: ShopMetrics
    let identity: RequestIdentity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        identity.adopt(request, into: &context)
        let startedAt = recorder == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        recorder?.started()
        let isHead = request.method == .head
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let (problem, headers) = mapper.problem(for: error, request: request)
            if problem.status >= 500 && !(error is BackroomError) {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            } else if problem.code == ErrorCode.malformedRequest.rawValue, ProblemMapper.isAbortedUpload(error) {
                context.logger.debug("client aborted its upload", metadata: ["error": "\(error)"])
            }
            context.notes.noteError(code: problem.code, detail: problem.detail)
            if let limit = problem.limit { metrics.refusedByLimit(limit) }
            response = ProblemResponse.make(problem, headers: headers, requestID: context.id)
        }
        Self.secure(&response, path: request.uri.path)
        let requestID = context.id
        response.headers[.requestID] = requestID
        let bytes = response.body.contentLength ?? 0
        if isHead {
            // Built anew so the Content-Length of the GET stays (the body's setter would zero it).
            response = Response(status: response.status, headers: response.headers, body: ResponseBody())
        }
        recorder?.finished(request, context, requestID: requestID, status: response.status.code, bytes: bytes, startedAt: startedAt)
        return response
    }

    /// `nosniff` everywhere; `no-store` on errors and on everything but the
    /// public catalog and the documents (carts, orders, tokens and staff data must
    /// never sit in a shared cache), unless a route chose its own.
    static func secure(_ response: inout Response, path: String) {
        // Looked up before it is set: a cached product response shares its
        // prebuilt headers (`CatalogCache.Entry`), which already say it, and
        // a write would copy them at every read. (`contains`, not the
        // subscript: that joins every value of the field into a new string.)
        if !response.headers.contains(.xContentTypeOptions) { response.headers[.xContentTypeOptions] = "nosniff" }
        guard !response.headers.contains(.cacheControl) else { return }
        // (Compared as bytes: `String.hasPrefix` compares Unicode characters, and this runs on every request.)
        let bytes = path.utf8
        if response.status.code >= 400
            || !(bytes.starts(with: "/api/v1/products".utf8) || bytes.elementsEqual("/healthz".utf8) || bytes.elementsEqual("/openapi.yaml".utf8)) {
            response.headers[.cacheControl] = "no-store"
        }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
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
