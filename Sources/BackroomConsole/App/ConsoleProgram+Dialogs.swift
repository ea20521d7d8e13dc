import BackroomCore
import BackroomServices
import TerminalKit

extension ConsoleProgram {
    func handleOverlayKey(_ key: Key, _ overlay: Overlay, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch overlay {
        case .help:
            if key == .escape || key == .character("?") || key == .character("q") || key == .enter { model.overlay = nil }
            return []
        case .notice:
            if key == .escape || key == .enter || key == .character("q") || key == .character(" ") { model.overlay = nil }
            return []
        case .confirm(let confirm):
            switch key {
            case .character("y"), .character("Y"), .enter:
                model.overlay = nil
                return [write(confirm.write)]
            case .character("n"), .character("N"), .escape, .character("q"):
                model.overlay = nil
                flash("Nothing changed.", &model)
                return []
            default:
                return []
            }
        case .form(var dialog):
            guard !dialog.isSubmitting else { return [] }
            switch dialog.form.handle(key) {
            case .cancel:
                model.overlay = nil
                return []
            case .submit:
                return submit(&dialog, &model)
            case .none:
                model.overlay = .form(dialog)
                return []
            }
        }
    }

    /// Validates the form; writes nothing until every field is valid.
    func submit(_ dialog: inout FormDialog, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        dialog.form.clearErrors()
        var command: Command<ConsoleMessage>?
        switch dialog.kind {
        case .adjust(let item):
            let delta = parseWhole(dialog.form.text("Change by"), field: "Change by", form: &dialog.form, allowSign: true)
            let reason = MovementReason.manual[selectedIndex(dialog.form["Reason"])]
            if let delta {
                if delta == 0 {
                    dialog.form.setError("Change by", "must not be zero")
                } else if let error = reasonError(reason, delta) {
                    dialog.form.setError("Change by", error)
                } else if item.stock.onHand + delta < item.stock.committed {
                    dialog.form.setError("Change by", item.stock.committed == 0
                        ? "would leave on hand below 0"
                        : "would leave on hand below the \(item.stock.committed) committed (\(item.stock.held) held, \(item.stock.allocated) allocated)")
                }
            }
            if !dialog.form.hasErrors, let delta {
                let note = dialog.form.text("Note")
                command = adjustCommand(item, delta: delta, reason: reason, reference: note.isEmpty ? nil : note)
            }
        case .setCount(let item):
            let count = parseWhole(dialog.form.text("New count"), field: "New count", form: &dialog.form, allowSign: false)
            let reasons: [MovementReason] = [.cycleCount, .correction, .received, .damaged, .shrinkage, .return]
            let reason = reasons[selectedIndex(dialog.form["Reason"])]
            if let count {
                if count == item.stock.onHand {
                    dialog.form.setError("New count", "is the count already; nothing to change")
                } else if count < item.stock.committed {
                    dialog.form.setError("New count", "is below the \(item.stock.committed) committed (\(item.stock.held) held, \(item.stock.allocated) allocated)")
                } else if let error = reasonError(reason, count - item.stock.onHand) {
                    dialog.form.setError("Reason", error)
                }
            }
            if !dialog.form.hasErrors, let count {
                let note = dialog.form.text("Note")
                let (inventory, principal) = (shop.inventory, principal)
                command = Command {
                    .written(WriteOutcome(result: await .catching {
                        try await inventory.setStockCount(item.sku, to: count, expected: item.stock.onHand, reason: reason,
                                                          reference: note.isEmpty ? nil : note, by: principal).summary
                    }, panes: [.inventory]))
                }
            }
        case .newProduct:
            let price = parsePrice(dialog.form.text("Price"), form: &dialog.form)
            let reorder = parseWhole(dialog.form.text("Reorder point"), field: "Reorder point", form: &dialog.form, allowSign: false)
            let initial = parseWhole(dialog.form.text("Initial stock"), field: "Initial stock", form: &dialog.form, allowSign: false)
            let draft = ProductDraft(
                sku: dialog.form.text("SKU"), name: dialog.form.text("Name"), description: dialog.form.text("Description"),
                price: price ?? .zero(shop.currency), reorderPoint: reorder ?? 0, initialStock: initial ?? 0
            )
            // Each field on its own, so every mistake shows at once.
            validate(&dialog.form) { _ = try SKU(draft.sku) }
            validate(&dialog.form) { _ = try ProductRules.name(draft.name) }
            validate(&dialog.form) { _ = try ProductRules.description(draft.description) }
            if let price { validate(&dialog.form) { _ = try ProductRules.price(price) } }
            if !dialog.form.hasErrors {
                let (inventory, principal) = (shop.inventory, principal)
                command = Command {
                    .written(WriteOutcome(result: await .catching {
                        let item = try await inventory.createProduct(draft, by: principal)
                        return "\(item.sku) created, \(item.stock.onHand) on hand"
                    }, panes: [.inventory]))
                }
            }
        case .editProduct(let item):
            let price = parsePrice(dialog.form.text("Price"), form: &dialog.form)
            let reorder = parseWhole(dialog.form.text("Reorder point"), field: "Reorder point", form: &dialog.form, allowSign: false)
            let changes = ProductChanges(
                name: dialog.form.text("Name"), description: dialog.form.text("Description"), price: price, reorderPoint: reorder
            )
            let (name, description) = (dialog.form.text("Name"), dialog.form.text("Description"))
            validate(&dialog.form) { _ = try ProductRules.name(name) }
            validate(&dialog.form) { _ = try ProductRules.description(description) }
            if let price { validate(&dialog.form) { _ = try ProductRules.price(price) } }
            if !dialog.form.hasErrors {
                let (inventory, principal) = (shop.inventory, principal)
                command = Command {
                    .written(WriteOutcome(result: await .catching {
                        let updated = try await inventory.updateProduct(item.sku, changes: changes, expectedVersion: item.product.version, by: principal)
                        return "\(item.sku): " + changes.summary(from: item.product, to: updated.product)
                    }, panes: [.inventory]))
                }
            }
        case .newUser:
            let role = Role.allCases[selectedIndex(dialog.form["Role"])]
            let (email, name, password) = (dialog.form.text("Email"), dialog.form.text("Name"), dialog.form.text("Password"))
            validate(&dialog.form) { _ = try Email(email) }
            validate(&dialog.form) { _ = try UserRules.displayName(name) }
            validate(&dialog.form) { _ = try UserRules.password(password) }
            if !dialog.form.hasErrors {
                let (users, principal) = (shop.users, principal)
                command = Command {
                    .written(WriteOutcome(result: await .catching {
                        let user = try await users.create(email: email, displayName: name, role: role, password: password, by: principal)
                        return "\(user.email) created (\(user.role.rawValue))"
                    }, panes: [.users]))
                }
            }
        case .changeRole(let user):
            let role = Role.allCases[selectedIndex(dialog.form["Role"])]
            let (users, principal) = (shop.users, principal)
            command = Command {
                .written(WriteOutcome(result: await .catching {
                    let updated = try await users.changeRole(of: user.id, to: role, by: principal)
                    return "\(user.email) role \(user.role.rawValue) → \(updated.role.rawValue)"
                }, panes: [.users]))
            }
        case .refund(let order):
            command = transitionCommand(order, .refund, restock: dialog.form["Put the units back on hand"]?.isOn ?? false)
        case .slowerThan:
            let text = dialog.form.text("Slower than (ms)")
            if text.trimmingWhitespace().isEmpty {
                model.live.slowerThanMilliseconds = nil
                model.overlay = nil
                return []
            }
            if let milliseconds = parseWhole(text, field: "Slower than (ms)", form: &dialog.form, allowSign: false) {
                if milliseconds > 600_000 { dialog.form.setError("Slower than (ms)", "must be at most 600000") }
                if !dialog.form.hasErrors {
                    model.live.slowerThanMilliseconds = Int(milliseconds)
                    model.live.scroll = 0
                    model.overlay = nil
                    return []
                }
            }
        }
        guard let command else {
            model.overlay = .form(dialog)
            return []
        }
        dialog.isSubmitting = true
        model.overlay = .form(dialog)
        return [command]
    }

