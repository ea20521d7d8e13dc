import BackroomCore
import Foundation
import PostgresNIO

extension PostgresShopStore: BatchStore {
    public func perform(_ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>] {
        do {
            return try await write { connection, changed in
                let results = try await self.apply(writes, connection, context: context, changed: changed)
                if atomicity == .rehearsal || (atomicity == .allOrNothing && results.contains(where: \.isRefusal)) {
                    // Throwing rolls the whole transaction back.
                    throw BatchUndone(results: results)
                }
                return results
            }
        } catch let undone as BatchUndone {
            return Self.undone(undone.results)
        }
    }

    public func perform(
        _ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext, claim: IdempotencyClaim,
        reply: @escaping @Sendable ([Result<StoreWriteResult, BackroomError>]) throws -> StoredReply
    ) async throws -> IdempotentBatch {
        let logger = self.logger
        do {
            return try await write { connection, changed in
                // Two requests with one key at once: the second waits here,
                // then finds the first one's reply.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(claim.actor + "\n" + claim.key), 0))", logger: logger)
                let oldest = context.at.millisecondsSince1970 - IdempotencyClaim.lifetimeSeconds * 1000
                try await connection.query("DELETE FROM idempotent_reply WHERE created_at < \(oldest)", logger: logger)
                let stored = try await connection.query("""
                    SELECT fingerprint, status, body FROM idempotent_reply WHERE actor = \(claim.actor) AND key = \(claim.key)
                    """, logger: logger).decoded { row in
                    (fingerprint: try row.stored("fingerprint", as: String.self), status: try row.stored("status", as: Int64.self),
                     body: try row.stored("body", as: ByteBuffer.self))
                }.first
                if let stored {
                    guard stored.fingerprint == claim.fingerprint else {
                        throw BackroomError(.conflict, "This Idempotency-Key was used for a different request; send a new key.", field: "Idempotency-Key")
                    }
                    return .replayed(StoredReply(status: Int(stored.status), body: Data(stored.body.readableBytesView)))
                }
                let results = try await self.apply(writes, connection, context: context, changed: changed)
                if atomicity == .rehearsal || (atomicity == .allOrNothing && results.contains(where: \.isRefusal)) {
                    throw BatchUndone(results: results)
                }
                let kept = try reply(results)
                try await connection.query("""
                    INSERT INTO idempotent_reply (actor, key, fingerprint, status, body, created_at)
                    VALUES (\(claim.actor), \(claim.key), \(claim.fingerprint), \(Int64(kept.status)), \(ByteBuffer(bytes: kept.body)),
                            \(context.at.millisecondsSince1970))
                    """, logger: logger)
                return .performed(results, kept)
            }
        } catch let undone as BatchUndone {
            // Nothing was written, and no reply is kept: a retry runs again.
            let results = Self.undone(undone.results)
            return .performed(results, try reply(results))
        }
    }

    public func inventoryItems(skus: [SKU], now: Timestamp) async throws -> [InventoryItem] {
        guard !skus.isEmpty else { return [] }
        let logger = self.logger
        return try await read { connection in
            let statement = Statement(
                sql: "SELECT \(PostgresInventoryRows.columns) FROM product p WHERE backroom_nocase(p.sku) = ANY(SELECT backroom_nocase(s) FROM unnest(?::TEXT[]) AS s)",
                values: [now.millisecondsSince1970, skus.map(\.rawValue)]
            )
            return try await connection.query(statement.query, logger: logger).decoded(PostgresInventoryRows.decode)
        }
    }

    /// The results of an undone batch: what was fine is reported not applied.
    private static func undone(_ results: [Result<StoreWriteResult, BackroomError>]) -> [Result<StoreWriteResult, BackroomError>] {
        results.map { result in
            guard case .success = result else { return result }
            return .failure(BackroomError(.notApplied, "Not applied: another item of the batch was refused, and the batch writes all or nothing."))
        }
    }

    /// Applies the writes, each in a savepoint of its own: a refused one is
    /// undone alone and reported.
    private func apply(
        _ writes: [StoreWrite], _ connection: PostgresConnection, context: WriteContext, changed: ChangedAreas
    ) async throws -> [Result<StoreWriteResult, BackroomError>] {
        var results: [Result<StoreWriteResult, BackroomError>] = []
        results.reserveCapacity(writes.count)
        for write in writes {
            try await connection.query("SAVEPOINT batch_write", logger: logger)
            do {
                let outcome = try await apply(write, connection, context: context, changed: changed)
                try await connection.query("RELEASE SAVEPOINT batch_write", logger: logger)
                results.append(.success(outcome))
            } catch {
                try await connection.query("ROLLBACK TO SAVEPOINT batch_write", logger: logger)
                try await connection.query("RELEASE SAVEPOINT batch_write", logger: logger)
                let translated = PostgresErrors.translate(error, reaching: address)
                guard let refusal = translated as? BackroomError else { throw translated }
                results.append(.failure(refusal))
            }
        }
        return results
    }

    private func apply(_ write: StoreWrite, _ connection: PostgresConnection, context: WriteContext, changed: ChangedAreas) async throws -> StoreWriteResult {
        switch write {
        case .createProduct(let draft, let status):
            return .product(try await createProduct(connection, draft, status: status, context: context, changed: changed))
        case .changeStock(let sku, let instruction, let reason, let reference):
            return .stock(try await changeStock(connection, sku, instruction, reason: reason, reference: reference, context: context, changed: changed))
        case .updateProduct(let sku, let changes, let expectedVersion):
            return .product(try await updateProduct(connection, sku, changes: changes, expectedVersion: expectedVersion, context: context, changed: changed))
        case .transitionOrder(let number, let request):
            return .order(try await transitionOrder(connection, number, request, context: context, changed: changed))
        case .updateUser(let id, let changes):
            return .user(try await updateUser(connection, id: id, changes: changes, context: context, changed: changed))
        }
    }
}

/// A batch undone because one of its writes was refused (or it was a
/// rehearsal).
private struct BatchUndone: Error {
    var results: [Result<StoreWriteResult, BackroomError>]
}

extension Result where Failure == BackroomError {
    var isRefusal: Bool {
        if case .failure = self { true } else { false }
    }
}
