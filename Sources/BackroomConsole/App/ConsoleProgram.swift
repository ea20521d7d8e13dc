import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// The operator console as an Elm-style program. The root keeps the frame,
/// routes keys and answers to the pane they belong to, and owns what is
/// above the panes: overlays (help, dialogs, the y/n step), the command
/// line, the flash line. `update` is pure: time arrives in `.tick`.
public struct ConsoleProgram: TerminalProgram {
    public typealias Model = ConsoleModel
    public typealias Message = ConsoleMessage

    let environment: ConsoleEnvironment

    public init(environment: ConsoleEnvironment) {
        self.environment = environment
    }

    var shop: Shop { environment.shop }
    var principal: Principal { environment.principal }

    public func start(size: Size) -> (ConsoleModel, [Command<ConsoleMessage>]) {
        var model = ConsoleModel(
            size: size, theme: environment.theme, keyMap: KeyMap(role: principal.role, readOnly: environment.readOnly),
            now: shop.clock.now(), settings: environment.settings
        )
        model.live.connection = environment.serverLabel == nil ? nil : .connecting
        if let notice = environment.startupNotice { model.flash("⚠ " + notice, isError: true) }
        // The pane the operator sees first loads alone: on two cores,
        // counting a million orders beside it would double the time to the
        // first frame. The others load when first shown.
        let first = canShow(.inventory, model) ? .inventory : shownPanes(model).first ?? .requests
        let commands = show(first, &model) + [checkRevision()]
        return (model, commands)
    }

    public func message(for event: InputEvent, model: ConsoleModel) -> ConsoleMessage? {
        .input(event)
    }

    /// The only clock read: the tick carries the time into `update`.
    public func tick(model: ConsoleModel) -> ConsoleMessage? { .tick(shop.clock.now()) }

    public func isFinished(_ model: ConsoleModel) -> Bool { model.isFinished }

    public func terminalState(_ model: ConsoleModel) -> TerminalState { model.terminal }

    public func update(_ model: inout ConsoleModel, _ message: ConsoleMessage) -> [Command<ConsoleMessage>] {
        switch message {
        case .input(.resize(let size)):
            return resize(to: size, &model)
        case .input(.key(let key)):
            return handleKey(key, &model)
        case .input(.mouse(let event)):
            return handleMouse(event, &model)
        case .tick(let now):
            return handleTick(now, &model)
        case .pane(let kind, let answer):
            return route(kind, &model) { pane, context in pane.receive(answer, context) }
        case .summary(let summary):
            model.summary = summary
            return []
        case .revision(let revision):
            return handleRevision(revision, &model)
        case .written(let outcome):
            return handleWritten(outcome, &model)
        case .live(let update):
            applyLive(update, &model)
            return []
        case .exported(let result):
            switch result {
            case .success(let text): model.flash("✓ " + text)
            case .failure(let error): model.flash("✗ Export failed: \(error.message)", isError: true)
            }
            return []
        case .settingsSaved(let result):
            switch result {
            case .success(let path): model.flash("Columns saved to \(path).")
            case .failure(let error): model.flash("✗ Columns apply now but were not saved: \(error.message)", isError: true)
            }
            return []
        case .quit(let signal):
            model.exitSignal = signal
            model.isFinished = true
            return []
        }
    }

    // MARK: Routing

    /// What a pane works with now.
    func context(_ model: ConsoleModel) -> PaneContext {
        var environment = self.environment
        environment.settings = model.settings
        environment.theme = model.theme
        return PaneContext(
            environment: environment, now: model.now, layout: model.layout, theme: model.theme, keyMap: model.keyMap,
            summary: model.summary, live: model.live
        )
    }

    /// Runs `body` on the pane of `kind` and applies what it asks of the
    /// root. A destructive binding's work always waits for y.
    func route(
        _ kind: PaneKind, _ model: inout ConsoleModel, destructive binding: KeyBinding? = nil,
        _ body: (inout any ConsolePane, PaneContext) -> PaneOutcome
    ) -> [Command<ConsoleMessage>] {
        let context = context(model)
        let outcome = body(&model[pane: kind], context)
        return apply(outcome, destructive: binding, &model)
    }

    func apply(_ outcome: PaneOutcome, destructive binding: KeyBinding? = nil, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var outcome = outcome
        if let binding, outcome.confirmation == nil, !outcome.commands.isEmpty {
            outcome.confirmation = Confirmation(title: binding.help + "?", message: "This cannot be undone.", commands: outcome.commands)
            outcome.commands = []
        }
        var commands = outcome.commands
        if let flash = outcome.flash { model.show(flash) }
        if let text = outcome.clipboard { model.copy(text) }
        if let dialog = outcome.dialog { model.overlays.append(.dialog(dialog)) }
        if let confirmation = outcome.confirmation { model.overlays.append(.confirm(confirmation)) }
        if let notice = outcome.notice { model.overlays.append(.notice(notice)) }
        if let target = outcome.navigation { commands += navigate(to: target, &model) }
        return commands
    }

