/// Everything a key can do in the console.
public enum ConsoleAction: String, Sendable, Hashable, CaseIterable {
    // Everywhere
    case quit, help, command, nextPane, previousPane, back, repaint, suspend
    case showOrders, showInventory, showUsers, showRequests, showMetrics, showAudit, showWebhooks
    case toggleMouse
    // Lists
    case down, up, pageDown, pageUp, halfPageDown, halfPageUp, top, bottom
    case open, filter, nextSortColumn, flipSort
    case mark, markAllMatching, clearMarks, copyKey, copyRow
    // Inventory
    case increment, decrement, adjust, setCount, newProduct, editProduct, archiveProduct, reorderPoint
    case toggleLowStock, cycleArchived
    // Orders
    case cycleStatusFilter, pay, ship, deliver, cancel, refund, openLine
    // Users
    case newUser, changeRole, toggleDisabled, resetPassword, revokeTokens, customerOrders
    // Audit
    case filterActor, filterAction
    // Webhooks
    case filterWebhook, cycleDeliveryStatus, retryDelivery
    // Stock take
    case showStockTake, commitStockTake, discardStockTake, toggleRepeatScan, undoLastCount
    // Live panes
    case togglePause, errorsOnly, cycleStatusClass, slowerThan, widerWindow, narrowerWindow, sortRoutes, reconnect
}
