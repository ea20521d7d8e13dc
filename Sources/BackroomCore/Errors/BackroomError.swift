/// The one error type of Backroom's domain and services.
///
/// `code` is stable and machine-readable; `message` is a plain sentence an
/// operator or a shopper can read; `field` names the input at fault for
/// validation errors; `detail` carries the facts a client needs to recover
/// (the available counts, the current count, the status that refused).
public struct BackroomError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var field: String?
    public var detail: Detail?

    public enum Detail: Sendable, Hashable {
        /// Lines that could not be satisfied, with what is available now.
        case shortages([StockShortage])
        /// The count a compare-and-set found instead of the expected one.
        case currentCount(Int64)
        /// The order status that refused the action.
        case transition(status: OrderStatus, action: OrderAction)
        /// Seconds until a rate-limited caller may try again.
        case retryAfter(seconds: Int)
        /// The abuse limit that refused the request, and when to try again
        /// if waiting helps.
        case limit(AbuseLimit, retryAfterSeconds: Int?)
    }

    public init(_ code: ErrorCode, _ message: String, field: String? = nil, detail: Detail? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.detail = detail
    }

    public var description: String {
        if let field { return "\(code.rawValue) (\(field)): \(message)" }
        return "\(code.rawValue): \(message)"
    }

    public static func validation(_ field: String, _ message: String) -> BackroomError {
        BackroomError(.validationFailed, message, field: field)
    }

    public static func notFound(_ message: String) -> BackroomError {
        BackroomError(.notFound, message)
    }

    public static func conflict(_ message: String, detail: Detail? = nil) -> BackroomError {
        BackroomError(.conflict, message, detail: detail)
    }

    public static func forbidden(_ message: String = "You are not allowed to do this.") -> BackroomError {
        BackroomError(.forbidden, message)
    }

    public static func unauthenticated(_ message: String = "Sign in first.") -> BackroomError {
        BackroomError(.unauthenticated, message)
    }

    /// The server cannot take this now (a full queue, a provider that does
    /// not answer); nothing was lost, and the request may be repeated.
    public static func unavailable(_ message: String, retryAfterSeconds: Int) -> BackroomError {
        BackroomError(.unavailable, message, detail: .retryAfter(seconds: retryAfterSeconds))
    }

    /// Seconds to wait before trying again, if the error says.
    public var retryAfterSeconds: Int? {
        switch detail {
        case .retryAfter(let seconds): seconds
        case .limit(_, let seconds): seconds
        default: nil
        }
    }

    public static func insufficientStock(_ shortages: [StockShortage]) -> BackroomError {
        let parts = shortages.map { "\($0.sku): \($0.requested) requested, \($0.available) available" }
        return BackroomError(
            .insufficientStock,
            "Not enough stock: " + parts.joined(separator: "; ") + ".",
            detail: .shortages(shortages)
        )
    }
}

/// One line that stock could not cover.
public struct StockShortage: Sendable, Hashable, Codable {
    public var sku: SKU
    public var requested: Int64
    public var available: Int64

    public init(sku: SKU, requested: Int64, available: Int64) {
        self.sku = sku
        self.requested = requested
        self.available = available
    }
}
