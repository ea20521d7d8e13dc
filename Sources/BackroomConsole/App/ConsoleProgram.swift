import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// The operator console as an Elm-style program: `update` applies one
/// message and returns the queries and writes to run; `view` draws the
/// model. Every write goes through the service layer as the operator.
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
            size: size, theme: environment.theme, readOnly: environment.readOnly,
            keyMap: KeyMap(readOnly: environment.readOnly), now: shop.clock.now()
        )
        model.live.connection = environment.serverLabel == nil ? nil : .connecting
        if let notice = environment.startupNotice {
            model.flash = Flash(text: "⚠ " + notice, isError: true, expires: shop.clock.now().adding(seconds: 15))
        }
        // The pane the operator sees first, alone: on two cores, counting a
        // million orders beside it would double the time to the first frame.
        // The other panes load once it has answered (or once one is shown).
        var commands = loadInventory(&model, .first)
        commands += countInventory(&model, refreshingSummary: true)
        commands.append(checkRevision())
        return (model, commands)
    }

    func loadRemainingPanes(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard !model.remainingPanesRequested else { return [] }
        model.remainingPanesRequested = true
        return loadOrders(&model, .first) + countOrders(&model) + loadUsers(&model, .first) + countUsers(&model)
    }

    public func message(for event: InputEvent, model: ConsoleModel) -> ConsoleMessage? {
        .input(event)
    }

    public func tick(model: ConsoleModel) -> ConsoleMessage? { .tick }

    public func isFinished(_ model: ConsoleModel) -> Bool { model.isFinished }

    public func update(_ model: inout ConsoleModel, _ message: ConsoleMessage) -> [Command<ConsoleMessage>] {
        switch message {
        case .input(.resize(let size)):
            let grew = size.height > model.size.height
            model.size = size
            // More rows fit: fetch them (the window was cut to the old height).
            return grew ? reloadVisible(&model) : []
        case .input(.key(let key)):
            return handleKey(key, &model)
        case .input(.mouse(let event)):
            return handleMouse(event, &model)
        case .tick:
            return handleTick(&model)
        case .inventory(let loaded):
            let remaining = loadRemainingPanes(&model)
            guard loaded.serial == model.inventory.serial else { return remaining }
            apply(loaded, to: &model.inventory)
            return remaining
        case .orders(let loaded):
            guard loaded.serial == model.orders.serial else { return [] }
            apply(loaded, to: &model.orders)
            return []
        case .users(let loaded):
            guard loaded.serial == model.users.serial else { return [] }
            apply(loaded, to: &model.users)
            return []
        case .counted(let pane, let serial, let result):
            guard case .success(let count) = result else { return [] }
            switch pane {
            case .inventory where serial == model.inventory.countSerial: model.inventory.total = count
            case .orders where serial == model.orders.countSerial: model.orders.total = count
            case .users where serial == model.users.countSerial: model.users.total = count
            default: break
            }
            return []
        case .summary(let summary):
            model.summary = summary
            return []
        case .ledger(let sku, let result):
            if case .product(let item, _, let scroll) = model.detail, item.sku == sku {
                model.detail = .product(item, ledger: (try? result.get()) ?? [], scroll: scroll)
            }
            return []
        case .productDetail(let fresh):
            if case .product(let item, let ledger, let scroll) = model.detail, item.sku == fresh.sku {
                model.detail = .product(fresh, ledger: ledger, scroll: scroll)
            }
            return []
        case .orderDetail(let number, let result):
            if case .order(let open, _) = model.detail, open == number {
                switch result {
                case .success(let detail): model.detail = .order(number, detail)
                case .failure(let error): model.detail = nil; showError(error, &model)
                }
            }
            return []
        case .revision(let revision):
            return handleRevision(revision, &model)
        case .written(let outcome):
            return handleWritten(outcome, &model)
        case .live(let update):
            applyLive(update, &model)
            return []
        case .quit:
            model.isFinished = true
            return []
        }
    }

    private func apply<Item>(_ loaded: ListLoaded<Item>, to list: inout ListState<Item>) {
        switch loaded.result {
        case .success(let window):
            list.apply(window, fetch: loaded.fetch, limit: loaded.limit)
        case .failure(let error):
            list.isLoading = false
            list.error = error.message
        }
    }

    // MARK: Keys

    func handleKey(_ key: Key, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        model.now = shop.clock.now()
        if let overlay = model.overlay { return handleOverlayKey(key, overlay, &model) }
        switch model.mode {
        case .filter(var input):
            return handleFilterKey(key, &input, &model)
        case .command(var input):
            return handleCommandKey(key, &input, &model)
        case .normal:
            break
        }
        if model.isTooSmall {
            if key == .character("q") || key == .control("c") { model.isFinished = true }
            return []
        }
        guard let action = model.keyMap.action(for: key, pane: model.pane, inDetail: model.detail != nil) else { return [] }
        return perform(action, &model)
    }

    func perform(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch action {
        case .quit:
            model.isFinished = true
            return []
        case .help:
            model.overlay = .help
            return []
        case .command:
            model.mode = .command(TextInput())
            return []
        case .toggleMouse:
            model.mouseEnabled.toggle()
            flash(model.mouseEnabled ? "Mouse on: wheel scrolls, click selects." : "Mouse off.", &model)
            return []
        case .showOrders: return show(.orders, &model)
        case .showInventory: return show(.inventory, &model)
        case .showUsers: return show(.users, &model)
        case .showRequests: return show(.requests, &model)
        case .showMetrics: return show(.metrics, &model)
        case .nextPane: return show(PaneKind(rawValue: (model.pane.rawValue + 1) % PaneKind.allCases.count)!, &model)
        case .previousPane:
            return show(PaneKind(rawValue: (model.pane.rawValue + PaneKind.allCases.count - 1) % PaneKind.allCases.count)!, &model)
        case .back:
            return back(&model)
        case .filter:
            model.mode = .filter(TextInput(currentFilterText(model)))
            return []
        default:
            break
        }
        if model.detail != nil { return performInDetail(action, &model) }
        switch model.pane {
        case .inventory: return performInventory(action, &model)
        case .orders: return performOrders(action, &model)
        case .users: return performUsers(action, &model)
        case .requests: return performRequests(action, &model)
        case .metrics: return performMetrics(action, &model)
        }
    }

    func show(_ pane: PaneKind, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        model.pane = pane
        model.detail = nil
        return loadRemainingPanes(&model) + reloadIfStale(pane, &model)
    }

    func back(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        if model.detail != nil {
            model.detail = nil
            return []
        }
        if !currentFilterText(model).isEmpty {
            return applyFilter("", &model)
        }
        return []
    }

    // MARK: Filter and command line

    func currentFilterText(_ model: ConsoleModel) -> String {
        switch model.pane {
        case .inventory: model.inventoryFilter.text ?? ""
        case .orders: model.orderFilter.text ?? ""
        case .users: model.userFilter.text ?? ""
        case .requests: model.live.text
        case .metrics: ""
        }
    }

    func handleFilterKey(_ key: Key, _ input: inout TextInput, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch key {
        case .enter:
            model.mode = .normal
            return []
        case .escape:
            model.mode = .normal
            return applyFilter("", &model)
        default:
            guard input.handle(key) else { return [] }
            model.mode = .filter(input)
            // The list follows as you type; answers to older keystrokes are dropped.
            return applyFilter(input.value, &model)
        }
    }

    func applyFilter(_ text: String, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let value: String? = text.trimmingWhitespace().isEmpty ? nil : text
        switch model.pane {
        case .inventory:
            model.inventoryFilter.text = value
            return loadInventory(&model, .first) + countInventory(&model)
        case .orders:
            model.orderFilter.text = value
            return loadOrders(&model, .first) + countOrders(&model)
        case .users:
            model.userFilter.text = value
            return loadUsers(&model, .first) + countUsers(&model)
        case .requests:
            model.live.text = text
            model.live.scroll = 0
            return []
        case .metrics:
            return []
        }
    }

    func handleCommandKey(_ key: Key, _ input: inout TextInput, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch key {
        case .escape:
            model.mode = .normal
            return []
        case .enter:
            model.mode = .normal
            return runCommandLine(input.value, &model)
        default:
            _ = input.handle(key)
            model.mode = .command(input)
            return []
        }
    }

    /// `:orders`, `:orders status=paid`, `:inventory`, `:users`, `:requests`,
    /// `:metrics`, `:theme NAME`, `:mouse on|off`, `:help`, `:q`.
    func runCommandLine(_ line: String, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let words = line.split(separator: " ").map(String.init)
        guard let verb = words.first?.lowercased() else { return [] }
        switch verb {
        case "q", "quit", "exit":
            model.isFinished = true
            return []
        case "orders", "o":
            var commands = show(.orders, &model)
            for argument in words.dropFirst() where argument.hasPrefix("status=") {
                let names = argument.dropFirst("status=".count).split(separator: ",")
                do {
                    model.orderFilter.statuses = Set(try names.map { name throws(BackroomError) in try OrderStatus(parsing: String(name)) })
                } catch {
                    showError(error, &model)
                    return commands
                }
                commands += loadOrders(&model, .first) + countOrders(&model)
            }
            return commands
        case "inventory", "inv", "i": return show(.inventory, &model)
        case "users", "u": return show(.users, &model)
        case "requests", "r": return show(.requests, &model)
        case "metrics", "m": return show(.metrics, &model)
        case "help", "h": model.overlay = .help; return []
        case "mouse":
            model.mouseEnabled = words.dropFirst().first != "off"
            return []
        case "theme":
            guard let name = words.dropFirst().first else {
                let names = ThemeLoader.available(in: environment.themeDirectories)
                flash("Themes: \((["default"] + names.filter { $0 != "default" }).joined(separator: ", ")). Use :theme NAME.", &model)
                return []
            }
            do {
                let loaded = try ThemeLoader.resolve(name, directories: environment.themeDirectories)
                model.theme = loaded.theme
                flash("Theme \(loaded.theme.name)" + (loaded.warnings.isEmpty ? "." : " (\(loaded.warnings.joined(separator: "; ")))."), &model)
            } catch {
                flash("✗ \(error.description)", &model, isError: true)
            }
            return []
        default:
            flash("✗ Unknown command :\(verb). Try :orders, :inventory, :users, :requests, :metrics, :theme NAME, :q.", &model, isError: true)
            return []
        }
    }

    // MARK: Flash

    func flash(_ text: String, _ model: inout ConsoleModel, isError: Bool = false) {
        model.flash = Flash(text: text, isError: isError, expires: shop.clock.now().adding(seconds: isError ? 10 : 6))
    }

    func showError(_ error: BackroomError, _ model: inout ConsoleModel) {
        flash("✗ " + error.message, &model, isError: true)
    }

    // MARK: Ticks and outside changes

    func handleTick(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        model.ticks += 1
        model.now = shop.clock.now()
        if let flash = model.flash, flash.expires <= model.now { model.flash = nil }
        // Once a second: has anyone (another process included) changed the store?
        return model.ticks % 4 == 0 ? [checkRevision()] : []
    }

    func checkRevision() -> Command<ConsoleMessage> {
        let store = shop.store
        return Command {
            guard let revision = try? await store.revision() else { return nil }
            return .revision(revision)
        }
    }

    /// Another writer changed the store: the pane on screen reloads at once;
    /// the others are marked stale and reload when shown, so a console on
    /// the metrics pane does not re-read every list once a second under load.
    func handleRevision(_ revision: StoreRevision, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        defer { model.lastRevision = revision }
        guard let last = model.lastRevision, last != revision else { return [] }
        if last.catalog != revision.catalog || last.stock != revision.stock { model.stalePanes.insert(.inventory) }
        if last.orders != revision.orders { model.stalePanes.insert(.orders) }
        if last.users != revision.users { model.stalePanes.insert(.users) }
        var commands: [Command<ConsoleMessage>] = []
        // The metrics pane shows the low-stock figure.
        if model.pane == .metrics, model.stalePanes.contains(.inventory) { commands.append(loadSummary()) }
        return commands + reloadIfStale(model.pane, &model)
    }

    func reloadIfStale(_ pane: PaneKind, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard model.stalePanes.remove(pane) != nil else { return [] }
        var commands = reload(pane, &model, refreshingSummary: pane == .inventory)
        switch (pane, model.detail) {
        case (.inventory, .product(let item, _, _)): commands += reloadProductDetail(item, &model)
        case (.orders, .order(let number, _)): commands.append(loadOrderDetail(number))
        default: break
        }
        return commands
    }

    /// Fetches the rows on screen again, keeping the selection and the scroll position.
    func reload(_ pane: PaneKind, _ model: inout ConsoleModel, refreshingSummary: Bool = false) -> [Command<ConsoleMessage>] {
        switch pane {
        case .inventory:
            let fetch = model.inventory.reloadFetch
            return loadInventory(&model, fetch) + countInventory(&model, refreshingSummary: refreshingSummary)
        case .orders:
            let fetch = model.orders.reloadFetch
            return loadOrders(&model, fetch) + countOrders(&model)
        case .users:
            let fetch = model.users.reloadFetch
            return loadUsers(&model, fetch) + countUsers(&model)
        default:
            return []
        }
    }

    func reloadVisible(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        reload(.inventory, &model) + reload(.orders, &model) + reload(.users, &model)
    }

    func loadSummary() -> Command<ConsoleMessage> {
        let inventory = shop.inventory
        let principal = self.principal
        return Command {
            guard let summary = try? await inventory.summary(by: principal) else { return nil }
            return .summary(summary)
        }
    }

    // MARK: Mouse

    func handleMouse(_ event: MouseEvent, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard model.mouseEnabled, model.overlay == nil else { return [] }
        switch event.kind {
        case .wheelDown: return perform(.down, &model) + perform(.down, &model) + perform(.down, &model)
        case .wheelUp: return perform(.up, &model) + perform(.up, &model) + perform(.up, &model)
        case .click:
            // Rows start below the header, tabs, box edge and table header.
            let row = event.y - 4
            guard row >= 0, model.detail == nil else { return [] }
            switch model.pane {
            case .inventory: if row < model.inventory.items.count { model.inventory.select(row) }
            case .orders: if row < model.orders.items.count { model.orders.select(row) }
            case .users: if row < model.users.items.count { model.users.select(row) }
            default: break
            }
            return []
        }
    }
}
