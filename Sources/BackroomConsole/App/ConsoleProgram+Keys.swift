import BackroomCore
import TerminalKit

/// Keys: the topmost overlay takes them first, then the line being typed,
/// then the key map (the pane's scope, the list's, then global).
extension ConsoleProgram {
    func handleKey(_ key: Key, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        if !model.overlays.isEmpty { return handleOverlayKey(key, &model) }
        switch model.mode {
        case .filter(let input, let previous):
            return handleFilterKey(key, input: input, previous: previous, &model)
        case .command:
            return handleCommandKey(key, &model)
        case .normal:
            break
        }
        if model.isTooSmall {
            if key == .character("q") || key == .control("c") { model.isFinished = true }
            return []
        }
        // A pane with fields (the stock take) takes typed keys first.
        if model.current.takesTypedKeys {
            let context = context(model)
            if let outcome = model[pane: model.pane].typed(key, context) { return apply(outcome, &model) }
        }
        if case .character(let character) = key, let digit = character.wholeNumberValue, character.isASCII,
           digit > 0 || model.pendingCount != nil, model.keyMap.takesCounts(pane: model.pane, inDetail: model.inDetail) {
            var pending = model.pendingCount ?? PendingCount(digits: "", since: model.now)
            if pending.digits.count < 5 { pending.digits.append(character) }
            model.pendingCount = pending
            return []
        }
        var commands: [Command<ConsoleMessage>] = []
        var count: Int?
        if let pending = model.pendingCount {
            model.pendingCount = nil
            if model.keyMap.binding(for: key, pane: model.pane, inDetail: model.inDetail)?.takesCount == true {
                count = pending.value
            } else if key == .escape {
                return []
            } else {
                commands += resolveDigits(pending, &model)
            }
        }
        guard let binding = model.keyMap.binding(for: key, pane: model.pane, inDetail: model.inDetail) else { return commands }
        return commands + perform(binding, count: count, &model)
    }

    /// Digits no counted key followed: one digit is the pane it names.
    func resolveDigits(_ pending: PendingCount, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        if pending.digits.count == 1, let character = pending.digits.first,
           let binding = model.keyMap.binding(for: .character(character), pane: model.pane, inDetail: model.inDetail) {
            return perform(binding, count: nil, &model)
        }
        model.flash("Count \(pending.digits) dropped: type it just before j, k, + or -.")
        return []
    }

    func perform(_ binding: KeyBinding, count: Int?, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch binding.action {
        case .quit:
            model.isFinished = true
        case .help:
            model.overlays.append(.help(scroll: 0))
        case .command:
            model.commandLine.input.set("")
            model.commandLine.browsing = nil
            model.mode = .command
        case .toggleMouse:
            model.terminal.mouse.toggle()
            model.flash(model.terminal.mouse ? "Mouse on: the wheel scrolls, a click selects a row or a tab (M turns it off)." : "Mouse off.")
        case .showOrders, .showInventory, .showUsers, .showRequests, .showMetrics, .showAudit, .showWebhooks, .showStockTake:
            guard let kind = PaneKind.allCases.first(where: { $0.showAction == binding.action }) else { return [] }
            return show(kind, &model)
        case .nextPane:
            return cyclePane(by: 1, &model)
        case .previousPane:
            return cyclePane(by: -1, &model)
        case .back:
            return back(&model)
        case .repaint:
            model.terminal.repaintSerial += 1
        case .suspend:
            model.terminal.suspendSerial += 1
        case .filter:
            let text = model.current.filterText
            model.mode = .filter(TextInput(text, maximumLength: 100), previous: text)
        default:
            return route(model.pane, &model, destructive: binding.isDestructive ? binding : nil) { pane, context in
                pane.perform(binding.action, count: count, context)
            }
        }
        return []
    }

    /// Esc without an overlay: the detail, then the filter. Nothing else.
    func back(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        if model[pane: model.pane].closeDetail() { return [] }
        guard !model.current.filterText.isEmpty else { return [] }
        model.flash("Filter cleared.")
        return route(model.pane, &model) { pane, context in pane.setFilter("", context) }
    }

    // MARK: Overlays

    /// Where the help overlay is drawn (between the header and the footer).
    static func helpArea(_ layout: ConsoleLayout) -> Rect {
        Rect(x: 0, y: 1, width: layout.size.width, height: max(1, layout.size.height - 2))
    }

