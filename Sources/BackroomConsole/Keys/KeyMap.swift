import BackroomCore
import TerminalKit

/// Where a binding applies.
public enum KeyScope: Sendable, Hashable {
    /// Everywhere, unless a more specific binding takes the key.
    case global
    /// Every list pane (inventory, orders, users, audit, requests).
    case list
    /// One pane, with its list on screen.
    case pane(PaneKind)
    /// One pane's detail view.
    case detail(PaneKind)
}

/// One row of the key map: it drives dispatch, the `?` help, the footer,
/// and the confirmation step.
public struct KeyBinding: Sendable, Hashable {
    public var action: ConsoleAction
    public var keys: [Key]
    public var help: String
    public var scope: KeyScope
    /// What the operator's role must allow; without it the binding is
    /// absent (not greyed: absent), exactly as in read-only mode.
    public var permission: Permission?
    /// Asks y/n before it acts (Enter never confirms).
    public var isDestructive: Bool
    /// Shown in the footer (short label), or only in help when nil.
    public var footer: String?
    /// How the footer names the keys, when one hint stands for a pair (`+/-`).
    public var footerKeys: String?
    /// Takes a count typed before it (`5+`).
    public var takesCount: Bool

    init(
        _ action: ConsoleAction, _ keys: [Key], _ help: String, scope: KeyScope, permission: Permission? = nil, destructive: Bool = false,
        footer: String? = nil, footerKeys: String? = nil, takesCount: Bool = false
    ) {
        self.action = action
        self.keys = keys
        self.help = help
        self.scope = scope
        self.permission = permission
        isDestructive = destructive
        self.footer = footer
        self.footerKeys = footerKeys
        self.takesCount = takesCount
    }

    /// `+/-`, `a`, `Ctrl-d`: the keys as the help shows them.
    public var keyLabel: String {
        keys.map(\.description).joined(separator: "/")
    }

    public var writes: Bool { permission.map { ![.viewInventory, .viewOrders, .viewUsers, .viewAudit, .viewLive].contains($0) } ?? false }
}