    private func selectedIndex(_ field: FormField?) -> Int {
        if case .choice(_, let selected) = field?.kind { return selected }
        return 0
    }

    private func reasonError(_ reason: MovementReason, _ delta: Int64) -> String? {
        do {
            try reason.validate(manualDelta: delta)
            return nil
        } catch {
            return error.message
        }
    }

    /// A whole number as typed; an error under the field otherwise.
    func parseWhole(_ text: String, field: String, form: inout Form, allowSign: Bool) -> Int64? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            form.setError(field, "enter a number")
            return nil
        }
        var digits = Substring(trimmed)
        var negative = false
        if allowSign, let first = digits.first, first == "+" || first == "-" || first == "−" {
            negative = first != "+"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            form.setError(field, trimmed.hasPrefix("-") && !allowSign ? "cannot be negative" : "must be a whole number")
            return nil
        }
        guard digits.count <= 10, let value = Int64(digits), value <= QuantityRules.maximumStock else {
            form.setError(field, "is too large (at most \(Formatting.grouped(QuantityRules.maximumStock)))")
            return nil
        }
        return negative ? -value : value
    }

    func parsePrice(_ text: String, form: inout Form) -> Money? {
        do {
            return try Money.parse(text, currency: shop.currency)
        } catch {
            form.setError("Price", error.message)
            return nil
        }
    }

    /// Runs domain validation, putting its error under the field it names.
    func validate(_ form: inout Form, _ body: () throws -> Void) {
        do {
            try body()
        } catch let error as BackroomError {
            let label = Self.formLabel(for: error.field)
            if form.fields.contains(where: { $0.label == label }) {
                if form[label]?.error == nil { form.setError(label, error.message) }
            } else {
                form.setError(form.fields.first?.label ?? "", error.message)
            }
        } catch {}
    }

    static func formLabel(for field: String?) -> String {
        switch field {
        case "sku": "SKU"
        case "name": "Name"
        case "displayName": "Name"
        case "description": "Description"
        case "price": "Price"
        case "reorderPoint": "Reorder point"
        case "initialStock": "Initial stock"
        case "email": "Email"
        case "password": "Password"
        case "delta": "Change by"
        case "count", "expected": "New count"
        case "reason": "Reason"
        default: ""
        }
    }

    // MARK: Writes that were confirmed

    func write(_ pending: PendingWrite) -> Command<ConsoleMessage> {
        let (inventory, users, principal) = (shop.inventory, shop.users, principal)
        switch pending {
        case .archive(let item):
            return Command {
                .written(WriteOutcome(result: await .catching {
                    if item.product.isArchived {
                        _ = try await inventory.restore(item.sku, by: principal)
                        return "\(item.sku) restored to the shop"
                    }
                    _ = try await inventory.archive(item.sku, by: principal)
                    return "\(item.sku) archived"
                }, panes: [.inventory]))
            }
        case .transition(let order, let action, let restock):
            return transitionCommand(order, action, restock: restock)
        case .toggleDisabled(let user):
            return Command {
                .written(WriteOutcome(result: await .catching {
                    if user.isDisabled {
                        _ = try await users.enable(user.id, by: principal)
                        return "\(user.email) enabled"
                    }
                    _ = try await users.disable(user.id, by: principal)
                    return "\(user.email) disabled; their sessions ended"
                }, panes: [.users]))
            }
        case .resetPassword(let user):
            return Command {
                var notice: [String]?
                let result: Result<String, BackroomError> = await .catching {
                    let password = try await users.resetPassword(of: user.id, by: principal)
                    notice = ["New password for \(user.email):", "", "    \(password)", "", "It is shown only now. Every session of the account ended."]
                    return "\(user.email): password reset"
                }
                return .written(WriteOutcome(result: result, panes: [.users], notice: notice))
            }
        case .revokeTokens(let user):
            return Command {
                .written(WriteOutcome(result: await .catching {
                    let count = try await users.revokeTokens(of: user.id, by: principal)
                    return "\(user.email): \(count) session\(count == 1 ? "" : "s") ended"
                }, panes: [.users]))
            }
        }
    }

    /// A write finished: flash it, reload what it changed; a form stays open
    /// with the error under its field.
    func handleWritten(_ outcome: WriteOutcome, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        var commands: [Command<ConsoleMessage>] = []
        switch outcome.result {
        case .success(let text):
            if case .form = model.overlay { model.overlay = nil }
            flash("✓ " + text, &model)
            if let notice = outcome.notice { model.overlay = .notice(title: "Password reset", lines: notice) }
        case .failure(let error):
            if case .form(var dialog) = model.overlay {
                dialog.isSubmitting = false
                if case .setCount(let item) = dialog.kind, error.code == .conflict, case .currentCount(let current) = error.detail {
                    model.overlay = nil
                    flash("✗ \(item.sku) changed to \(current) while you were editing — nothing written; press = again", &model, isError: true)
                } else {
                    let label = Self.formLabel(for: error.field)
                    if !label.isEmpty, dialog.form[label] != nil {
                        dialog.form.setError(label, error.message)
                    } else {
                        dialog.form.setError(dialog.form.fields[dialog.form.focus].label, error.message)
                    }
                    model.overlay = .form(dialog)
                }
            } else {
                showError(error, &model)
            }
        }
        for pane in outcome.panes { commands += reload(pane, &model, refreshingSummary: true) }
        if outcome.panes.contains(.inventory) {
            if case .product(let item, _, _) = model.detail { commands += reloadProductDetail(item, &model) }
        }
        if outcome.panes.contains(.orders), case .order(let number, _) = model.detail {
            commands.append(loadOrderDetail(number))
        }
        return commands
    }

    /// Refreshes the product shown in the detail view, and its ledger.
    func reloadProductDetail(_ item: InventoryItem, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let (inventory, principal, sku) = (shop.inventory, principal, item.sku)
        return refreshProductDetail(sku) + [Command {
            guard let fresh = try? await inventory.item(sku, by: principal) else { return nil }
            return .productDetail(fresh)
        }]
    }
}
