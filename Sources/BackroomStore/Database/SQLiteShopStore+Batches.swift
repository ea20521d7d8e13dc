import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func perform(_ writes: [StoreWrite], context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>] {
        try await immediateWrite { db in
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
    }

    private func apply(_ write: StoreWrite, _ db: Database, context: WriteContext) throws -> StoreWriteResult {
        switch write {
        case .changeStock(let sku, let instruction, let reason, let reference):
            .stock(try changeStockInTransaction(db, sku, instruction, reason: reason, reference: reference, context: context))
        case .updateProduct(let sku, let changes, let expectedVersion):
            .product(try updateProductInTransaction(db, sku, changes: changes, expectedVersion: expectedVersion, context: context))
        case .transitionOrder(let number, let request):
            .order(try transitionOrderInTransaction(db, number, request, context: context))
        case .updateUser(let id, let changes):
            .user(try updateUserInTransaction(db, id: id, changes: changes, context: context))
        }
    }
}
