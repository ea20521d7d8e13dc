import BackroomCore
import Foundation
import PostgresNIO

extension PostgresShopStore: UserStore {
    public func createUser(_ user: NewUser, context: WriteContext) async throws -> User {
        let logger = self.logger
        let ms = context.at.millisecondsSince1970
        do {
            return try await write { connection, changed in
                let inserted = try await connection.query("""
                    INSERT INTO app_user (email, display_name, role, status, password_hash, created_at, updated_at)
                    VALUES (\(user.email.rawValue), \(user.displayName), \(user.role.rawValue), 'active', \(user.passwordHash), \(ms), \(ms))
                    RETURNING id
                    """, logger: logger)
                let id = try await inserted.decoded { try $0.stored("id", as: Int64.self) }[0]
                if context.isAudited {
                    try await PostgresAuditLog.append(connection, context: context, .userCreated(user), logger: logger)
                }
                guard let created = try await PostgresUserRows.fetch(connection, id: id, logger: logger) else {
                    throw BackroomError(.internalError, "store error: the new account was not found in its own transaction")
                }
                changed.mark([.users])
                return created
            }
        } catch let error as BackroomError where error.code == .conflict {
            throw BackroomError(.conflict, "An account with the email \(user.email) already exists.", field: "email")
        }
    }

    public func user(id: Int64) async throws -> User? {
        let logger = self.logger
        return try await read { connection in try await PostgresUserRows.fetch(connection, id: id, logger: logger) }
    }

    public func credentials(for email: Email) async throws -> UserCredentials? {
        let logger = self.logger
        return try await read { connection in
            let statement = Statement(sql: "SELECT \(PostgresUserRows.columns), u.password_hash FROM app_user u WHERE u.email = ?", values: [email.rawValue])
            return try await connection.query(statement.query, logger: logger).decoded {
                UserCredentials(user: try PostgresUserRows.decode($0), passwordHash: try $0.stored("password_hash"))
            }.first
        }
    }

    public func users(matching filter: UserFilter, sort: UserSort, window: ListWindow) async throws -> Window<User> {
        let logger = self.logger
        return try await read { connection in
            try await PostgresUserRows.query(filter: filter, sort: sort).fetchWindow(connection, window, logger: logger, decode: PostgresUserRows.decode)
        }
    }

    public func countUsers(matching filter: UserFilter) async throws -> Int {
        let logger = self.logger
        return try await read { connection in try await PostgresUserRows.query(filter: filter, sort: UserSort(.email)).count(connection, logger: logger) }
    }

    public func userPosition(of key: KeysetKey, matching filter: UserFilter, sort: UserSort) async throws -> Int {
        let logger = self.logger
        return try await read { connection in
            try await PostgresUserRows.query(filter: filter, sort: sort).position(connection, of: key, logger: logger)
        }
    }

    public func updateUser(id: Int64, changes: UserChanges, context: WriteContext) async throws -> User {
        try await write { connection, changed in try await self.updateUser(connection, id: id, changes: changes, context: context, changed: changed) }
    }

    func updateUser(_ connection: PostgresConnection, id: Int64, changes: UserChanges, context: WriteContext, changed: ChangedAreas) async throws -> User {
        let logger = self.logger
        // Every active admin's row is locked first: two admins demoting
        // each other at once would otherwise each count the other and
        // leave none. The second waits, then counts what the first left.
        try await connection.query("SELECT id FROM app_user WHERE role = 'admin' AND status = 'active' ORDER BY id FOR UPDATE", logger: logger)
        guard let before = try await PostgresUserRows.fetch(connection, id: id, lock: true, logger: logger) else {
            throw BackroomError.notFound("No user with id \(id).")
        }
        var after = before
        if let name = changes.displayName { after.displayName = name }
        if let role = changes.role { after.role = role }
        if let status = changes.status { after.status = status }
        guard after != before else { return before }
        let losesAdmin = before.role == .admin && before.status == .active && (after.role != .admin || after.status != .active)
        if losesAdmin {
            let others = try await connection.query(
                "SELECT COUNT(*) AS admins FROM app_user WHERE role = 'admin' AND status = 'active' AND id != \(id)", logger: logger
            ).decoded { try $0.stored("admins", as: Int64.self) }.first ?? 0
            if others == 0 {
                throw BackroomError.conflict("\(before.email) is the last active admin; make someone else admin first.")
            }
        }
        let ms = context.at.millisecondsSince1970
        try await connection.query("""
            UPDATE app_user SET display_name = \(after.displayName), role = \(after.role.rawValue), status = \(after.status.rawValue), updated_at = \(ms)
            WHERE id = \(id)
            """, logger: logger)
        if after.status == .disabled && before.status == .active {
            // A disabled account's sessions end now, and stay ended if it is re-enabled.
            try await connection.query("UPDATE api_token SET revoked_at = \(ms) WHERE user_id = \(id) AND revoked_at IS NULL", logger: logger)
        }
        if context.isAudited {
            try await PostgresAuditLog.append(connection, context: context, .userUpdated(changes, from: before, to: after), logger: logger)
        }
        guard let updated = try await PostgresUserRows.fetch(connection, id: id, logger: logger) else {
            throw BackroomError.notFound("No user with id \(id).")
        }
        changed.mark([.users])
        return updated
    }

