import BackroomCore
import BackroomServices

/// How a list pane wants its next window of rows.
public enum ListFetch: Sendable, Equatable {
    case first
    case last
    /// The same rows again (after a write or a change by someone else).
    case reload(from: KeysetKey)
    /// The first rows again, the selection kept: at the top of a list,
    /// rows that arrive above (the newest order) come into view.
    case top
    /// The next page, after the last row shown.
    case pageAfter(KeysetKey)
    /// The previous page, before the first row shown.
    case pageBefore(KeysetKey)
    /// The window moved down by `by` rows: it starts at this key.
    case slideDown(from: KeysetKey, by: Int)
    /// One more row above the first.
    case lineBefore(KeysetKey)

    func window(limit: Int) -> ListWindow {
        switch self {
        case .first, .top: ListWindow(anchor: .first, limit: limit)
        case .last: ListWindow(anchor: .last, limit: limit)
        case .reload(let key), .slideDown(let key, _): ListWindow(anchor: .from(key), limit: limit)
        case .pageAfter(let key): ListWindow(anchor: .after(key), limit: limit)
        case .pageBefore(let key): ListWindow(anchor: .before(key), limit: limit)
        case .lineBefore(let key): ListWindow(anchor: .before(key), limit: 1)
        }
    }
}

/// A list as a pane shows it: only the rows on screen are loaded (keyset
/// windows), the cursor is pinned to a row id, and the position in the
/// whole list is tracked for the `1–30 of N` footer.
struct ListState<Item: Sendable & Identifiable> where Item.ID == Int64 {
    var items: [Item] = []
    var keys: [KeysetKey] = []
    var hasMoreBefore = false
    var hasMoreAfter = false
    /// Index in the whole list of the first row shown.
    var offset = 0
    var total: Int?
    var cursor = 0
    var selectedID: Int64?
    /// The newest fetch; answers to older ones are ignored.
    var serial = 0
    var countSerial = 0
    var isLoading = false
    var error: String?

    var selected: Item? { items.indices.contains(cursor) ? items[cursor] : nil }

    /// Starts a fetch; returns its serial.
    mutating func begin() -> Int {
        serial += 1
        isLoading = true
        return serial
    }

    mutating func beginCount() -> Int {
        countSerial += 1
        return countSerial
    }

    /// Applies the rows a fetch returned, keeping the selection on the same
    /// row id where it is still on screen.
    mutating func apply(_ window: Window<Item>, fetch: ListFetch, limit: Int) {
        isLoading = false
        error = nil
        switch fetch {
        case .lineBefore:
            guard let row = window.items.first, let key = window.keys.first else { return }
            items = [row] + items.prefix(max(0, limit - 1))
            keys = [key] + keys.prefix(max(0, limit - 1))
            hasMoreBefore = window.hasMoreBefore
            hasMoreAfter = true
            offset = max(0, offset - 1)
            cursor = 0
            selectedID = row.id
            return
        case .pageBefore:
            if window.items.count < limit && window.hasMoreBefore == false && !window.items.isEmpty {
                offset = 0
            } else {
                offset = max(0, offset - window.items.count)
            }
        case .pageAfter:
            guard !window.items.isEmpty else { return }
            offset += items.count
        case .slideDown(_, let by):
            offset += by
        case .first, .top:
            offset = 0
        case .last:
            if let total { offset = max(0, total - window.items.count) }
        case .reload:
            break
        }
        items = window.items
        keys = window.keys
        hasMoreBefore = window.hasMoreBefore
        hasMoreAfter = window.hasMoreAfter
        if !window.hasMoreBefore { offset = 0 }
        if let selectedID, let index = items.firstIndex(where: { $0.id == selectedID }), fetch != .first, fetch != .last {
            cursor = index
        } else {
            switch fetch {
            case .first: cursor = 0
            case .last: cursor = max(0, items.count - 1)
            default: cursor = min(cursor, max(0, items.count - 1))
            }
        }
        selectedID = selected?.id
    }

    mutating func select(_ index: Int) {
        cursor = max(0, min(index, items.count - 1))
        selectedID = selected?.id
    }

    /// How to fetch the rows on screen again: from the first one shown, or
    /// from the top when the list is scrolled to the top.
    var reloadFetch: ListFetch {
        guard let first = keys.first else { return .first }
        return hasMoreBefore ? .reload(from: first) : .top
    }

    /// `1–30 of 1,204`, `1 of 1`, or `1–30` while the count is pending.
    var positionText: String {
        guard !items.isEmpty else { return total == 0 ? "0 of 0" : "" }
        let first = offset + 1
        let last = offset + items.count
        let range = first == last ? Formatting.grouped(first) : "\(Formatting.grouped(first))–\(Formatting.grouped(last))"
        if let total { return "\(range) of \(Formatting.grouped(max(total, last)))" }
        return range
    }

    /// Cuts the window to `rows` rows around the cursor (the terminal
    /// shrank): the selected row stays on screen.
    mutating func fit(rows: Int) {
        guard items.count > rows, rows > 0 else { return }
        let start = max(0, min(cursor - rows + 1, items.count - rows))
        let end = start + rows
        hasMoreBefore = hasMoreBefore || start > 0
        hasMoreAfter = hasMoreAfter || end < items.count
        offset += start
        cursor -= start
        items = Array(items[start..<end])
        keys = Array(keys[start..<end])
    }
}
