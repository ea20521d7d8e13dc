import TerminalKit

/// Everything a key can do in the console.
public enum ConsoleAction: String, Sendable, Hashable, CaseIterable {
    // Global
    case quit, help, command, nextPane, previousPane
    case showOrders, showInventory, showUsers, showRequests, showMetrics
    case toggleMouse
    // Lists
    case down, up, pageDown, pageUp, halfPageDown, halfPageUp, top, bottom
    case open, back, filter, nextSortColumn, flipSort
    // Inventory
    case increment, decrement, adjust, setCount, newProduct, editProduct, archiveProduct
    case toggleLowStock, cycleArchived
    // Orders
    case cycleStatusFilter, pay, ship, deliver, cancel, refund
    // Users
    case newUser, changeRole, toggleDisabled, resetPassword, revokeTokens
    // Live panes
    case togglePause, errorsOnly, cycleStatusClass, slowerThan, widerWindow, narrowerWindow, sortRoutes
}

/// Where a binding applies.
public enum KeyScope: Sendable, Hashable {
    case global
    case list
    case pane(PaneKind)
    case detail(PaneKind)
}

/// One row of the key map: it drives dispatch, the `?` help and the footer.
public struct KeyBinding: Sendable, Hashable {
    public var action: ConsoleAction
    public var keys: [Key]
    public var help: String
    public var scope: KeyScope
    /// Writes something: absent in read-only mode (not greyed: absent).
    public var writes: Bool
    /// Asks for confirmation first.
    public var isDestructive: Bool
    /// Shown in the footer (short label), or only in help when nil.
    public var footer: String?
    /// How the footer names the keys, when one hint stands for a pair (`+/-`).
    public var footerKeys: String?

    init(_ action: ConsoleAction, _ keys: [String], _ help: String, scope: KeyScope, writes: Bool = false, destructive: Bool = false, footer: String? = nil, footerKeys: String? = nil) {
        self.action = action
        self.keys = keys.compactMap(Key.init(spec:))
        self.help = help
        self.scope = scope
        self.writes = writes
        isDestructive = destructive
        self.footer = footer
        self.footerKeys = footerKeys
    }

    /// `+/-`, `a`, `Ctrl-d`: the keys as the help shows them.
    public var keyLabel: String {
        keys.map(\.description).joined(separator: "/")
    }
}

