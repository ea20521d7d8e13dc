import BackroomCore
import PostgresNIO

enum PostgresUserRows {
    static let columns = "u.id, u.email, u.display_name, u.role, u.status, u.created_at, u.updated_at, u.last_login_at"

    static func decode(_ row: PostgresRandomAccessRow) throws -> User {
        User(
            id: try row.stored("id"), email: Email(trusted: try row.stored("email")), displayName: try row.stored("display_name"),
            role: try row.stored("role", as: Role.self), status: try row.stored("status", as: UserStatus.self),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at"),
            lastLoginAt: try row.stored("last_login_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))
        )
    }

    static func fetch(_ connection: PostgresConnection, id: Int64, lock: Bool = false, logger: Logger) async throws -> User? {
        let statement = Statement(sql: "SELECT \(columns) FROM app_user u WHERE u.id = ?" + (lock ? " FOR UPDATE" : ""), values: [id])
        return try await connection.query(statement.query, logger: logger).decoded(decode).first
    }

    static func query(filter: UserFilter, sort: UserSort) -> PostgresKeysetQuery {
        let (expression, kind): (String, PostgresKeysetQuery.ValueKind) = switch sort.key {
        case .email: ("(u.email COLLATE \"C\")", .text)
        case .name: ("(backroom_nocase(u.display_name) COLLATE \"C\")", .text)
        case .role: ("(u.role COLLATE \"C\")", .text)
        case .status: ("(u.status COLLATE \"C\")", .text)
        case .lastLoginAt: ("coalesce(u.last_login_at, 0)", .integer)
        case .createdAt: ("u.created_at", .integer)
        }
        var query = PostgresKeysetQuery(
            columns: columns, columnValues: [], from: "app_user u",
            sortExpression: expression, idExpression: "u.id", direction: sort.direction, valueKind: kind
        )
        if let role = filter.role { query.filter("u.role = ?", role.rawValue) }
        if let status = filter.status { query.filter("u.status = ?", status.rawValue) }
        for word in filter.text.flatMap(PostgresTextQuery.words) ?? [] {
            query.filter("backroom_fold(u.email || ' ' || u.display_name) ~ backroom_word_prefix(?)", word)
        }
        return query
    }
}