    // MARK: Panes

    func canShow(_ kind: PaneKind, _ model: ConsoleModel) -> Bool {
        model.keyMap.bindings.contains { $0.action == kind.showAction }
    }

    /// The panes this operator can see, in tab order (the stock take only
    /// while it is on screen: it is a mode of the inventory).
    func shownPanes(_ model: ConsoleModel) -> [PaneKind] {
        PaneKind.allCases.filter { canShow($0, model) && ($0 != .stockTake || model.pane == .stockTake) }
    }

    func show(_ kind: PaneKind, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard canShow(kind, model) else {
            model.flash("✗ A \(principal.role.rawValue) cannot see \(kind.title).", isError: true)
            return []
        }
        model.pane = kind
        guard !model.loadedPanes.contains(kind) || model.stalePanes.contains(kind) else { return [] }
        model.loadedPanes.insert(kind)
        model.stalePanes.remove(kind)
        var commands = route(kind, &model) { pane, context in pane.reload(context) }
        if kind == .inventory || kind == .metrics { commands.append(loadSummary()) }
        return commands
    }

    /// Shows `kind` without loading it: the caller loads it as it wants.
    func showForLoading(_ kind: PaneKind, _ model: inout ConsoleModel) -> Bool {
        guard canShow(kind, model) else {
            model.flash("✗ A \(principal.role.rawValue) cannot see \(kind.title).", isError: true)
            return false
        }
        model.pane = kind
        model.loadedPanes.insert(kind)
        model.stalePanes.remove(kind)
        return true
    }

    func cyclePane(by step: Int, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let panes = shownPanes(model)
        guard let index = panes.firstIndex(of: model.pane) else { return [] }
        return show(panes[(index + step + panes.count) % panes.count], &model)
    }

    /// Goes to a record or a view of records (`:BR-000042`, a link).
    func navigate(to target: Navigation, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch target {
        case .order:
            return show(.orders, &model) + route(.orders, &model) { pane, context in pane.open(target, context) }
        case .product:
            return show(.inventory, &model) + route(.inventory, &model) { pane, context in pane.open(target, context) }
        case .user(let email):
            guard showForLoading(.users, &model) else { return [] }
            _ = model.users.closeDetail()
            return route(.users, &model) { pane, context in pane.setFilter(email, context) }
        case .ordersOfCustomer(let id, let email):
            guard showForLoading(.orders, &model) else { return [] }
            model.orders.source.filter = OrderFilter(customerID: id)
            model.orders.source.customerEmail = email
            _ = model.orders.closeDetail()
            let context = context(model)
            return apply(model.orders.reloadFromTop(context), &model)
        case .ordersWithStatus(let statuses):
            guard showForLoading(.orders, &model) else { return [] }
            model.orders.source.filter.statuses = statuses
            model.orders.source.filter.customerID = nil
            model.orders.source.customerEmail = nil
            _ = model.orders.closeDetail()
            let context = context(model)
            return apply(model.orders.reloadFromTop(context), &model)
        case .pane(let kind):
            return show(kind, &model)
        case .auditTarget(_, let id):
            guard showForLoading(.audit, &model) else { return [] }
            return route(.audit, &model) { pane, context in pane.setFilter(id, context) }
        }
    }

    // MARK: Time and change

    func handleTick(_ now: Timestamp, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        model.now = now
        model.ticks += 1
        if let expires = model.flash?.expires, expires <= now { model.flash = nil }
        var commands: [Command<ConsoleMessage>] = []
        if let pending = model.pendingCount, now.millisecondsSince1970 - pending.since.millisecondsSince1970 >= PendingCount.patienceMilliseconds {
            model.pendingCount = nil
            commands += resolveDigits(pending, &model)
        }
        // Once a second: has anyone (another process included) changed the store?
        if model.ticks % 4 == 0 { commands.append(checkRevision()) }
        // Deliveries change without a write of the console's kind (the
        // server's worker sends them): the pane on screen follows every 2 s.
        if model.ticks % 8 == 0, model.pane == .webhooks, model.loadedPanes.contains(.webhooks), !model.inDetail {
            commands += route(.webhooks, &model) { pane, context in pane.reload(context) }
        }
        return commands
    }

