import BackroomCore
import BackroomServices
import TerminalKit

/// The Users pane: accounts, their roles and state.
struct UsersSource: ListSource {
    typealias Item = User

    struct Detail: Sendable {
        var user: User
    }

    static let kind = PaneKind.users
    static let emptyText = "No users match."

    var filter = UserFilter()
    var sort = UserSort(.email)

    var text: String? {
        get { filter.text }
        set { filter.text = newValue }
    }

    var sortKey: String? { sort.key.rawValue }
    var sortAscending: Bool { sort.direction == .ascending }

    mutating func sort(by key: String, ascending: Bool) {
        sort = UserSort(UserSortKey(rawValue: key) ?? .email, ascending ? .ascending : .descending)
    }

    static let sortKeys = UserSortKey.allCases.filter { $0 != .createdAt }.map(\.rawValue)

    static let columns: [ListColumn<User>] = [
        ListColumn(id: "email", table: TableColumn("Email", width: .flexible(minimum: 22), priority: 0), sortKey: "email") { user, _ in (user.email.rawValue, nil) },
        ListColumn(id: "name", table: TableColumn("Name", width: .flexible(minimum: 12), priority: 1), sortKey: "name") { user, _ in (user.displayName, nil) },
        ListColumn(id: "role", table: TableColumn("Role", width: .fixed(9), priority: 0), sortKey: "role") { user, _ in (user.role.rawValue, nil) },
        ListColumn(id: "status", table: TableColumn("Status", width: .fixed(10), priority: 0), sortKey: "status") { user, context in
            user.isDisabled ? ("✗ disabled", context.theme["status.error"]) : ("active", nil)
        },
        ListColumn(id: "last_login", table: TableColumn("Last login", width: .fixed(17), priority: 2), sortKey: "lastLoginAt") { user, context in
            (user.lastLoginAt.map { Formatting.relative($0, now: context.now) } ?? "never", nil)
        },
    ]

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<User> {
        try await context.shop.users.users(matching: filter, sort: sort, window: window, by: context.principal)
    }

    func count(_ context: PaneContext) async throws -> Int {
        try await context.shop.users.count(matching: filter, by: context.principal)
    }

    func title(total: Int?, _ context: PaneContext) -> String {
        var title = "Users"
        if let total { title += " · \(Formatting.count(total, "account"))" }
        if let role = filter.role { title += " · role=\(role.rawValue)" }
        if let text = filter.text { title += " · filter \"\(text)\"" }
        return title
    }

    func key(of user: User) -> String { user.email.rawValue }

    mutating func perform(_ action: ConsoleAction, selected: User?, marked: [User], count: Int?, _ context: PaneContext) -> SourceStep {
        let (users, principal) = (context.shop.users, context.principal)
        switch action {
        case .newUser:
            return .outcome(PaneOutcome(dialog: NewUserDialog()))
        case .toggleDisabled where !marked.isEmpty:
            let command = Writes.command(context, panes: [.users], clearsMarks: .users) {
                try await users.disable(marked, by: principal).summary(verb: "disabled")
            }
            return .outcome(PaneOutcome(confirmation: Confirmation(
                title: "Disable \(marked.count) marked accounts?", message: "They cannot sign in and every session of theirs ends now.", commands: [command]
            )))
        default:
            break
        }
        guard let user = selected else { return .none }
        switch action {
        case .changeRole:
            return .outcome(PaneOutcome(dialog: ChangeRoleDialog(user: user)))
        case .customerOrders:
            return .outcome(PaneOutcome(navigation: .ordersOfCustomer(id: user.id, email: user.email.rawValue)))
        default:
            return .outcome(Self.accountAction(action, user, context))
        }
    }

    /// Disable or enable, reset the password, end the sessions: all asked first.
    static func accountAction(_ action: ConsoleAction, _ user: User, _ context: PaneContext) -> PaneOutcome {
        let (users, principal) = (context.shop.users, context.principal)
        switch action {
        case .toggleDisabled:
            let disabling = !user.isDisabled
            let command = Writes.command(context, panes: [.users]) {
                if user.isDisabled {
                    _ = try await users.enable(user.id, by: principal)
                    return "\(user.email) enabled"
                }
                _ = try await users.disable(user.id, by: principal)
                return "\(user.email) disabled; their sessions ended"
            }
            return PaneOutcome(confirmation: Confirmation(
                title: disabling ? "Disable \(user.email)?" : "Enable \(user.email)?",
                message: disabling ? "They cannot sign in and every session ends now." : "They can sign in again (old sessions stay ended).",
                commands: [command]
            ))
        case .resetPassword:
            let command = Writes.commandWithNotice(context, panes: [.users]) {
                let password = try await users.resetPassword(of: user.id, by: principal)
                return ("\(user.email): password reset", Notice(
                    title: "Password reset",
                    lines: ["New password for \(user.email):", "", "    \(password)", "", "It is shown only now; y copies it. Every session of the account ended."],
                    copyable: password
                ))
            }
            return PaneOutcome(confirmation: Confirmation(
                title: "Reset the password of \(user.email)?", message: "A new password is generated and shown once; every session ends.", commands: [command]
            ))
        case .revokeTokens:
            let command = Writes.command(context, panes: [.users]) {
                let count = try await users.revokeTokens(of: user.id, by: principal)
                return "\(user.email): \(Formatting.count(count, "session")) ended"
            }
            return PaneOutcome(confirmation: Confirmation(title: "End every session of \(user.email)?", message: "They will have to sign in again.", commands: [command]))
        default:
            return PaneOutcome()
        }
    }

    // MARK: Detail

    func openDetail(_ user: User, _ context: PaneContext) -> (Detail?, PaneOutcome) {
        (Detail(user: user), PaneOutcome())
    }

    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }

    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome {
        switch action {
        case .customerOrders: PaneOutcome(navigation: .ordersOfCustomer(id: detail.user.id, email: detail.user.email.rawValue))
        case .copyKey: PaneOutcome(flash: Flash("Copied \(detail.user.email)"), clipboard: detail.user.email.rawValue)
        default: PaneOutcome()
        }
    }

    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {
        let theme = context.theme
        let user = detail.user
        Box(title: "\(user.email) · \(user.role.rawValue)", footer: "O orders · y copy", borderStyle: theme["border"], titleStyle: theme["title"])
            .render(into: &grid, area: area)
        let inside = Box.inside(area)
        let lines = [
            "Name        \(user.displayName)",
            "Role        \(user.role.rawValue)",
            "Status      \(user.isDisabled ? "✗ disabled" : "active")",
            "Created     \(Formatting.relative(user.createdAt, now: context.now))",
            "Last login  \(user.lastLoginAt.map { Formatting.relative($0, now: context.now) } ?? "never")",
        ]
        for (index, line) in lines.enumerated() where index < inside.height {
            TextLine(" " + line, style: index == 2 && user.isDisabled ? theme["status.error"] : theme["body"]).render(into: &grid, area: inside.row(index))
        }
    }
}
