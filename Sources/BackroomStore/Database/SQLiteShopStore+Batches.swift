import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func perform(_ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>] {
        if atomicity != .rehearsal, writes.count > 1, let results = try await performInOneTransaction(writes, context: context) {
            return results
        }
        do {
            return try await immediateWrite { db in
                let results = try self.apply(writes, db, context: context)
                let refused = results.contains(where: { if case .failure = $0 { true } else { false } })
                if atomicity == .rehearsal || (atomicity == .allOrNothing && refused) {
                    // Throwing rolls the batch back (its savepoint in the group commit).
                    throw BatchUndone(results: results)
                }
                return results
            }
        } catch let undone as BatchUndone {
            return Self.undone(undone.results)
        }
    }

    /// The results of an undone batch: what was fine is reported not applied.
    private static func undone(_ results: [Result<StoreWriteResult, BackroomError>]) -> [Result<StoreWriteResult, BackroomError>] {
        results.map { result in
            guard case .success = result else { return result }
            return .failure(BackroomError(.notApplied, "Not applied: another item of the batch was refused, and the batch writes all or nothing."))
        }
    }

    public func perform(
        _ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext, claim: IdempotencyClaim,
        reply: @escaping @Sendable ([Result<StoreWriteResult, BackroomError>]) throws -> StoredReply
    ) async throws -> IdempotentBatch {
        do {
            return try await immediateWrite { db in
                let oldest = context.at.millisecondsSince1970 - IdempotencyClaim.lifetimeSeconds * 1000
                try db.cachedStatement(sql: "DELETE FROM idempotent_reply WHERE created_at < ?").execute(arguments: [oldest])
                if let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT fingerprint, status, body FROM idempotent_reply WHERE actor = ? AND key = ?"),
                    arguments: [claim.actor, claim.key]
                ) {
                    guard try row.stored("fingerprint", as: String.self) == claim.fingerprint else {
                        throw BackroomError(.conflict, "This Idempotency-Key was used for a different request; send a new key.", field: "Idempotency-Key")
                    }
                    return .replayed(StoredReply(status: try row.stored("status"), body: try row.stored("body")))
                }
                let results = try self.apply(writes, db, context: context)
                let refused = results.contains(where: { if case .failure = $0 { true } else { false } })
                if atomicity == .rehearsal || (atomicity == .allOrNothing && refused) {
                    throw BatchUndone(results: results)
                }
                let stored = try reply(results)
                try db.cachedStatement(sql: """
                    INSERT INTO idempotent_reply (actor, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [claim.actor, claim.key, claim.fingerprint, stored.status, stored.body, context.at.millisecondsSince1970])
                return .performed(results, stored)
            }
        } catch let undone as BatchUndone {
            // Nothing was written, and no reply is kept: a retry runs again.
            let results = Self.undone(undone.results)
            return .performed(results, try reply(results))
        }
    }

    /// A batch written in a plain transaction of its own, outside the group
    /// committer and without savepoints; nil (nothing written) when a write
    /// is refused, so the caller redoes it write by write.
    ///
    /// Inside a savepoint, every statement's own savepoint is released by
    /// truncating the in-memory sub-journal, which walks it from its start:
    /// a batch of new products cost ~130 µs a row that way.
    private func performInOneTransaction(_ writes: [StoreWrite], context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>]? {
        do {
            let results = try await pool.write { db in
                var results: [Result<StoreWriteResult, BackroomError>] = []
                results.reserveCapacity(writes.count)
                for write in writes { results.append(.success(try self.apply(write, db, context: context))) }
                return results
            }
            committer.noteCommittedAlone()
            return results
        } catch is BackroomError {
            return nil
        } catch {
            guard StoreErrors.translateAny(error) is BackroomError else { throw StoreErrors.leaving(error) }
            return nil
        }
    }

    /// A batch undone because one of its writes was refused.
    private struct BatchUndone: Error {
        var results: [Result<StoreWriteResult, BackroomError>]
    }

    /// Applies the writes, each in a savepoint of its own: a refused one is
    /// undone alone and reported.
    private func apply(_ writes: [StoreWrite], _ db: Database, context: WriteContext) throws -> [Result<StoreWriteResult, BackroomError>] {
        var results: [Result<StoreWriteResult, BackroomError>] = []
        results.reserveCapacity(writes.count)
        for write in writes {
            var outcome: StoreWriteResult?
            do {
                try db.inSavepoint {
                    outcome = try self.apply(write, db, context: context)
                    return .commit
                }
                results.append(.success(outcome!))
            } catch let error as BackroomError {
                results.append(.failure(error))
            } catch {
                let translated = StoreErrors.translateAny(error)
                guard let error = translated as? BackroomError else { throw translated }
                results.append(.failure(error))
            }
        }
        return results
    }

    private func apply(_ write: StoreWrite, _ db: Database, context: WriteContext) throws -> StoreWriteResult {
        switch write {
        case .createProduct(let draft, let status):
            return .product(try createProductInTransaction(db, draft, status: status, context: context))
        case .changeStock(let sku, let instruction, let reason, let reference):
            return .stock(try changeStockInTransaction(db, sku, instruction, reason: reason, reference: reference, context: context))
        case .updateProduct(let sku, let changes, let expectedVersion):
            return .product(try updateProductInTransaction(db, sku, changes: changes, expectedVersion: expectedVersion, context: context))
        case .transitionOrder(let number, let request):
            return .order(try transitionOrderInTransaction(db, number, request, context: context))
        case .updateUser(let id, let changes):
            return .user(try updateUserInTransaction(db, id: id, changes: changes, context: context))
        }
    }
}