/// The console's one key map, for one operator: bindings the operator's
/// role does not allow are not in it.
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]

    /// - Parameters:
    ///   - role: the operator's role; a viewer gets no writes.
    ///   - readOnly: no writes whatever the role (`--read-only`).
    public init(role: Role = .admin, readOnly: Bool = false) {
        bindings = KeyMap.table.filter { binding in
            guard let permission = binding.permission else { return true }
            if readOnly && binding.writes { return false }
            return role.can(permission)
        }
    }

    /// The scopes that apply, most specific first.
    static func scopes(pane: PaneKind, inDetail: Bool) -> [KeyScope] {
        inDetail ? [.detail(pane), .global] : [.pane(pane), .list, .global]
    }

    /// The binding for `key` in the current pane and view, most specific scope first.
    public func binding(for key: Key, pane: PaneKind, inDetail: Bool) -> KeyBinding? {
        for scope in Self.scopes(pane: pane, inDetail: inDetail) {
            if let binding = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) && applies($0, to: pane) }) { return binding }
        }
        return nil
    }

    /// Whether `action` is bound anywhere for this pane and view.
    public func has(_ action: ConsoleAction, pane: PaneKind, inDetail: Bool) -> Bool {
        Self.scopes(pane: pane, inDetail: inDetail).contains { scope in
            bindings.contains { $0.scope == scope && $0.action == action && applies($0, to: pane) }
        }
    }

    /// List keys apply to list panes; sorting and marks to the panes that have them.
    func applies(_ binding: KeyBinding, to pane: PaneKind) -> Bool {
        guard binding.scope == .list else { return true }
        switch pane {
        case .metrics, .stockTake:
            return false
        case .requests:
            return ![.nextSortColumn, .flipSort, .mark, .markAllMatching, .clearMarks].contains(binding.action)
        case .audit, .webhooks:
            return ![.nextSortColumn, .flipSort, .mark, .markAllMatching, .clearMarks].contains(binding.action)
        default:
            return true
        }
    }

    /// Footer hints for the current pane and view, in table order. While
    /// the pane takes typed keys, only keys that cannot be typed are hinted.
    public func hints(pane: PaneKind, inDetail: Bool, typing: Bool = false) -> [(String, String)] {
        Self.scopes(pane: pane, inDetail: inDetail).flatMap { scope in
            bindings.filter { binding in
                binding.scope == scope && binding.footer != nil && applies(binding, to: pane)
                    && (!typing || binding.keys.contains { if case .character = $0 { false } else { true } })
            }.map { binding in
                let keys = typing ? binding.keys.filter { if case .character = $0 { false } else { true } } : binding.keys
                return (typing ? keys.map(\.description).joined(separator: "/") : binding.footerKeys ?? binding.keyLabel, binding.footer!)
            }
        }
    }

    /// Whether any binding of this pane takes a count (digits then wait
    /// for the key that uses them).
    public func takesCounts(pane: PaneKind, inDetail: Bool) -> Bool {
        Self.scopes(pane: pane, inDetail: inDetail).contains { scope in
            bindings.contains { $0.scope == scope && $0.takesCount && applies($0, to: pane) }
        }
    }

    /// Help sections: this pane's keys, then lists, then global.
    public func helpSections(pane: PaneKind, inDetail: Bool) -> [HelpOverlay.Section] {
        let local: KeyScope = inDetail ? .detail(pane) : .pane(pane)
        var sections: [HelpOverlay.Section] = []
        func describe(_ binding: KeyBinding) -> (String, String) {
            (binding.keyLabel, binding.help + (binding.isDestructive ? " (y/n)" : ""))
        }
        let paneEntries = bindings.filter { $0.scope == local }.map(describe)
        if !paneEntries.isEmpty { sections.append(.init(title: pane.title + (inDetail ? " detail" : ""), entries: paneEntries)) }
        if !inDetail {
            let listEntries = bindings.filter { $0.scope == .list && applies($0, to: pane) }.map(describe)
            if !listEntries.isEmpty { sections.append(.init(title: "Lists", entries: listEntries)) }
        }
        sections.append(.init(title: "Everywhere", entries: bindings.filter { $0.scope == .global }.map(describe)))
        sections.append(.init(title: "Command line (:)", entries: CommandLine.help))
        return sections
    }

    /// Actions reached only from the command line or by other means (mouse,
    /// digits before a key): the key map test accepts these without a key.
    static let withoutKeys: Set<ConsoleAction> = []

    static let table: [KeyBinding] = [
        // Inventory
        KeyBinding(.increment, [.character("+")], "On hand +1 (5+ adds five)", scope: .pane(.inventory), permission: .adjustStock,
                   footer: "adjust", footerKeys: "+/-", takesCount: true),
        KeyBinding(.decrement, [.character("-")], "On hand −1 (5- takes five)", scope: .pane(.inventory), permission: .adjustStock, takesCount: true),
        KeyBinding(.adjust, [.character("a")], "Adjust by N, with a reason", scope: .pane(.inventory), permission: .adjustStock, footer: "adjust…"),
        KeyBinding(.setCount, [.character("=")], "Set the counted quantity", scope: .pane(.inventory), permission: .adjustStock, footer: "set count"),
        KeyBinding(.newProduct, [.character("n")], "New product", scope: .pane(.inventory), permission: .editCatalog, footer: "new"),
        KeyBinding(.editProduct, [.character("e")], "Edit the product", scope: .pane(.inventory), permission: .editCatalog, footer: "edit"),
        KeyBinding(.reorderPoint, [.character("R")], "Set the reorder point", scope: .pane(.inventory), permission: .editCatalog),
        KeyBinding(.archiveProduct, [.character("x")], "Archive or restore", scope: .pane(.inventory), permission: .editCatalog,
                   destructive: true, footer: "archive"),
        KeyBinding(.toggleLowStock, [.character("L")], "Low stock only, on and off", scope: .pane(.inventory), footer: "low stock"),
        KeyBinding(.cycleArchived, [.character("A")], "Active, archived, all", scope: .pane(.inventory)),
        KeyBinding(.showStockTake, [.character("C")], "Stock take: count shelves (:count)", scope: .pane(.inventory), permission: .adjustStock, footer: "count"),
        KeyBinding(.adjust, [.character("a")], "Adjust by N, with a reason", scope: .detail(.inventory), permission: .adjustStock, footer: "adjust…"),
        KeyBinding(.setCount, [.character("=")], "Set the counted quantity", scope: .detail(.inventory), permission: .adjustStock, footer: "set count"),
        KeyBinding(.editProduct, [.character("e")], "Edit the product", scope: .detail(.inventory), permission: .editCatalog, footer: "edit"),
        KeyBinding(.down, [.character("j"), .down], "Scroll the ledger", scope: .detail(.inventory)),
        KeyBinding(.up, [.character("k"), .up], "Scroll the ledger", scope: .detail(.inventory)),
        KeyBinding(.pageDown, [.pageDown, .control("f")], "Page down the ledger", scope: .detail(.inventory)),
        KeyBinding(.pageUp, [.pageUp, .control("b")], "Page up the ledger", scope: .detail(.inventory)),
        KeyBinding(.copyKey, [.character("y")], "Copy the SKU", scope: .detail(.inventory)),
        // Orders
        KeyBinding(.cycleStatusFilter, [.character("s")], "Cycle the status filter", scope: .pane(.orders), footer: "status"),
        KeyBinding(.pay, [.character("p")], "Mark paid (by hand)", scope: .pane(.orders), permission: .transitionOrders, footer: "pay"),
        KeyBinding(.ship, [.character("S")], "Ship", scope: .pane(.orders), permission: .transitionOrders, footer: "ship"),
        KeyBinding(.deliver, [.character("D")], "Deliver", scope: .pane(.orders), permission: .transitionOrders, footer: "deliver"),
        KeyBinding(.cancel, [.character("c")], "Cancel, releasing stock", scope: .pane(.orders), permission: .transitionOrders,
                   destructive: true, footer: "cancel"),
        KeyBinding(.refund, [.character("r")], "Refund", scope: .pane(.orders), permission: .transitionOrders, destructive: true, footer: "refund"),
        KeyBinding(.pay, [.character("p")], "Mark paid (by hand)", scope: .detail(.orders), permission: .transitionOrders, footer: "pay"),
        KeyBinding(.ship, [.character("S")], "Ship", scope: .detail(.orders), permission: .transitionOrders, footer: "ship"),
        KeyBinding(.deliver, [.character("D")], "Deliver", scope: .detail(.orders), permission: .transitionOrders, footer: "deliver"),
        KeyBinding(.cancel, [.character("c")], "Cancel, releasing stock", scope: .detail(.orders), permission: .transitionOrders, destructive: true, footer: "cancel"),
        KeyBinding(.refund, [.character("r")], "Refund", scope: .detail(.orders), permission: .transitionOrders, destructive: true, footer: "refund"),
        KeyBinding(.down, [.character("j"), .down], "Next line", scope: .detail(.orders)),
        KeyBinding(.up, [.character("k"), .up], "Previous line", scope: .detail(.orders)),
        KeyBinding(.openLine, [.enter], "Open the line's product", scope: .detail(.orders), footer: "product"),
        KeyBinding(.copyKey, [.character("y")], "Copy the order number", scope: .detail(.orders)),
        // Users
        KeyBinding(.newUser, [.character("n")], "New user", scope: .pane(.users), permission: .manageUsers, footer: "new"),
        KeyBinding(.changeRole, [.character("R")], "Change the role", scope: .pane(.users), permission: .manageUsers, footer: "role"),
        KeyBinding(.toggleDisabled, [.character("d")], "Disable or enable", scope: .pane(.users), permission: .manageUsers,
                   destructive: true, footer: "disable/enable"),
        KeyBinding(.resetPassword, [.character("P")], "Reset the password", scope: .pane(.users), permission: .manageUsers, destructive: true, footer: "password"),
        KeyBinding(.revokeTokens, [.character("T")], "End every session", scope: .pane(.users), permission: .manageUsers, destructive: true, footer: "revoke"),
        KeyBinding(.customerOrders, [.character("O")], "The user's orders", scope: .pane(.users), permission: .viewOrders, footer: "orders"),
        KeyBinding(.customerOrders, [.character("O")], "The user's orders", scope: .detail(.users), permission: .viewOrders, footer: "orders"),
        KeyBinding(.copyKey, [.character("y")], "Copy the email", scope: .detail(.users)),
        // Audit
        KeyBinding(.filterActor, [.character("f")], "This actor only (again: all)", scope: .pane(.audit), footer: "actor"),
        KeyBinding(.filterAction, [.character("a")], "This action only (again: all)", scope: .pane(.audit), footer: "action"),
        // Webhooks
        KeyBinding(.filterWebhook, [.character("f")], "This hook's deliveries only (again: all)", scope: .pane(.webhooks), footer: "hook"),
        KeyBinding(.cycleDeliveryStatus, [.character("s")], "Status: all, pending, failed, delivered", scope: .pane(.webhooks), footer: "status"),
        KeyBinding(.retryDelivery, [.character("r")], "Send a failed or waiting delivery now", scope: .pane(.webhooks), permission: .manageWebhooks,
                   footer: "send now"),
        KeyBinding(.retryDelivery, [.character("r")], "Send it now", scope: .detail(.webhooks), permission: .manageWebhooks, footer: "send now"),
        KeyBinding(.copyKey, [.character("y")], "Copy the event id", scope: .detail(.webhooks)),
        // Stock take (typed keys go to the SKU and quantity fields)
        KeyBinding(.commitStockTake, [.control("s")], "Commit every count (compare-and-set)", scope: .pane(.stockTake), permission: .adjustStock,
                   destructive: true, footer: "commit"),
        KeyBinding(.discardStockTake, [.control("x")], "Discard the take", scope: .pane(.stockTake), permission: .adjustStock, destructive: true,
                   footer: "discard"),
        KeyBinding(.toggleRepeatScan, [.control("r")], "A SKU scanned again: add up or replace", scope: .pane(.stockTake), footer: "repeat"),
        KeyBinding(.undoLastCount, [.control("k")], "Take the latest SKU out of the take", scope: .pane(.stockTake), permission: .adjustStock,
                   footer: "undo"),
        // Requests and metrics
        KeyBinding(.togglePause, [.character(" ")], "Pause or follow", scope: .pane(.requests), footer: "pause"),
        KeyBinding(.errorsOnly, [.character("e")], "Errors only (4xx, 5xx)", scope: .pane(.requests), footer: "errors"),
        KeyBinding(.cycleStatusClass, [.character("s")], "Status: all, 2xx, 4xx, 5xx", scope: .pane(.requests), footer: "status"),
        KeyBinding(.slowerThan, [.character(">")], "Slower than N ms only", scope: .pane(.requests), footer: "slower…"),
        KeyBinding(.reconnect, [.character("R")], "Reconnect to the server", scope: .pane(.requests)),
        KeyBinding(.narrowerWindow, [.character("[")], "Shorter chart window", scope: .pane(.metrics), footer: "window", footerKeys: "[ ]"),
        KeyBinding(.widerWindow, [.character("]")], "Longer chart window", scope: .pane(.metrics)),
        KeyBinding(.sortRoutes, [.character("t")], "Sort routes by traffic or p99", scope: .pane(.metrics), footer: "sort routes"),
        KeyBinding(.reconnect, [.character("R")], "Reconnect to the server", scope: .pane(.metrics)),
        KeyBinding(.copyKey, [.character("y")], "Copy the request id", scope: .detail(.requests)),
        // Lists
        KeyBinding(.down, [.character("j"), .down], "Down (5j: five rows)", scope: .list, takesCount: true),
        KeyBinding(.up, [.character("k"), .up], "Up (5k: five rows)", scope: .list, takesCount: true),
        KeyBinding(.pageDown, [.pageDown, .control("f")], "Page down", scope: .list),
        KeyBinding(.pageUp, [.pageUp, .control("b")], "Page up", scope: .list),
        KeyBinding(.halfPageDown, [.control("d")], "Half a page down", scope: .list),
        KeyBinding(.halfPageUp, [.control("u")], "Half a page up", scope: .list),
        KeyBinding(.top, [.character("g"), .home], "First row", scope: .list),
        KeyBinding(.bottom, [.character("G"), .end], "Last row", scope: .list),
        KeyBinding(.open, [.enter], "Details", scope: .list, footer: "details"),
        KeyBinding(.filter, [.character("/")], "Filter by text", scope: .list, footer: "filter"),
        KeyBinding(.nextSortColumn, [.character("o")], "Sort by the next column", scope: .list, footer: "sort"),
        KeyBinding(.flipSort, [.character("O")], "Reverse the sort", scope: .list),
        KeyBinding(.mark, [.character(" ")], "Mark the row (keys act on marks)", scope: .list, footer: "mark"),
        KeyBinding(.markAllMatching, [.character("V")], "Mark every matching row", scope: .list),
        KeyBinding(.clearMarks, [.character("u")], "Clear the marks", scope: .list),
        KeyBinding(.copyKey, [.character("y")], "Copy the row's key", scope: .list),
        KeyBinding(.copyRow, [.character("Y")], "Copy the row as text", scope: .list),
        // Global
        KeyBinding(.back, [.escape], "Close dialog, detail, then filter", scope: .global),
        KeyBinding(.showOrders, [.character("1")], "Orders", scope: .global, permission: .viewOrders),
        KeyBinding(.showInventory, [.character("2")], "Inventory", scope: .global, permission: .viewInventory),
        KeyBinding(.showUsers, [.character("3")], "Users", scope: .global, permission: .viewUsers),
        KeyBinding(.showRequests, [.character("4")], "Requests (live)", scope: .global),
        KeyBinding(.showMetrics, [.character("5")], "Metrics (live)", scope: .global),
        KeyBinding(.showAudit, [.character("6")], "Audit log", scope: .global, permission: .viewAudit),
        KeyBinding(.showWebhooks, [.character("7")], "Webhook deliveries", scope: .global, permission: .manageWebhooks),
        KeyBinding(.nextPane, [.tab], "Next pane", scope: .global),
        KeyBinding(.previousPane, [.backTab], "Previous pane", scope: .global),
        KeyBinding(.command, [.character(":")], "Command line (below)", scope: .global),
        KeyBinding(.toggleMouse, [.character("M")], "Mouse on/off (wheel, clicks)", scope: .global),
        KeyBinding(.repaint, [.control("l")], "Repaint the screen", scope: .global),
        KeyBinding(.suspend, [.control("z")], "Suspend (fg resumes)", scope: .global),
        KeyBinding(.help, [.character("?"), .function(1)], "This help", scope: .global, footer: "help", footerKeys: "?"),
        KeyBinding(.quit, [.character("q"), .control("c")], "Quit", scope: .global, footer: "quit"),
    ]
}
