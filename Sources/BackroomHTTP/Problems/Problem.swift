import Foundation
import BackroomCore
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem: what every error response carries, with Backroom's
/// stable `code` and the facts a client needs to recover.
public struct Problem: Sendable, Encodable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var code: String
    public var field: String?
    public var requestId: String?
    public var shortages: [ShortageJSON]?
    public var currentCount: Int64?
    public var orderStatus: String?
    public var action: String?
    public var retryAfterSeconds: Int?
    /// The abuse limit that refused the request (its setting name).
    public var limit: String?

    public struct ShortageJSON: Sendable, Encodable {
        public var sku: String
        public var requested: Int64
        public var available: Int64
    }

    public init(status: HTTPResponse.Status, code: ErrorCode, detail: String, field: String? = nil) {
        self.type = "https://backroom.dev/problems/" + code.rawValue.replacingOccurrences(of: "_", with: "-")
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.code = code.rawValue
        self.field = field
    }

    public init(_ error: BackroomError) {
        self.init(status: Problem.status(for: error.code), code: error.code, detail: error.message, field: error.field)
        switch error.detail {
        case .shortages(let shortages):
            self.shortages = shortages.map { ShortageJSON(sku: $0.sku.rawValue, requested: $0.requested, available: $0.available) }
        case .currentCount(let count):
            currentCount = count
        case .transition(let status, let action):
            orderStatus = status.rawValue
            self.action = action.rawValue
        case .retryAfter(let seconds):
            retryAfterSeconds = seconds
        case .limit(let limit, let seconds):
            self.limit = limit.rawValue
            retryAfterSeconds = seconds
        case nil:
            break
        }
    }

    public static func status(for code: ErrorCode) -> HTTPResponse.Status {
        switch code {
        case .validationFailed: .unprocessableContent
        case .notFound: .notFound
        case .conflict, .insufficientStock, .invalidTransition, .notApplied: .conflict
        case .forbidden: .forbidden
        case .unauthenticated: .unauthorized
        case .paymentDeclined: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
        case .rateLimited: .tooManyRequests
        case .limitExceeded: .unprocessableContent
        case .paymentInProgress: .conflict
        case .malformedRequest: .badRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .payloadTooLarge: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        case .unavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }
}