    func helpOverlay(_ model: ConsoleModel, scroll: Int) -> HelpOverlay {
        HelpOverlay(title: "Keys", sections: model.keyMap.helpSections(pane: model.pane, inDetail: model.inDetail), scroll: scroll, theme: model.theme)
    }

    func handleOverlayKey(_ key: Key, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard let top = model.overlays.last else { return [] }
        let last = model.overlays.count - 1
        switch top {
        case .help(let scroll):
            let area = Self.helpArea(model.layout)
            let maximum = helpOverlay(model, scroll: scroll).maximumScroll(in: area)
            let page = max(1, area.height - 3)
            switch key {
            case .escape, .character("?"), .character("q"), .enter:
                model.overlays.removeLast()
            case .down, .character("j"): model.overlays[last] = .help(scroll: min(maximum, scroll + 1))
            case .up, .character("k"): model.overlays[last] = .help(scroll: max(0, scroll - 1))
            case .pageDown, .character(" "), .control("f"): model.overlays[last] = .help(scroll: min(maximum, scroll + page))
            case .pageUp, .control("b"): model.overlays[last] = .help(scroll: max(0, scroll - page))
            case .home, .character("g"): model.overlays[last] = .help(scroll: 0)
            case .end, .character("G"): model.overlays[last] = .help(scroll: maximum)
            default: break
            }
            return []
        case .confirm(let confirmation):
            switch key {
            case .character("y"), .character("Y"):
                model.overlays.removeLast()
                return confirmation.commands
            case .character("n"), .character("N"), .escape:
                model.overlays.removeLast()
                model.flash("Cancelled; nothing changed.")
                return []
            default:
                // Enter never confirms a destructive action: only y does.
                return []
            }
        case .notice(let notice):
            switch key {
            case .character("y"), .character("Y"):
                if let text = notice.copyable {
                    model.copy(text)
                    model.flash("Copied to the clipboard.")
                }
            case .enter, .escape, .character("q"):
                model.overlays.removeLast()
            default:
                break
            }
            return []
        case .dialog(var dialog):
            // While it saves, the dialog waits for the answer.
            guard !dialog.isSubmitting else { return [] }
            switch dialog.handle(key) {
            case .cancel:
                model.overlays.removeLast()
                return []
            case .none:
                model.overlays[last] = .dialog(dialog)
                return []
            case .submit:
                return submit(&dialog, &model)
            }
        }
    }

    func submit(_ dialog: inout any ConsoleDialog, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let last = model.overlays.count - 1
        guard let submission = dialog.submit(context(model)) else {
            model.overlays[last] = .dialog(dialog)
            return []
        }
        var commands: [Command<ConsoleMessage>] = []
        if let change = submission.paneChange {
            change(&model[pane: model.pane])
        }
        if let settings = submission.settings {
            model.settings = settings
            if let store = environment.settingsStore {
                commands.append(Command {
                    do {
                        try store.save(settings)
                        return .settingsSaved(.success(store.path))
                    } catch {
                        return .settingsSaved(.failure(BackroomError(.internalError, "\(error)")))
                    }
                })
            }
        }
        if let question = submission.confirmation {
            model.overlays[last] = .confirm(Confirmation(title: question.title, message: question.message, commands: submission.commands))
            return commands
        }
        if submission.commands.isEmpty {
            model.overlays.removeLast()
            return commands
        }
        // The dialog stays open until the write answers: a refusal shows
        // under the field it concerns, and nothing typed is lost.
        dialog.isSubmitting = true
        model.overlays[last] = .dialog(dialog)
        return commands + submission.commands
    }

    // MARK: The bottom line

    func handleFilterKey(_ key: Key, input: TextInput, previous: String, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var input = input
        switch key {
        case .enter:
            model.mode = .normal
            return []
        case .escape:
            // Esc puts back the filter from before `/`.
            model.mode = .normal
            guard model.current.filterText != previous else { return [] }
            return route(model.pane, &model) { pane, context in pane.setFilter(previous, context) }
        default:
            guard input.handle(key) else { return [] }
            model.mode = .filter(input, previous: previous)
            // The list follows as you type; answers to older keystrokes are dropped.
            return route(model.pane, &model) { pane, context in pane.setFilter(input.value, context) }
        }
    }

