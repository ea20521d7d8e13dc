import BackroomCore
import GRDB

/// A `payment_attempt` row, decoded by column name. A state the code does
/// not know is an error, never relabelled.
struct PaymentAttemptRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "payment_attempt"

    var id: Int64?
    var orderId: Int64
    var sequence: Int
    var idempotencyKey: String
    var amount: Int64
    var currency: String
    var state: String
    var leaseUntil: Int64
    var providerReference: String?
    var failure: String?
    var startedAt: Int64
    var settledAt: Int64?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let orderID = Column("order_id")
        static let sequence = Column(CodingKeys.sequence)
        static let state = Column(CodingKeys.state)
        static let leaseUntil = Column("lease_until")
    }

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    init(_ attempt: PaymentAttempt) {
        id = attempt.id == 0 ? nil : attempt.id
        orderId = attempt.orderID
        sequence = attempt.sequence
        idempotencyKey = attempt.idempotencyKey
        amount = attempt.amount.minorUnits
        currency = attempt.amount.currency.code
        state = attempt.state.rawValue
        leaseUntil = attempt.leaseUntil.millisecondsSince1970
        providerReference = attempt.providerReference
        failure = attempt.failure
        startedAt = attempt.startedAt.millisecondsSince1970
        settledAt = attempt.settledAt?.millisecondsSince1970
    }

    func attempt() throws -> PaymentAttempt {
        guard let state = PaymentAttemptState(rawValue: state) else {
            throw StoreDecodingError(table: Self.databaseTableName, column: "state", value: state)
        }
        return PaymentAttempt(
            id: id ?? 0, orderID: orderId, sequence: sequence, idempotencyKey: idempotencyKey,
            amount: Money(minorUnits: amount, currency: try Currency(code: currency)), state: state,
            leaseUntil: Timestamp(millisecondsSince1970: leaseUntil), providerReference: providerReference, failure: failure,
            startedAt: Timestamp(millisecondsSince1970: startedAt), settledAt: settledAt.map(Timestamp.init(millisecondsSince1970:))
        )
    }

    /// The order's open (pending or succeeded) attempt, if any.
    static func open(_ db: Database, orderID: Int64) throws -> PaymentAttempt? {
        try PaymentAttemptRecord
            .filter(Columns.orderID == orderID && [PaymentAttemptState.pending.rawValue, PaymentAttemptState.succeeded.rawValue].contains(Columns.state))
            .fetchOne(db)?
            .attempt()
    }
}

/// A stored value that the code cannot read back: the store was written
/// by a newer version, or edited by hand.
struct StoreDecodingError: Error, CustomStringConvertible {
    var table: String
    var column: String
    var value: String

    var description: String { "\(table).\(column) holds \"\(value)\", which this version of Backroom does not know." }
}
