import GRDB

/// Inserts rows many at a time (`INSERT … VALUES (…), (…), …`): one
/// statement step per batch instead of per row.
struct BatchInserter {
    private let db: Database
    private let prefix: String
    private let columnCount: Int
    private let batchSize: Int
    private let fullStatement: Statement
    private var pending: [any DatabaseValueConvertible & Sendable] = []

    /// `rowTemplate` is the parenthesised VALUES tuple, e.g. `(?, ?, 'received', ?)`.
    init(_ db: Database, insert prefix: String, rowTemplate: String, batchSize: Int = 64) throws {
        self.db = db
        self.prefix = prefix
        self.columnCount = rowTemplate.filter { $0 == "?" }.count
        self.batchSize = batchSize
        self.rowTemplate = rowTemplate
        fullStatement = try db.makeStatement(sql: prefix + " VALUES " + Array(repeating: rowTemplate, count: batchSize).joined(separator: ", "))
        pending.reserveCapacity(batchSize * columnCount)
    }

    private let rowTemplate: String

    mutating func append(_ values: [any DatabaseValueConvertible & Sendable]) throws {
        pending.append(contentsOf: values)
        if pending.count == batchSize * columnCount {
            try fullStatement.execute(arguments: StatementArguments(pending))
            pending.removeAll(keepingCapacity: true)
        }
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        let rows = pending.count / columnCount
        let statement = try db.makeStatement(sql: prefix + " VALUES " + Array(repeating: rowTemplate, count: rows).joined(separator: ", "))
        try statement.execute(arguments: StatementArguments(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
