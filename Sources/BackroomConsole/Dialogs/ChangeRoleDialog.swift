import BackroomCore
import BackroomServices
import TerminalKit

/// `R` in Users: an account's role. Making someone an admin, or taking it
/// away, asks first.
struct ChangeRoleDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case role

        var label: String { "Role" }
    }

    let user: User
    var form: Form
    var isSubmitting = false

    init(user: User) {
        self.user = user
        form = Self.form { field in
            FormField(field.label, options: Role.allCases.map(\.rawValue), selected: Role.allCases.firstIndex(of: user.role) ?? 0)
        }
    }

    var title: String { "Role of \(user.email)" }

    func parse(_ context: PaneContext) -> Result<Role, DialogErrors<Field>> {
        let role = Role.allCases[choice(.role)]
        guard role != user.role else { return .failure(DialogErrors([.role: "is the role already; nothing to change"])) }
        return .success(role)
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("Now \(user.role.rawValue).", context.theme["dialog"])]
    }

    func preview(_ parsed: Role?, _ context: PaneContext) -> [(String, Style)] {
        guard let parsed else { return [] }
        return [("\(user.role.rawValue) → \(parsed.rawValue)", context.theme["accent"])]
    }

    func submission(_ parsed: Role, _ context: PaneContext) -> DialogSubmission {
        let (users, principal, user) = (context.shop.users, context.principal, user)
        let touchesAdmin = parsed == .admin || user.role == .admin
        return DialogSubmission(
            commands: [Writes.command(context, panes: [.users]) {
                let updated = try await users.changeRole(of: user.id, to: parsed, by: principal)
                return "\(user.email) role \(user.role.rawValue) → \(updated.role.rawValue)"
            }],
            confirmation: touchesAdmin
                ? ("Make \(user.email) \(parsed.rawValue)?", parsed == .admin ? "Admins can manage every account." : "They lose the admin role.")
                : nil
        )
    }

    func field(forServiceField name: String?) -> Field? { .role }
}
