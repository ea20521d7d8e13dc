import BackroomCore
import BackroomServices
import TerminalKit

extension ConsoleProgram {
    // MARK: Fetch commands

    func loadInventory(_ model: inout ConsoleModel, _ fetch: ListFetch) -> [Command<ConsoleMessage>] {
        let serial = model.inventory.begin()
        let limit = model.visibleRows
        let (inventory, principal, filter, sort) = (shop.inventory, principal, model.inventoryFilter, model.inventorySort)
        return [Command {
            .inventory(ListLoaded(serial: serial, fetch: fetch, limit: limit, result: await .catching {
                try await inventory.items(matching: filter, sort: sort, window: fetch.window(limit: limit), by: principal)
            }))
        }]
    }

    /// Counts the inventory list and, if asked, refreshes the header's summary.
    func countInventory(_ model: inout ConsoleModel, refreshingSummary: Bool = false) -> [Command<ConsoleMessage>] {
        let serial = model.inventory.beginCount()
        let (inventory, principal, filter) = (shop.inventory, principal, model.inventoryFilter)
        let count = Command<ConsoleMessage> {
            .counted(.inventory, serial: serial, await .catching { try await inventory.count(matching: filter, by: principal) })
        }
        return refreshingSummary ? [count, loadSummary()] : [count]
    }

    func loadOrders(_ model: inout ConsoleModel, _ fetch: ListFetch) -> [Command<ConsoleMessage>] {
        let serial = model.orders.begin()
        let limit = model.visibleRows
        let (orders, principal, filter, sort) = (shop.orders, principal, model.orderFilter, model.orderSort)
        return [Command {
            .orders(ListLoaded(serial: serial, fetch: fetch, limit: limit, result: await .catching {
                try await orders.orders(matching: filter, sort: sort, window: fetch.window(limit: limit), by: principal)
            }))
        }]
    }

    func countOrders(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let serial = model.orders.beginCount()
        let (orders, principal, filter) = (shop.orders, principal, model.orderFilter)
        return [Command { .counted(.orders, serial: serial, await .catching { try await orders.count(matching: filter, by: principal) }) }]
    }

    func loadUsers(_ model: inout ConsoleModel, _ fetch: ListFetch) -> [Command<ConsoleMessage>] {
        let serial = model.users.begin()
        let limit = model.visibleRows
        let (users, principal, filter, sort) = (shop.users, principal, model.userFilter, model.userSort)
        return [Command {
            .users(ListLoaded(serial: serial, fetch: fetch, limit: limit, result: await .catching {
                try await users.users(matching: filter, sort: sort, window: fetch.window(limit: limit), by: principal)
            }))
        }]
    }

    func countUsers(_ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let serial = model.users.beginCount()
        let (users, principal, filter) = (shop.users, principal, model.userFilter)
        return [Command { .counted(.users, serial: serial, await .catching { try await users.count(matching: filter, by: principal) }) }]
    }

    // MARK: Moving through a list

    /// Moves the cursor of a list pane; fetches the next window when the
    /// cursor leaves the rows on screen. Returns nil for actions that are
    /// not movements.
    func navigate<Item>(
        _ action: ConsoleAction, _ list: inout ListState<Item>, rows: Int,
        load: (ListFetch) -> [Command<ConsoleMessage>]
    ) -> [Command<ConsoleMessage>]? {
        let count = list.items.count
        switch action {
        case .down:
            if list.cursor + 1 < count {
                list.select(list.cursor + 1)
                return []
            }
            guard list.hasMoreAfter, count > 1 else { return [] }
            list.selectedID = nil
            list.cursor = count - 1
            return load(.slideDown(from: list.keys[1], by: 1))
        case .up:
            if list.cursor > 0 {
                list.select(list.cursor - 1)
                return []
            }
            guard list.hasMoreBefore, let first = list.keys.first else { return [] }
            return load(.lineBefore(first))
        case .pageDown:
            guard list.hasMoreAfter, let last = list.keys.last else {
                list.select(count - 1)
                return []
            }
            list.selectedID = nil
            return load(.pageAfter(last))
        case .pageUp:
            guard list.hasMoreBefore, let first = list.keys.first else {
                list.select(0)
                return []
            }
            list.selectedID = nil
            return load(.pageBefore(first))
        case .halfPageDown:
            let half = max(1, rows / 2)
            if !list.hasMoreAfter || count <= half {
                list.select(min(count - 1, list.cursor + half))
                return []
            }
            list.selectedID = nil
            return load(.slideDown(from: list.keys[half], by: half))
        case .halfPageUp:
            let half = max(1, rows / 2)
            guard list.hasMoreBefore, let first = list.keys.first else {
                list.select(max(0, list.cursor - half))
                return []
            }
            list.selectedID = nil
            return load(.pageBefore(first))
        case .top:
            list.selectedID = nil
            return load(.first)
        case .bottom:
            list.selectedID = nil
            return load(.last)
        default:
            return nil
        }
    }

    // MARK: Sorting

    func nextSort<Key: CaseIterable & Equatable>(_ sort: ListSort<Key>) -> ListSort<Key> where Key.AllCases.Index == Int {
        let all = Array(Key.allCases)
        let index = all.firstIndex(of: sort.key) ?? 0
        return ListSort(all[(index + 1) % all.count], .ascending)
    }
}
