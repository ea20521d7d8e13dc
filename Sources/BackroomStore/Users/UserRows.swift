import BackroomCore
import GRDB

enum UserRows {
    static let columns = "u.id, u.email, u.display_name, u.role, u.status, u.created_at, u.updated_at, u.last_login_at"

    static func decode(_ row: Row) throws -> User {
        User(
            id: try row.stored("id"), email: Email(trusted: try row.stored("email")), displayName: try row.stored("display_name"),
            role: try row.stored("role", as: Role.self), status: try row.stored("status", as: UserStatus.self),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at"),
            lastLoginAt: try row.timestampIfPresent("last_login_at")
        )
    }

    static func fetch(_ db: Database, id: Int64) throws -> User? {
        try RowsDecoded.one(db.cachedStatement(sql: "SELECT \(columns) FROM user u WHERE u.id = ?"), arguments: [id], decode)
    }

    static func query(filter: UserFilter, sort: UserSort) -> KeysetQuery {
        let (expression, kind): (String, KeysetQuery.ValueKind) = switch sort.key {
        case .email: ("u.email", .text)
        case .name: ("u.display_name", .text)
        case .role: ("u.role", .text)
        case .status: ("u.status", .text)
        case .lastLoginAt: ("ifnull(u.last_login_at, 0)", .integer)
        case .createdAt: ("u.created_at", .integer)
        }
        var query = KeysetQuery(
            columns: columns, columnArguments: [], from: "user u",
            sortExpression: expression, idExpression: "u.id", direction: sort.direction, valueKind: kind
        )
        if let role = filter.role { query.filter(scanning: "u.role = ?", role.rawValue) }
        if let status = filter.status { query.filter(scanning: "u.status = ?", status.rawValue) }
        if let text = filter.text, let match = FullTextQuery.prefixQuery(text) {
            query.filter("u.id IN (SELECT rowid FROM user_fts WHERE user_fts MATCH ?)", match)
        }
        return query
    }

    /// Active admins other than `userID`: the last one may not be demoted or disabled.
    static func otherActiveAdmins(_ db: Database, excluding userID: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM user WHERE role = 'admin' AND status = 'active' AND id != ?"),
            arguments: [userID]
        ) ?? 0
    }
}
