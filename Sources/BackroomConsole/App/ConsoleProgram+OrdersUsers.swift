import BackroomCore
import BackroomServices
import TerminalKit

extension ConsoleProgram {
    static let statusFilterCycle: [OrderStatus?] = [nil] + OrderStatus.allCases.map { $0 }

    func performOrders(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var list = model.orders
        var pending: [ListFetch] = []
        if let commands = navigate(action, &list, rows: model.visibleRows, load: { pending.append($0); return [] }) {
            model.orders = list
            return pending.flatMap { loadOrders(&model, $0) } + commands
        }
        switch action {
        case .open:
            guard let order = model.orders.selected else { return [] }
            model.detail = .order(order.number, nil)
            return [loadOrderDetail(order.number)]
        case .cycleStatusFilter:
            let current = model.orderFilter.statuses.count == 1 ? model.orderFilter.statuses.first : nil
            let index = Self.statusFilterCycle.firstIndex(of: current) ?? 0
            let next = Self.statusFilterCycle[(index + 1) % Self.statusFilterCycle.count]
            model.orderFilter.statuses = next.map { [$0] } ?? []
            return loadOrders(&model, .first) + countOrders(&model)
        case .nextSortColumn:
            model.orderSort = nextSort(model.orderSort)
            return loadOrders(&model, .first)
        case .flipSort:
            model.orderSort.direction = model.orderSort.direction.reversed
            return loadOrders(&model, .first)
        default:
            guard let order = model.orders.selected else { return [] }
            return performOrderAction(action, order, &model)
        }
    }

    func loadOrderDetail(_ number: OrderNumber) -> Command<ConsoleMessage> {
        let (orders, principal) = (shop.orders, principal)
        return Command { .orderDetail(number, await .catching { try await orders.order(number, by: principal) }) }
    }

    /// Pay, ship, deliver, cancel or refund: only the legal ones do anything;
    /// cancel and refund ask first.
    func performOrderAction(_ action: ConsoleAction, _ order: Order, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let orderAction: OrderAction
        switch action {
        case .pay: orderAction = .pay
        case .ship: orderAction = .ship
        case .deliver: orderAction = .deliver
        case .cancel: orderAction = .cancel
        case .refund: orderAction = .refund
        default: return []
        }
        guard order.allowedActions.contains(orderAction) else {
            let allowed = order.allowedActions.map(\.rawValue).joined(separator: ", ")
            flash("✗ \(order.number) is \(order.status.label): cannot \(orderAction.rawValue)" + (allowed.isEmpty ? "." : " (can: \(allowed))."), &model, isError: true)
            return []
        }
        switch orderAction {
        case .cancel:
            model.overlay = .confirm(ConfirmDialog(
                title: "Cancel \(order.number)?",
                message: "\(order.email) · \(order.itemCount) items · \(order.total). Its stock is released. This cannot be undone.",
                write: .transition(order, .cancel, restock: false)
            ))
            return []
        case .refund:
            if order.status == .shipped || order.status == .delivered {
                model.overlay = .form(FormDialog(kind: .refund(order), form: Form([FormField("Put the units back on hand", toggle: true)])))
            } else {
                model.overlay = .confirm(ConfirmDialog(
                    title: "Refund \(order.number)?",
                    message: "\(order.email) · \(order.total). Its stock is released. This cannot be undone.",
                    write: .transition(order, .refund, restock: false)
                ))
            }
            return []
        default:
            return [transitionCommand(order, orderAction, restock: false)]
        }
    }

    func transitionCommand(_ order: Order, _ action: OrderAction, restock: Bool) -> Command<ConsoleMessage> {
        let (orders, principal) = (shop.orders, principal)
        return Command {
            .written(WriteOutcome(result: await .catching {
                let detail = try await orders.transition(order.number, action, restock: restock, by: principal)
                let restocked = action == .refund && restock ? ", units back on hand" : ""
                return "\(order.number) \(order.status.label) → \(detail.order.status.label)\(restocked)"
            }, panes: [.orders, .inventory]))
        }
    }

    func performUsers(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var list = model.users
        var pending: [ListFetch] = []
        if let commands = navigate(action, &list, rows: model.visibleRows, load: { pending.append($0); return [] }) {
            model.users = list
            return pending.flatMap { loadUsers(&model, $0) } + commands
        }
        switch action {
        case .nextSortColumn:
            model.userSort = nextSort(model.userSort)
            return loadUsers(&model, .first)
        case .flipSort:
            model.userSort.direction = model.userSort.direction.reversed
            return loadUsers(&model, .first)
        case .newUser:
            model.overlay = .form(FormDialog(kind: .newUser, form: Form([
                FormField("Email", text: "", maximumLength: 254),
                FormField("Name", text: "", maximumLength: 100),
                FormField("Role", options: Role.allCases.map(\.rawValue), selected: 2),
                FormField("Password", text: "", maximumLength: 72, hint: "8–72 characters"),
            ])))
            return []
        default:
            break
        }
        guard let user = model.users.selected else { return [] }
        switch action {
        case .open:
            let lastLogin = user.lastLoginAt.map { Formatting.relative($0, now: model.now) } ?? "never"
            model.overlay = .notice(title: user.email.rawValue, lines: [
                "Name        \(user.displayName)", "Role        \(user.role.rawValue)", "Status      \(user.status.rawValue)",
                "Created     \(Formatting.relative(user.createdAt, now: model.now))", "Last login  \(lastLogin)",
            ])
        case .changeRole:
            model.overlay = .form(FormDialog(kind: .changeRole(user), form: Form([
                FormField("Role", options: Role.allCases.map(\.rawValue), selected: Role.allCases.firstIndex(of: user.role) ?? 0),
            ])))
        case .toggleDisabled:
            let disabling = !user.isDisabled
            model.overlay = .confirm(ConfirmDialog(
                title: disabling ? "Disable \(user.email)?" : "Enable \(user.email)?",
                message: disabling ? "They cannot sign in and every session ends now." : "They can sign in again (old sessions stay ended).",
                write: .toggleDisabled(user)
            ))
        case .resetPassword:
            model.overlay = .confirm(ConfirmDialog(
                title: "Reset the password of \(user.email)?",
                message: "A new password is generated and shown once; every session ends.",
                write: .resetPassword(user)
            ))
        case .revokeTokens:
            model.overlay = .confirm(ConfirmDialog(
                title: "End every session of \(user.email)?", message: "They will have to sign in again.", write: .revokeTokens(user)
            ))
        default:
            break
        }
        return []
    }
}
