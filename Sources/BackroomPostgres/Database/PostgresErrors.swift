import BackroomCore
import PostgresNIO

/// How PostgreSQL's errors leave the store: as `BackroomError`, with the
/// server's reason and never the statement or its values.
enum PostgresErrors {
    static func translate(_ error: any Error, reaching address: PostgresAddress) -> any Error {
        if error is BackroomError { return error }
        if let failed = error as? PostgresTransactionError {
            // What went wrong first: the work, else beginning or committing it.
            if let cause = failed.closureError ?? failed.beginError ?? failed.commitError {
                return translate(cause, reaching: address)
            }
        }
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "unknown"
            switch state {
            case "23505":
                return BackroomError.conflict("That already exists; nothing was written.")
            case "23514", "23502", "22003", "22001", "23503":
                // Validation in Core should have caught it; a constraint is
                // the last line of defence, and the value was the client's.
                return BackroomError(.validationFailed, "The store refused a value as out of range; nothing was written.")
            case "40001", "40P01", "55P03", "57014":
                return BackroomError(.unavailable, "The store is busy; try again.")
            case "53100":
                return BackroomError(.unavailable, "The database server's disk is full; nothing was written.")
            case "25006":
                return BackroomError(.unavailable, "The store is read-only; nothing was written.")
            case let state where state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300":
                return BackroomError(.unavailable, "Cannot reach the PostgreSQL store at \(address): \(message).")
            case "28000", "28P01", "3D000":
                return BackroomError(.unavailable, "Cannot open the PostgreSQL store at \(address): \(message).")
            default:
                return BackroomError(.internalError, "store error: \(message)")
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown, .sslUnsupported, .failedToAddSSLHandler:
            let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return BackroomError(.unavailable, "Cannot reach the PostgreSQL store at \(address): \(reason).")
        default:
            return BackroomError(.internalError, "store error: \(error.code)")
        }
    }

    /// Whether the error is a UNIQUE violation (a duplicate SKU or email).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
