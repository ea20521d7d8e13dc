import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

extension ConsoleProgram {
    func applyLive(_ update: LiveUpdate, _ model: inout ConsoleModel) {
        switch update {
        case .requests(let batch):
            model.live.receive(batch)
        case .snapshot(let snapshot):
            model.live.snapshot = snapshot
        case .connection(let state):
            model.live.connection = state
        case .storeSizes(let database, let wal):
            model.live.storeSizes = (database, wal)
        }
    }

    func performRequests(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let rows = model.visibleRows
        switch action {
        case .togglePause:
            setPaused(!model.live.isPaused, &model)
        case .errorsOnly:
            model.live.errorsOnly.toggle()
            model.live.scroll = 0
        case .cycleStatusClass:
            let cycle: [Int?] = [nil, 2, 4, 5]
            let index = cycle.firstIndex(of: model.live.statusClass) ?? 0
            model.live.statusClass = cycle[(index + 1) % cycle.count]
            model.live.scroll = 0
        case .slowerThan:
            model.overlay = .form(FormDialog(kind: .slowerThan, form: Form([
                FormField("Slower than (ms)", text: model.live.slowerThanMilliseconds.map(String.init) ?? "", maximumLength: 7, hint: "empty: all"),
            ])))
        case .up, .pageUp, .halfPageUp, .top:
            // Looking back stops the list from moving under the cursor.
            if !model.live.isPaused { setPaused(true, &model) }
            let step = action == .up ? 1 : (action == .halfPageUp ? rows / 2 : (action == .top ? Int.max / 2 : rows))
            moveRequestCursor(by: -step, &model)
        case .down, .pageDown, .halfPageDown, .bottom:
            let step = action == .down ? 1 : (action == .halfPageDown ? rows / 2 : (action == .bottom ? Int.max / 2 : rows))
            moveRequestCursor(by: step, &model)
        case .open:
            let visible = model.live.visibleRecords()
            if let record = selectedRecord(visible, model) { model.detail = .request(record) }
        default:
            break
        }
        return []
    }

    func setPaused(_ paused: Bool, _ model: inout ConsoleModel) {
        model.live.isPaused = paused
        if paused {
            model.live.pausedAtID = model.live.records.elements.last?.id
            model.live.arrivedWhilePaused = 0
            model.live.cursor = max(0, model.live.visibleRecords().count - 1)
        } else {
            model.live.pausedAtID = nil
            model.live.arrivedWhilePaused = 0
            model.live.scroll = 0
        }
    }

    /// The cursor is an index into the filtered records (oldest first).
    func moveRequestCursor(by delta: Int, _ model: inout ConsoleModel) {
        let count = model.live.visibleRecords().count
        guard count > 0 else { return }
        let current = model.live.isPaused ? model.live.cursor : count - 1
        model.live.cursor = max(0, min(count - 1, current + delta))
    }

    func selectedRecord(_ visible: [RequestRecord], _ model: ConsoleModel) -> RequestRecord? {
        guard !visible.isEmpty else { return nil }
        let index = model.live.isPaused ? min(model.live.cursor, visible.count - 1) : visible.count - 1
        return visible[index]
    }

    func performMetrics(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let windows = [60, 300, 900]
        let index = windows.firstIndex(of: model.live.windowSeconds) ?? 1
        switch action {
        case .widerWindow: model.live.windowSeconds = windows[min(windows.count - 1, index + 1)]
        case .narrowerWindow: model.live.windowSeconds = windows[max(0, index - 1)]
        case .sortRoutes: model.live.sortRoutesByP99.toggle()
        default: break
        }
        return []
    }
}
