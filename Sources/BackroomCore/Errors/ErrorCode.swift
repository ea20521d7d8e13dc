/// A stable, machine-readable error code. Clients branch on these; never
/// rename one once it has shipped.
public enum ErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    case validationFailed = "validation_failed"
    case notFound = "not_found"
    case conflict = "conflict"
    case insufficientStock = "insufficient_stock"
    case invalidTransition = "invalid_transition"
    case forbidden = "forbidden"
    case unauthenticated = "unauthenticated"
    case paymentDeclined = "payment_declined"
    case rateLimited = "rate_limited"
    case limitExceeded = "limit_exceeded"
    case paymentInProgress = "payment_in_progress"
    case malformedRequest = "malformed_request"
    case unsupportedMediaType = "unsupported_media_type"
    case payloadTooLarge = "payload_too_large"
    case methodNotAllowed = "method_not_allowed"
    case unavailable = "unavailable"
    case internalError = "internal_error"
    /// An item of an all-or-nothing batch that was fine but undone because
    /// another item was refused.
    case notApplied = "not_applied"
}
