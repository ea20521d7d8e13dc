import BackroomCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Turns any error into the problem the client sees. Only Backroom's own
/// errors and HTTP errors say what went wrong; anything else is a plain
/// 500 that leaks no stack trace or SQL (it is logged instead).
public struct ProblemMapper: Sendable {
    /// The routes the router knows, to answer 405 with `Allow` for a known
    /// path with a wrong method.
    let routes: any RouteLookup

    public func problem(for error: any Error, request: Request) -> (Problem, extraHeaders: HTTPFields) {
        switch error {
        case let error as BackroomError:
            var headers = HTTPFields()
            if let seconds = error.retryAfterSeconds {
                headers[.retryAfter] = String(seconds)
            }
            return (Problem(error), headers)
        case let error as HTTPError:
            if error.status == .notFound {
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    var headers = HTTPFields()
                    headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    let problem = Problem(
                        status: .methodNotAllowed, code: .methodNotAllowed,
                        detail: "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(headers[.allow]!)."
                    )
                    return (problem, headers)
                }
                return (Problem(status: .notFound, code: .notFound, detail: "No route for \(request.method.rawValue) \(request.uri.path)."), [:])
            }
            if error.status == .contentTooLarge {
                return (Problem(status: .contentTooLarge, code: .payloadTooLarge, detail: "The request body is larger than the limit."), [:])
            }
            let code: ErrorCode = switch error.status.code {
            case 400: .malformedRequest
            case 401: .unauthenticated
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 413: .payloadTooLarge
            case 415: .unsupportedMediaType
            case 429: .rateLimited
            case 503: .unavailable
            default: error.status.code < 500 ? .malformedRequest : .internalError
            }
            return (Problem(status: error.status, code: code, detail: error.body ?? error.status.reasonPhrase), error.headers)
        case let error as DecodingError:
            return (Problem(status: .badRequest, code: .malformedRequest, detail: DecodingProblem.describe(error), field: DecodingProblem.field(error)), [:])
        case _ where Self.isAbortedUpload(error):
            return (Problem(status: .badRequest, code: .malformedRequest, detail: "The request body ended before it was complete."), [:])
        case is CancellationError:
            return (Problem(status: .serviceUnavailable, code: .unavailable, detail: "The request was cancelled."), [:])
        default:
            return (Problem(status: .internalServerError, code: .internalError, detail: "Something went wrong on our side; it has been logged."), [:])
        }
    }
}

extension ProblemMapper {
    /// A client that hung up or stopped sending mid-body: nothing for the
    /// operator to fix, so it is logged at debug.
    static func isAbortedUpload(_ error: any Error) -> Bool {
        error is ChannelError || error is IOError || error is HTTPParserError
    }
}

/// Plain words for JSON that does not fit, naming the field at fault.
enum DecodingProblem {
    static func field(_ error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: return nil
        }
        let names = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return names.isEmpty ? nil : names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func describe(_ error: DecodingError) -> String {
        if case .dataCorrupted(let context) = error, context.debugDescription.hasPrefix(WholeNumber.marker) {
            let name = field(error).map { "\"\($0)\"" } ?? "This field"
            return "\(name) \(context.debugDescription.dropFirst(WholeNumber.marker.count + 1))."
        }
        switch error {
        case .keyNotFound(let key, _): return "The field \"\(key.stringValue)\" is required."
        case .typeMismatch(let type, _): return "A field has the wrong type (expected \(describe(type)))."
        case .valueNotFound(let type, _): return "A field is null; expected \(describe(type))."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid JSON." }
            return context.debugDescription
        @unknown default: return "The body does not fit the expected shape."
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "an object or list"
        }
    }
}