    func handleCommandKey(_ key: Key, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch key {
        case .escape:
            model.mode = .normal
        case .enter:
            let line = model.commandLine.input.value
            model.commandLine.remember(line)
            model.commandLine.browsing = nil
            model.commandLine.input.set("")
            model.mode = .normal
            return run(line, &model)
        case .up:
            model.commandLine.browse(older: true)
        case .down:
            model.commandLine.browse(older: false)
        case .tab:
            let candidates = model.commandLine.complete()
            if candidates.count > 1 { model.flash(candidates.map { ":" + $0 }.joined(separator: "  ")) }
        default:
            _ = model.commandLine.input.handle(key)
        }
        return []
    }

    /// Runs a `:` line.
    func run(_ line: String, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let command: ConsoleCommand
        do {
            guard let parsed = try ConsoleCommand.parse(line) else { return [] }
            command = parsed
        } catch {
            model.flash("✗ " + error.message, isError: true)
            return []
        }
        switch command {
        case .show(let kind):
            return show(kind, &model)
        case .orders(let statuses):
            return navigate(to: .ordersWithStatus(statuses), &model)
        case .order(let number):
            return navigate(to: .order(number), &model)
        case .sku(let sku):
            return navigate(to: .product(sku), &model)
        case .user(let email):
            return navigate(to: .user(email), &model)
        case .theme(let name):
            switchTheme(name, &model)
        case .mouse(let on):
            model.terminal.mouse = on
            model.flash(on ? "Mouse on." : "Mouse off.")
        case .export(let path):
            guard let outcome = model.current.export(to: path, context(model)) else {
                model.flash("✗ \(model.pane.title) has nothing to export.", isError: true)
                return []
            }
            model.flash("Exporting to \(path)…")
            return apply(outcome, &model)
        case .columns:
            guard let choices = model.current.columnChoices() else {
                model.flash("✗ \(model.pane.title) has no columns to choose.", isError: true)
                return []
            }
            model.overlays.append(.dialog(ColumnsDialog(pane: model.pane, columns: choices.all, shown: choices.shown)))
        case .reconnect:
            guard let reconnect = environment.reconnect else {
                model.flash("✗ This console has no server to reconnect to.", isError: true)
                return []
            }
            model.flash("Reconnecting…")
            return [Command { reconnect(); return nil }]
        case .help:
            model.overlays.append(.help(scroll: 0))
        case .quit:
            model.isFinished = true
        }
        return []
    }

    func switchTheme(_ name: String?, _ model: inout ConsoleModel) {
        guard let name else {
            let names = ThemeLoader.available(in: environment.themeDirectories)
            model.flash("Themes: \((["default"] + names.filter { $0 != "default" }).joined(separator: ", ")). Use :theme NAME.")
            return
        }
        do {
            let loaded = try ThemeLoader.resolve(name, directories: environment.themeDirectories)
            model.theme = loaded.theme
            model.flash("Theme \(loaded.theme.name)" + (loaded.warnings.isEmpty ? "." : " (\(loaded.warnings.joined(separator: "; ")))."))
        } catch {
            model.flash("✗ \(error.description)", isError: true)
        }
    }

    // MARK: Mouse

    func handleMouse(_ event: MouseEvent, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        guard model.terminal.mouse, model.overlays.isEmpty, model.mode == .normal, !model.isTooSmall else { return [] }
        switch event.kind {
        case .wheelDown, .wheelUp:
            let action: ConsoleAction = event.kind == .wheelDown ? .down : .up
            return route(model.pane, &model) { pane, context in pane.perform(action, count: 3, context) }
        case .click:
            if event.y == model.layout.tabs.y {
                let panes = shownPanes(model)
                let tabs = Tabs(titles: panes.map(\.title), active: panes.firstIndex(of: model.pane) ?? 0, theme: model.theme)
                guard let index = tabs.positions(in: model.layout.tabs).firstIndex(where: { $0.contains(event.x) }) else { return [] }
                return show(panes[index], &model)
            }
            guard let row = model.layout.listRow(at: event.y) else { return [] }
            return route(model.pane, &model) { pane, context in pane.click(row: row, context) }
        }
    }
}