    func checkRevision() -> Command<ConsoleMessage> {
        let shop = self.shop
        return Command {
            guard let revision = try? await shop.revision() else { return nil }
            return .revision(revision)
        }
    }

    func loadSummary() -> Command<ConsoleMessage> {
        let (inventory, principal) = (shop.inventory, self.principal)
        return Command {
            guard let summary = try? await inventory.summary(by: principal) else { return nil }
            return .summary(summary)
        }
    }

    /// The panes whose rows a change of revision can touch. Every write is
    /// audited, so the audit pane changes with any of them.
    static func panesChanged(from old: StoreRevision, to new: StoreRevision) -> Set<PaneKind> {
        var panes: Set<PaneKind> = []
        if old.catalog != new.catalog || old.stock != new.stock { panes.insert(.inventory) }
        if old.orders != new.orders { panes.insert(.orders) }
        if old.users != new.users { panes.insert(.users) }
        // Every write is audited, and most write an event to deliver.
        if !panes.isEmpty { panes.formUnion([.audit, .webhooks]) }
        return panes
    }

    /// Another writer changed the store: the pane on screen reloads now; the
    /// others are marked stale and reload when shown, so a console on the
    /// metrics pane does not re-read every list once a second under load.
    func handleRevision(_ revision: StoreRevision, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        defer { model.lastRevision = revision }
        guard let last = model.lastRevision, last != revision else { return [] }
        return reload(Self.panesChanged(from: last, to: revision), &model)
    }

    /// Reloads `panes`: now for the one on screen, when shown for the rest.
    func reload(_ panes: Set<PaneKind>, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var commands: [Command<ConsoleMessage>] = []
        for kind in panes where model.loadedPanes.contains(kind) {
            if kind == model.pane {
                commands += route(kind, &model) { pane, context in pane.reload(context) }
            } else {
                model.stalePanes.insert(kind)
            }
        }
        if panes.contains(.inventory) && (model.pane == .inventory || model.pane == .metrics) { commands.append(loadSummary()) }
        return commands
    }

    /// The console's own write finished: its panes reload once, and the
    /// store's revision after it becomes the known one, so the next
    /// revision check does not reload them a second time.
    func handleWritten(_ outcome: WriteOutcome, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var panes = outcome.panes
        if let revision = outcome.revision {
            if let last = model.lastRevision { panes.formUnion(Self.panesChanged(from: last, to: revision)) }
            model.lastRevision = revision
        }
        if case .success = outcome.result { panes.insert(.audit) }
        var shownInDialog = false
        if case .dialog(var dialog)? = model.overlays.last, dialog.isSubmitting {
            switch outcome.result {
            case .success:
                model.overlays.removeLast()
            case .failure(let error):
                dialog.show(error)
                model.overlays[model.overlays.count - 1] = .dialog(dialog)
                shownInDialog = true
            }
        }
        switch outcome.result {
        case .success(let text):
            model.flash("✓ " + text)
            if let notice = outcome.notice { model.overlays.append(.notice(notice)) }
            if let kind = outcome.clearsMarks { model[pane: kind].clearMarks() }
        case .failure(let error):
            if !shownInDialog { model.flash("✗ " + error.message, isError: true) }
        }
        return reload(panes, &model)
    }

    func applyLive(_ update: LiveUpdate, _ model: inout ConsoleModel) {
        switch update {
        case .requests(let records):
            model.requests.receive(records)
        case .snapshot(let snapshot):
            model.live.snapshot = snapshot
        case .connection(let connection):
            model.live.connection = connection
        case .storeSizes(let database, let wal):
            model.live.storeSizes = (database, wal)
        case .fromNode(let name, .requests(let records)):
            model.requests.receive(records.map { record in
                var record = record
                record.node = name
                return record
            })
        case .fromNode(let name, let update):
            model.live.apply(update, from: name, at: model.now)
        case .nodes(let listed):
            model.live.list(listed)
        }
    }

    func resize(to size: Size, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        model.layout = ConsoleLayout(size: size)
        guard !model.isTooSmall else { return [] }
        // Every pane keeps its selection on screen; the one shown first.
        let panes = [model.pane] + PaneKind.allCases.filter { $0 != model.pane && model.loadedPanes.contains($0) }
        return panes.flatMap { kind in route(kind, &model) { pane, context in pane.resized(context) } }
    }
}

extension PaneKind {
    /// The key map action that shows the pane.
    var showAction: ConsoleAction {
        switch self {
        case .orders: .showOrders
        case .inventory: .showInventory
        case .users: .showUsers
        case .requests: .showRequests
        case .metrics: .showMetrics
        case .audit: .showAudit
        case .webhooks: .showWebhooks
        case .stockTake: .showStockTake
        }
    }
}
