import BackroomCore

/// What a bulk action did, row by row: one transaction in which each row
/// either took effect or was refused for its own reason.
public struct BatchReport<Value: Sendable>: Sendable {
    public struct Row: Sendable {
        /// The row's key as the operator knows it (SKU, order number, email).
        public var key: String
        public var result: Result<Value, BackroomError>
    }

    public var rows: [Row]

    public init(rows: [Row]) {
        self.rows = rows
    }

    public var succeeded: Int { rows.filter { if case .success = $0.result { true } else { false } }.count }

    /// The refused rows, with why.
    public var refusals: [(key: String, error: BackroomError)] {
        rows.compactMap { row in
            if case .failure(let error) = row.result { return (row.key, error) }
            return nil
        }
    }

    /// `36 adjusted · 1 refused (MUG-0007: below committed stock)`.
    public func summary(verb: String, limit: Int = 3) -> String {
        var text = "\(succeeded) \(verb)"
        let refused = refusals
        if !refused.isEmpty {
            // Core's messages often name the row already (`MUG-0007: on hand …`).
            let reasons = refused.prefix(limit).map { refusal in
                refusal.error.message.hasPrefix(refusal.key) ? refusal.error.message : "\(refusal.key): \(refusal.error.message)"
            }.joined(separator: "; ")
            text += " · \(refused.count) refused (\(reasons)\(refused.count > limit ? "; …" : ""))"
        }
        return text
    }
}

extension BatchReport {
    /// Runs `writes` through the store's batch, keyed for the report; rows
    /// that failed validation before reaching the store are reported too.
    static func run(
        store: any ShopStore, keys: [String], writes: [Result<StoreWrite, BackroomError>], context: WriteContext,
        extract: (StoreWriteResult) -> Value?
    ) async throws -> BatchReport<Value> {
        let valid = writes.compactMap { try? $0.get() }
        let stored = valid.isEmpty ? [] : try await store.perform(valid, context: context)
        var storedResults = stored.makeIterator()
        var rows: [Row] = []
        for (key, write) in zip(keys, writes) {
            switch write {
            case .failure(let error):
                rows.append(Row(key: key, result: .failure(error)))
            case .success:
                let result = storedResults.next()!
                rows.append(Row(key: key, result: result.flatMap { value in
                    extract(value).map { .success($0) } ?? .failure(BackroomError(.internalError, "unexpected result for \(key)"))
                }))
            }
        }
        return BatchReport(rows: rows)
    }
}
