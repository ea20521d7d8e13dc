import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// Rows a list fetch returned.
public struct ListLoaded<Item: Sendable>: Sendable {
    var serial: Int
    var fetch: ListFetch
    var limit: Int
    var result: Result<Window<Item>, BackroomError>
}

/// What a write did, for the flash line and the dialog that asked for it.
public struct WriteOutcome: Sendable {
    var result: Result<String, BackroomError>
    /// Panes whose rows the write changed.
    var panes: Set<PaneKind>
    /// A text to show in a dialog after success (a generated password).
    var notice: [String]?
}

public enum ConsoleMessage: Sendable {
    case input(InputEvent)
    case tick
    case inventory(ListLoaded<InventoryItem>)
    case orders(ListLoaded<Order>)
    case users(ListLoaded<User>)
    case counted(PaneKind, serial: Int, Result<Int, BackroomError>)
    case summary(InventorySummary)
    case ledger(SKU, Result<[StockMovement], BackroomError>)
    case productDetail(InventoryItem)
    case orderDetail(OrderNumber, Result<OrderDetail, BackroomError>)
    case revision(StoreRevision)
    case written(WriteOutcome)
    case live(LiveUpdate)
    /// The process was asked to stop (SIGINT, SIGTERM).
    case quit
}

extension Result where Failure == BackroomError {
    /// Runs `body`, turning any error into a `BackroomError` for the screen.
    static func catching(_ body: () async throws -> Success) async -> Result<Success, BackroomError> {
        do {
            return .success(try await body())
        } catch let error as BackroomError {
            return .failure(error)
        } catch {
            return .failure(BackroomError(.internalError, "\(error)"))
        }
    }
}