    public func setPasswordHash(userID: Int64, hash: String, context: WriteContext) async throws {
        let logger = self.logger
        try await write { connection, changed in
            guard let user = try await PostgresUserRows.fetch(connection, id: userID, lock: true, logger: logger) else {
                throw BackroomError.notFound("No user with id \(userID).")
            }
            let ms = context.at.millisecondsSince1970
            try await connection.query("UPDATE app_user SET password_hash = \(hash), updated_at = \(ms) WHERE id = \(userID)", logger: logger)
            try await connection.query("UPDATE api_token SET revoked_at = \(ms) WHERE user_id = \(userID) AND revoked_at IS NULL", logger: logger)
            if context.isAudited {
                try await PostgresAuditLog.append(connection, context: context, .passwordReset(user), logger: logger)
            }
            changed.mark([.users])
        }
    }

    public func recordLogin(userID: Int64, at: Timestamp) async throws {
        let logger = self.logger
        try await write { connection, changed in
            try await connection.query("UPDATE app_user SET last_login_at = \(at.millisecondsSince1970) WHERE id = \(userID)", logger: logger)
            changed.mark([.users])
        }
    }

    public func insertToken(hash: [UInt8], userID: Int64, createdAt: Timestamp, expiresAt: Timestamp) async throws {
        let logger = self.logger
        let bytes = ByteBuffer(bytes: hash)
        try await write { connection, _ in
            _ = try await connection.query("""
                INSERT INTO api_token (user_id, token_hash, created_at, expires_at)
                VALUES (\(userID), \(bytes), \(createdAt.millisecondsSince1970), \(expiresAt.millisecondsSince1970))
                """, logger: logger)
        }
    }

    public func user(forTokenHash hash: [UInt8], now: Timestamp) async throws -> User? {
        let logger = self.logger
        let bytes = ByteBuffer(bytes: hash)
        return try await read { connection in
            try await connection.query("""
                SELECT u.id, u.email, u.display_name, u.role, u.status, u.created_at, u.updated_at, u.last_login_at
                FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = \(bytes) AND t.revoked_at IS NULL AND t.expires_at > \(now.millisecondsSince1970) AND u.status = 'active'
                """, logger: logger).decoded(PostgresUserRows.decode).first
        }
    }

    public func revokeToken(hash: [UInt8], at: Timestamp) async throws -> Bool {
        let logger = self.logger
        let bytes = ByteBuffer(bytes: hash)
        return try await write { connection, changed in
            try await !connection.query("""
                UPDATE api_token SET revoked_at = \(at.millisecondsSince1970) WHERE token_hash = \(bytes) AND revoked_at IS NULL RETURNING id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }.isEmpty
        }
    }

    public func revokeAllTokens(userID: Int64, context: WriteContext) async throws -> Int {
        let logger = self.logger
        return try await write { connection, changed in
            guard let user = try await PostgresUserRows.fetch(connection, id: userID, lock: true, logger: logger) else {
                throw BackroomError.notFound("No user with id \(userID).")
            }
            let ms = context.at.millisecondsSince1970
            let count = try await connection.query("""
                UPDATE api_token SET revoked_at = \(ms) WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > \(ms) RETURNING id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }.count
            if context.isAudited {
                try await PostgresAuditLog.append(connection, context: context, .sessionsRevoked(user, count: count), logger: logger)
            }
            return count
        }
    }
}