/// The console's one key map.
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]

    public init(readOnly: Bool) {
        let all = KeyMap.table
        bindings = readOnly ? all.filter { !$0.writes } : all
    }

    /// The binding for `key` in the current pane and view, most specific scope first.
    public func action(for key: Key, pane: PaneKind, inDetail: Bool) -> ConsoleAction? {
        let scopes: [KeyScope] = inDetail ? [.detail(pane), .global] : [.pane(pane), .list, .global]
        for scope in scopes {
            if let binding = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) && applies($0, to: pane) }) { return binding.action }
        }
        return nil
    }

    /// List keys apply to list panes; sorting to the panes that sort.
    func applies(_ binding: KeyBinding, to pane: PaneKind) -> Bool {
        guard binding.scope == .list else { return true }
        switch pane {
        case .metrics: return false
        case .requests: return ![.nextSortColumn, .flipSort].contains(binding.action)
        default: return true
        }
    }

    /// Footer hints for the current pane and view, in table order.
    public func hints(pane: PaneKind, inDetail: Bool) -> [(String, String)] {
        let scopes: [KeyScope] = inDetail ? [.detail(pane), .global] : [.pane(pane), .list, .global]
        return scopes.flatMap { scope in
            bindings.filter { $0.scope == scope && $0.footer != nil && applies($0, to: pane) }.map { ($0.footerKeys ?? $0.keyLabel, $0.footer!) }
        }
    }

    /// Help sections: this pane's keys, then lists, then global.
    public func helpSections(pane: PaneKind, inDetail: Bool) -> [HelpOverlay.Section] {
        let local: KeyScope = inDetail ? .detail(pane) : .pane(pane)
        var sections: [HelpOverlay.Section] = []
        let paneEntries = bindings.filter { $0.scope == local }.map { ($0.keyLabel, $0.help + ($0.isDestructive ? " (asks first)" : "")) }
        if !paneEntries.isEmpty { sections.append(.init(title: pane.title + (inDetail ? " detail" : ""), entries: paneEntries)) }
        if !inDetail {
            let listEntries = bindings.filter { $0.scope == .list && applies($0, to: pane) }.map { ($0.keyLabel, $0.help) }
            if !listEntries.isEmpty { sections.append(.init(title: "Lists", entries: listEntries)) }
        }
        sections.append(.init(title: "Everywhere", entries: bindings.filter { $0.scope == .global }.map { ($0.keyLabel, $0.help) }))
        return sections
    }

    static let table: [KeyBinding] = [
        // Inventory
        KeyBinding(.increment, ["+"], "On hand +1 (correction)", scope: .pane(.inventory), writes: true, footer: "adjust", footerKeys: "+/-"),
        KeyBinding(.decrement, ["-"], "On hand −1 (correction)", scope: .pane(.inventory), writes: true),
        KeyBinding(.adjust, ["a"], "Adjust on hand by N, with a reason", scope: .pane(.inventory), writes: true, footer: "adjust…"),
        KeyBinding(.setCount, ["="], "Set the count (compare-and-set)", scope: .pane(.inventory), writes: true, footer: "set count"),
        KeyBinding(.newProduct, ["n"], "New product", scope: .pane(.inventory), writes: true, footer: "new"),
        KeyBinding(.editProduct, ["e"], "Edit the product", scope: .pane(.inventory), writes: true, footer: "edit"),
        KeyBinding(.archiveProduct, ["x"], "Archive or restore", scope: .pane(.inventory), writes: true, destructive: true, footer: "archive"),
        KeyBinding(.toggleLowStock, ["L"], "Low stock only, on and off", scope: .pane(.inventory), footer: "low stock"),
        KeyBinding(.cycleArchived, ["A"], "Active, archived, all", scope: .pane(.inventory)),
        KeyBinding(.adjust, ["a"], "Adjust on hand by N, with a reason", scope: .detail(.inventory), writes: true, footer: "adjust…"),
        KeyBinding(.setCount, ["="], "Set the count (compare-and-set)", scope: .detail(.inventory), writes: true, footer: "set count"),
        KeyBinding(.editProduct, ["e"], "Edit the product", scope: .detail(.inventory), writes: true, footer: "edit"),
        KeyBinding(.down, ["j", "down"], "Scroll the ledger", scope: .detail(.inventory)),
        KeyBinding(.up, ["k", "up"], "Scroll the ledger", scope: .detail(.inventory)),
        // Orders
        KeyBinding(.cycleStatusFilter, ["s"], "Cycle the status filter", scope: .pane(.orders), footer: "status"),
        KeyBinding(.pay, ["p"], "Mark paid (by hand)", scope: .pane(.orders), writes: true, footer: "pay"),
        KeyBinding(.ship, ["S"], "Ship", scope: .pane(.orders), writes: true, footer: "ship"),
        KeyBinding(.deliver, ["D"], "Deliver", scope: .pane(.orders), writes: true, footer: "deliver"),
        KeyBinding(.cancel, ["c"], "Cancel (releases stock)", scope: .pane(.orders), writes: true, destructive: true, footer: "cancel"),
        KeyBinding(.refund, ["r"], "Refund", scope: .pane(.orders), writes: true, destructive: true, footer: "refund"),
        KeyBinding(.pay, ["p"], "Mark paid (by hand)", scope: .detail(.orders), writes: true, footer: "pay"),
        KeyBinding(.ship, ["S"], "Ship", scope: .detail(.orders), writes: true, footer: "ship"),
        KeyBinding(.deliver, ["D"], "Deliver", scope: .detail(.orders), writes: true, footer: "deliver"),
        KeyBinding(.cancel, ["c"], "Cancel (releases stock)", scope: .detail(.orders), writes: true, destructive: true, footer: "cancel"),
        KeyBinding(.refund, ["r"], "Refund", scope: .detail(.orders), writes: true, destructive: true, footer: "refund"),
        // Users
        KeyBinding(.newUser, ["n"], "New user", scope: .pane(.users), writes: true, footer: "new"),
        KeyBinding(.changeRole, ["R"], "Change the role", scope: .pane(.users), writes: true, footer: "role"),
        KeyBinding(.toggleDisabled, ["d"], "Disable or enable", scope: .pane(.users), writes: true, destructive: true, footer: "disable/enable"),
        KeyBinding(.resetPassword, ["P"], "Reset the password", scope: .pane(.users), writes: true, destructive: true, footer: "password"),
        KeyBinding(.revokeTokens, ["T"], "Revoke every session", scope: .pane(.users), writes: true, destructive: true, footer: "revoke"),
        // Requests and metrics
        KeyBinding(.togglePause, ["space"], "Pause or follow", scope: .pane(.requests), footer: "pause"),
        KeyBinding(.errorsOnly, ["e"], "Errors only (4xx and 5xx), on and off", scope: .pane(.requests), footer: "errors"),
        KeyBinding(.cycleStatusClass, ["s"], "Status class: all, 2xx, 4xx, 5xx", scope: .pane(.requests), footer: "status"),
        KeyBinding(.slowerThan, [">"], "Only requests slower than N ms", scope: .pane(.requests), footer: "slower…"),
        KeyBinding(.narrowerWindow, ["["], "Shorter chart window", scope: .pane(.metrics), footer: "window"),
        KeyBinding(.widerWindow, ["]"], "Longer chart window", scope: .pane(.metrics)),
        KeyBinding(.sortRoutes, ["t"], "Sort routes by traffic or p99", scope: .pane(.metrics), footer: "sort routes"),
        // Lists
        KeyBinding(.down, ["j", "down"], "Down", scope: .list),
        KeyBinding(.up, ["k", "up"], "Up", scope: .list),
        KeyBinding(.pageDown, ["pgdn", "ctrl-f"], "Page down", scope: .list),
        KeyBinding(.pageUp, ["pgup", "ctrl-b"], "Page up", scope: .list),
        KeyBinding(.halfPageDown, ["ctrl-d"], "Half a page down", scope: .list),
        KeyBinding(.halfPageUp, ["ctrl-u"], "Half a page up", scope: .list),
        KeyBinding(.top, ["g", "home"], "First row", scope: .list),
        KeyBinding(.bottom, ["G", "end"], "Last row", scope: .list),
        KeyBinding(.open, ["enter"], "Details", scope: .list, footer: "details"),
        KeyBinding(.filter, ["/"], "Filter by text", scope: .list, footer: "filter"),
        KeyBinding(.nextSortColumn, ["o"], "Sort by the next column", scope: .list, footer: "sort"),
        KeyBinding(.flipSort, ["O"], "Reverse the sort", scope: .list),
        // Global
        KeyBinding(.back, ["esc"], "Back, close, clear the filter", scope: .global),
        KeyBinding(.showOrders, ["1"], "Orders", scope: .global),
        KeyBinding(.showInventory, ["2"], "Inventory", scope: .global),
        KeyBinding(.showUsers, ["3"], "Users", scope: .global),
        KeyBinding(.showRequests, ["4"], "Requests (live)", scope: .global),
        KeyBinding(.showMetrics, ["5"], "Metrics (live)", scope: .global),
        KeyBinding(.nextPane, ["tab"], "Next pane", scope: .global),
        KeyBinding(.previousPane, ["shift-tab"], "Previous pane", scope: .global),
        KeyBinding(.command, [":"], "Command (:orders, :theme light, :q …)", scope: .global),
        KeyBinding(.toggleMouse, ["M"], "Mouse on and off", scope: .global),
        KeyBinding(.help, ["?"], "This help", scope: .global, footer: "help"),
        KeyBinding(.quit, ["q", "ctrl-c"], "Quit", scope: .global, footer: "quit"),
    ]
}
