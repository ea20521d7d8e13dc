import Foundation
import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func createUser(_ user: NewUser, context: WriteContext) async throws -> User {
        try await immediateWrite { db in
            let ms = context.at.millisecondsSince1970
            do {
                try db.cachedStatement(sql: """
                    INSERT INTO user (email, display_name, role, status, password_hash, created_at, updated_at)
                    VALUES (?, ?, ?, 'active', ?, ?, ?)
                    """).execute(arguments: [user.email.rawValue, user.displayName, user.role.rawValue, user.passwordHash, ms, ms])
            } catch let error where StoreErrors.isUniqueViolation(error) {
                throw BackroomError(.conflict, "An account with the email \(user.email) already exists.", field: "email")
            }
            let id = db.lastInsertedRowID
            if context.isAudited {
                try AuditLog.append(db, context: context, .userCreated(user))
            }
            try self.bump(.users, in: db)
            return try UserRows.fetch(db, id: id)!
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await snapshotRead { db in try UserRows.fetch(db, id: id) }
    }

    public func credentials(for email: Email) async throws -> UserCredentials? {
        try await snapshotRead { db in
            try RowsDecoded.one(
                db.cachedStatement(sql: "SELECT \(UserRows.columns), u.password_hash FROM user u WHERE u.email = ?"),
                arguments: [email.rawValue]
            ) { UserCredentials(user: try UserRows.decode($0), passwordHash: try $0.stored("password_hash")) }
        }
    }

    public func users(matching filter: UserFilter, sort: UserSort, window: ListWindow) async throws -> Window<User> {
        try await snapshotRead { db in
            try UserRows.query(filter: filter, sort: sort).fetchWindow(db, window, decode: UserRows.decode)
        }
    }

    public func countUsers(matching filter: UserFilter) async throws -> Int {
        try await snapshotRead { db in try UserRows.query(filter: filter, sort: UserSort(.email)).count(db) }
    }

    public func userPosition(of key: KeysetKey, matching filter: UserFilter, sort: UserSort) async throws -> Int {
        try await snapshotRead { db in try UserRows.query(filter: filter, sort: sort).position(db, of: key) }
    }

    public func updateUser(id: Int64, changes: UserChanges, context: WriteContext) async throws -> User {
        try await immediateWrite { db in try self.updateUserInTransaction(db, id: id, changes: changes, context: context) }
    }

    func updateUserInTransaction(_ db: Database, id: Int64, changes: UserChanges, context: WriteContext) throws -> User {
        guard let before = try UserRows.fetch(db, id: id) else { throw BackroomError.notFound("No user with id \(id).") }
        var after = before
        if let name = changes.displayName { after.displayName = name }
        if let role = changes.role { after.role = role }
        if let status = changes.status { after.status = status }
        guard after != before else { return before }
        let losesAdmin = before.role == .admin && before.status == .active && (after.role != .admin || after.status != .active)
        if losesAdmin, try UserRows.otherActiveAdmins(db, excluding: id) == 0 {
            throw BackroomError.conflict("\(before.email) is the last active admin; make someone else admin first.")
        }
        try db.cachedStatement(sql: "UPDATE user SET display_name = ?, role = ?, status = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [after.displayName, after.role.rawValue, after.status.rawValue, context.at.millisecondsSince1970, id])
        if after.status == .disabled && before.status == .active {
            // A disabled account's sessions end now, and stay ended if it is re-enabled.
            try db.cachedStatement(sql: "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
                .execute(arguments: [context.at.millisecondsSince1970, id])
        }
        if context.isAudited {
            try AuditLog.append(db, context: context, .userUpdated(changes, from: before, to: after))
        }
        try self.bump(.users, in: db)
        return try UserRows.fetch(db, id: id)!
    }

    public func setPasswordHash(userID: Int64, hash: String, context: WriteContext) async throws {
        try await immediateWrite { db in
            guard let user = try UserRows.fetch(db, id: userID) else { throw BackroomError.notFound("No user with id \(userID).") }
            let ms = context.at.millisecondsSince1970
            try db.cachedStatement(sql: "UPDATE user SET password_hash = ?, updated_at = ? WHERE id = ?").execute(arguments: [hash, ms, userID])
            try db.cachedStatement(sql: "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL").execute(arguments: [ms, userID])
            if context.isAudited {
                try AuditLog.append(db, context: context, .passwordReset(user))
            }
            try self.bump(.users, in: db)
        }
    }

    public func recordLogin(userID: Int64, at: Timestamp) async throws {
        try await immediateWrite { db in
            try db.cachedStatement(sql: "UPDATE user SET last_login_at = ? WHERE id = ?").execute(arguments: [at.millisecondsSince1970, userID])
            try self.bump(.users, in: db)
        }
    }

    public func insertToken(hash: [UInt8], userID: Int64, createdAt: Timestamp, expiresAt: Timestamp) async throws {
        try await immediateWrite { db in
            try db.cachedStatement(sql: "INSERT INTO api_token (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [userID, Data(hash), createdAt.millisecondsSince1970, expiresAt.millisecondsSince1970])
        }
    }

    public func user(forTokenHash hash: [UInt8], now: Timestamp) async throws -> User? {
        try await snapshotRead { db in
            try RowsDecoded.one(db.cachedStatement(sql: """
                SELECT \(UserRows.columns) FROM api_token t JOIN user u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.status = 'active'
                """), arguments: [Data(hash), now.millisecondsSince1970], UserRows.decode)
        }
    }

    public func revokeToken(hash: [UInt8], at: Timestamp) async throws -> Bool {
        try await immediateWrite { db in
            try db.cachedStatement(sql: "UPDATE api_token SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
                .execute(arguments: [at.millisecondsSince1970, Data(hash)])
            return db.changesCount > 0
        }
    }

    public func revokeAllTokens(userID: Int64, context: WriteContext) async throws -> Int {
        try await immediateWrite { db in
            guard let user = try UserRows.fetch(db, id: userID) else { throw BackroomError.notFound("No user with id \(userID).") }
            try db.cachedStatement(sql: "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?")
                .execute(arguments: [context.at.millisecondsSince1970, userID, context.at.millisecondsSince1970])
            let count = db.changesCount
            if context.isAudited {
                try AuditLog.append(db, context: context, .sessionsRevoked(user, count: count))
            }
            return count
        }
    }
}
