import BackroomCore
import BackroomServices
import TerminalKit

/// `n` in Users: an account with any role (admins only).
struct NewUserDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case email, name, role, password

        var label: String {
            switch self {
            case .email: "Email"
            case .name: "Name"
            case .role: "Role"
            case .password: "Password"
            }
        }
    }

    struct Parsed: Sendable, Equatable {
        var email: Email
        var name: String
        var role: Role
        var password: String
    }

    var form: Form
    var isSubmitting = false

    init() {
        form = Self.form { field in
            switch field {
            case .email: FormField(field.label, text: "", maximumLength: 254)
            case .name: FormField(field.label, text: "", maximumLength: 100)
            case .role: FormField(field.label, options: Role.allCases.map(\.rawValue), selected: 2)
            case .password: FormField(field.label, text: "", maximumLength: 72, hint: "8+ characters, at most 72 bytes", isSecure: true)
            }
        }
    }

    var title: String { "New user" }

    func parse(_ context: PaneContext) -> Result<Parsed, DialogErrors<Field>> {
        var errors = DialogErrors<Field>()
        let email = FieldParsing.rule { () throws(BackroomError) in try Email(text(.email)) }
        let name = FieldParsing.rule { () throws(BackroomError) in try UserRules.displayName(text(.name)) }
        if case .failure(let message) = email { errors[.email] = message }
        if case .failure(let message) = name { errors[.name] = message }
        let password = FieldParsing.rule { () throws(BackroomError) in try UserRules.password(text(.password), email: try? email.get()) }
        if case .failure(let message) = password { errors[.password] = message }
        guard errors.isEmpty, case .success(let validEmail) = email, case .success(let validName) = name, case .success(let validPassword) = password else {
            return .failure(errors)
        }
        return .success(Parsed(email: validEmail, name: validName, role: Role.allCases[choice(.role)], password: validPassword))
    }

    func header(_ context: PaneContext) -> [(String, Style)] { [] }

    func preview(_ parsed: Parsed?, _ context: PaneContext) -> [(String, Style)] {
        guard let parsed else { return [] }
        return [("\(parsed.email) · \(parsed.role.rawValue)", context.theme["muted"])]
    }

    func submission(_ parsed: Parsed, _ context: PaneContext) -> DialogSubmission {
        let (users, principal) = (context.shop.users, context.principal)
        return DialogSubmission(
            commands: [Writes.command(context, panes: [.users]) {
                let user = try await users.create(email: parsed.email.rawValue, displayName: parsed.name, role: parsed.role, password: parsed.password, by: principal)
                return "\(user.email) created (\(user.role.rawValue))"
            }],
            confirmation: parsed.role == .admin ? ("Create \(parsed.email) as an admin?", "Admins can manage every account, including yours.") : nil
        )
    }

    func field(forServiceField name: String?) -> Field? {
        switch name {
        case "email": .email
        case "displayName": .name
        case "role": .role
        case "password": .password
        default: nil
        }
    }
}
